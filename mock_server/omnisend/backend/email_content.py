"""Email templates, email content and universal layouts (§5.11), and rendering them to HTML.

A campaign or automation email is created from a template; it then owns a copy (its ``contentID``),
edited through /email-content. Rendering walks sections -> rows -> columns -> blocks and substitutes
personalisation tags (``[[contact.first_name | default: 'friend']]``) from the contact it is sent to.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder, sending, updated_key
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.problems import Conflict
from mock_server.omnisend.backend.seeding import fixture_identity

Record = dict[str, Any]
TEMPLATES = "emailTemplates"
CONTENT = "emailContent"
LAYOUTS = "emailLayouts"
TAG = re.compile(r"\[\[\s*([A-Za-z0-9_.]+)\s*(?:\|\s*default\s*:\s*(?:'([^']*)'|\"([^\"]*)\")\s*)?\]\]")


def _name_key(record: Record) -> str:
    return str(record.get("name") or "")


for _name in (TEMPLATES, CONTENT, LAYOUTS):
    register_collection(_name, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key,
                                                         "name": _name_key}))


def _check_design(data: Record, *, named: bool) -> None:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if named:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append((("name",), "required"))
        elif len(name) > M.TEMPLATE_NAME_MAX:
            problems.append((("name",), f"must be at most {M.TEMPLATE_NAME_MAX} characters"))
    sections = data.get("sections", [])
    if not isinstance(sections, list):
        problems.append((("sections",), "invalid type, expected array"))
    else:
        problems.extend(_check_sections(sections))
    if "generalSettings" in data and not isinstance(data["generalSettings"], dict):
        problems.append((("generalSettings",), "invalid type, expected object"))
    if problems:
        raise ValidationFailed(problems)


def _check_sections(sections: list[Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Structure checks; array indices are dropped from paths as the API does (``sections.rows``)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for section in sections:
        if not isinstance(section, dict):
            out.append((("sections",), "invalid type, expected object"))
            continue
        for row in section.get("rows") or []:
            if not isinstance(row, dict):
                out.append((("sections", "rows"), "invalid type, expected object"))
                continue
            for column in row.get("columns") or []:
                if not isinstance(column, dict):
                    out.append((("sections", "rows", "columns"), "invalid type, expected object"))
                    continue
                for block in column.get("blocks") or []:
                    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                        out.append((("sections", "rows", "columns", "blocks", "type"), "required"))
    return out


# -- templates -----------------------------------------------------------------------------------------
def _template(brand: Brand, data: Record, template_id: str, created: str) -> Record:
    return {"id": template_id, "name": data["name"], "generalSettings": clone(data.get("generalSettings") or {}),
            "sections": clone(data.get("sections") or []), "createdAt": created, "updatedAt": brand.now()}


def find_template(brand: Brand, template_id: str) -> Record:
    """The stored template, or 404."""
    record = brand.col(TEMPLATES).peek(template_id)
    if record is None:
        raise NotFound(M.ERR_TEMPLATE_NOT_FOUND)
    return record


def create_template(brand: Brand, data: Record, *, template_id: str | None = None,
                    created_at: str | None = None) -> Record:
    """POST /email-templates: 201 Template."""
    _check_design(data, named=True)
    record = _template(brand, data, template_id or brand.new_id(), created_at or brand.now())
    if created_at:
        record["updatedAt"] = created_at
    brand.col(TEMPLATES).insert(record["id"], record)
    return dict(clone(record))


def get_template(brand: Brand, template_id: str) -> Record:
    """GET /email-templates/{id}."""
    return dict(clone(find_template(brand, template_id)))


def replace_template(brand: Brand, template_id: str, data: Record) -> Record:
    """PUT /email-templates/{id}: full replace."""
    stored = find_template(brand, template_id)
    _check_design(data, named=True)
    record = _template(brand, data, template_id, stored["createdAt"])
    brand.col(TEMPLATES).replace(template_id, record)
    return dict(clone(record))


def delete_template(brand: Brand, template_id: str) -> None:
    """DELETE /email-templates/{id} (404 for an unknown id, §7.2 q6 mock decision)."""
    find_template(brand, template_id)
    brand.col(TEMPLATES).delete(template_id)


def list_item(record: Record) -> Record:
    """A TemplateListItem: ``{id, name, createdAt, updatedAt}``."""
    return {key: record[key] for key in ("id", "name", "createdAt", "updatedAt")}


def import_template(brand: Brand, data: Record) -> Record:
    """POST /email-templates/import: the body HTML becomes one htmlCode block; head styles are kept."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if not isinstance(data.get("name"), str) or not 1 <= len(data["name"]) <= M.TEMPLATE_NAME_MAX:
        problems.append((("name",), "required, 1-255 characters"))
    if not isinstance(data.get("html"), str) or not data["html"]:
        problems.append((("html",), "required"))
    if problems:
        raise ValidationFailed(problems)
    source = data["html"]
    styles = "".join(re.findall(r"<style[^>]*>(.*?)</style>", source, re.S | re.I))
    body = re.search(r"<body[^>]*>(.*)</body>", source, re.S | re.I)
    block = {"id": brand.new_id(), "type": "htmlCode", "htmlCode": {"html": body.group(1) if body else source}}
    design = {"name": data["name"], "generalSettings": {"content": {"css": styles}} if styles else {},
              "sections": [{"id": brand.new_id(), "type": "", "rows": [
                  {"id": brand.new_id(), "columns": [{"id": brand.new_id(), "blocks": [block]}]}]}]}
    return create_template(brand, design)


# -- content (a campaign's or automation's own copy) ---------------------------------------------------
def copy_to_content(brand: Brand, template_id: str) -> str:
    """Create the content a send block or campaign owns, from a template; return its id."""
    template = find_template(brand, template_id)
    now = brand.now()
    record = {"id": brand.new_id(), "templateID": template_id, "generalSettings": clone(template["generalSettings"]),
              "sections": clone(template["sections"]), "locked": False, "createdAt": now, "updatedAt": now}
    brand.col(CONTENT).insert(record["id"], record)
    return str(record["id"])


def duplicate_content(brand: Brand, content_id: str) -> str:
    """Copy content for a copied campaign or automation (which owns its own, unlocked); return the new id."""
    now = brand.now()
    copied = {**clone(find_content(brand, content_id)), "id": brand.new_id(), "locked": False, "createdAt": now,
              "updatedAt": now}
    brand.col(CONTENT).insert(copied["id"], copied)
    return str(copied["id"])


def send_test_emails(brand: Brand, data: Record, email: Record, refusals: tuple[str, str], source: Record) -> None:
    """A test email of ``email`` (subject, contentID, senderEmail): ``data.recipients`` (1-5 addresses)
    each get one outbox email, personalised when the address is a contact's; ``source`` names the campaign
    or automation block. ``refusals`` are the 402 and 409 details (see :mod:`sending`)."""
    addresses = (data or {}).get("recipients")
    if not isinstance(addresses, list) or not 1 <= len(addresses) <= M.TEST_RECIPIENTS_MAX \
            or not all(isinstance(a, str) and "@" in a for a in addresses):
        raise ValidationFailed([(("recipients",), "1-5 email addresses are required")])
    sending.check_paid(brand, refusals[0])
    sending.check_email_sending(brand, [email.get("senderEmail")], refusals[1])
    addresses = sending.deliverable(brand, addresses, refusals[1])
    subject = email.get("subject") or ""
    content = find_content(brand, email["contentID"])
    for address in addresses:
        found = contact_rules.find_by_email(brand, address)
        contact = brand.col("contacts").peek(found) if found else None
        values = contact_context(brand, contact)
        brand.outbox({"kind": M.OUT_EMAIL, **source, "test": True, "messageID": brand.new_id(), "to": address,
                      "subject": substitute(subject, values, escape=str),
                      "html": render_design(brand, content, contact)})


def find_content(brand: Brand, content_id: str) -> Record:
    """The stored content, or 404."""
    record = brand.col(CONTENT).peek(content_id)
    if record is None:
        raise NotFound(M.ERR_CONTENT_NOT_FOUND)
    return record


def render_content_record(record: Record) -> Record:
    """The Content answer."""
    return {key: clone(record[key]) for key in ("id", "generalSettings", "sections", "createdAt", "updatedAt")}


def get_content(brand: Brand, content_id: str) -> Record:
    """GET /email-content/{id}."""
    return render_content_record(find_content(brand, content_id))


def replace_content(brand: Brand, content_id: str, data: Record) -> Record:
    """PUT /email-content/{id}: 409 once its campaign has been sent (locked)."""
    record = clone(find_content(brand, content_id))
    if record.get("locked"):
        raise Conflict(M.ERR_CONTENT_LOCKED)
    _check_design(data, named=False)
    record.update({"generalSettings": clone(data.get("generalSettings") or {}),
                   "sections": clone(data.get("sections") or []), "updatedAt": brand.now()})
    brand.col(CONTENT).replace(content_id, record)
    return render_content_record(record)


def lock_content(brand: Brand, content_id: str) -> None:
    """Lock content whose campaign went out (mock decision: sent content is read-only)."""
    record = brand.col(CONTENT).get(content_id)
    if record is not None and not record.get("locked"):
        record["locked"] = True
        brand.col(CONTENT).replace(content_id, record)


# -- universal layouts ---------------------------------------------------------------------------------
def _layout(brand: Brand, data: Record, layout_id: str, created: str) -> Record:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if not isinstance(data.get("name"), str) or not data["name"]:
        problems.append((("name",), "required"))
    if not isinstance(data.get("content"), dict):
        problems.append((("content",), "required"))
    else:
        problems.extend(_check_sections([data["content"]]))
    if problems:
        raise ValidationFailed(problems)
    return {"id": layout_id, "name": data["name"], "content": clone(data["content"]), "snapshotState": "ready",
            "snapshotUrl": "", "createdAt": created, "updatedAt": brand.now()}


def find_layout(brand: Brand, layout_id: str) -> Record:
    """The stored layout, or 404."""
    record = brand.col(LAYOUTS).peek(layout_id)
    if record is None:
        raise NotFound(M.ERR_LAYOUT_NOT_FOUND)
    return record


def create_layout(brand: Brand, data: Record) -> Record:
    """POST /email-universal-layouts."""
    record = _layout(brand, data, brand.new_id(), brand.now())
    brand.col(LAYOUTS).insert(record["id"], record)
    return dict(clone(record))


def replace_layout(brand: Brand, layout_id: str, data: Record) -> Record:
    """PUT /email-universal-layouts/{id}."""
    stored = find_layout(brand, layout_id)
    record = _layout(brand, data, layout_id, stored["createdAt"])
    brand.col(LAYOUTS).replace(layout_id, record)
    return dict(clone(record))


def delete_layout(brand: Brand, layout_id: str) -> None:
    """DELETE /email-universal-layouts/{id}."""
    find_layout(brand, layout_id)
    brand.col(LAYOUTS).delete(layout_id)


# -- rendering -----------------------------------------------------------------------------------------
def contact_context(brand: Brand, contact: Record | None) -> dict[str, Any]:
    """The values personalisation tags resolve to: ``contact`` (empty without one) and ``brand``."""
    values: dict[str, Any] = {"brand": {"name": brand.config.get("name") or "", "website": brand.config.get(
        "website") or ""}, "contact": {}}
    if contact is None:
        return values
    phones = contact_rules.phones_of(contact)
    person: dict[str, Any] = {"email": contact_rules.email_of(contact) or "", "phone": phones[0] if phones else "",
                              "contactID": contact.get("contactID", "")}
    for name in ("firstName", "lastName", "country", "city", "state", "address", "postalCode", "gender",
                 "birthdate"):
        person[name] = contact.get(name) or ""
    person["customProperties"] = dict(contact.get("customProperties") or {})
    values["contact"] = person
    return values


def _lookup(values: dict[str, Any], path: list[str]) -> Any:
    if path[0] == "contact" and len(path) >= 2:
        person = values.get("contact") or {}
        if path[1] in ("custom_properties", "customProperties") and len(path) == 3:
            return (person.get("customProperties") or {}).get(path[2])
        return person.get(M.CONTACT_TAG_FIELDS.get(path[1], "")) if len(path) == 2 else None
    found: Any = values
    for part in path:
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return found if isinstance(found, (str, int, float, bool)) else None


def substitute(text: str, values: dict[str, Any], *, strict: bool = False,
               escape: Callable[[str], str] = html.escape) -> str:
    """Replace ``[[contact.x]]``, ``[[brand.name]]`` (and ``[[event.x]]`` when given) tags; unknown or empty
    ones become their ``default`` or "". ``strict`` raises 422 on an unbalanced tag (/render's Liquid error).
    """
    if strict and text.count("[[") != text.count("]]"):
        raise Unprocessable(M.ERR_LIQUID)

    def value(match: re.Match[str]) -> str:
        default = match.group(2) if match.group(2) is not None else (match.group(3) or "")
        found = _lookup(values, match.group(1).split("."))
        return escape(default if found in (None, "") else str(found))

    return TAG.sub(value, text)


def _block_html(block: Record) -> str:
    kind = block.get("type")
    if kind in ("htmlCode", "html"):
        inner = block.get(kind) or {}
        return str(inner.get("html") or block.get("text") or "")
    if kind == "image":
        image = block.get("image") or {}
        src = html.escape(str(image.get("url") or image.get("src") or ""))
        return f'<img src="{src}" alt="{html.escape(str(image.get("alt") or ""))}">'
    if kind == "button":
        button = block.get("button") or {}
        link = html.escape(str(button.get("url") or button.get("link") or "#"))
        return f'<a class="button" href="{link}">{block.get("text") or button.get("text") or ""}</a>'
    return str(block.get("text") or "")


def design_html(design: Record) -> str:
    """The unsubstituted HTML of a template, content or layout section list."""
    parts = ["<!doctype html><html><head><meta charset=\"utf-8\">"]
    css = ((design.get("generalSettings") or {}).get("content") or {}).get("css")
    if css:
        parts.append(f"<style>{css}</style>")
    parts.append("</head><body>")
    for section in design.get("sections") or []:
        parts.append(f'<div class="section" data-type="{html.escape(str(section.get("type") or ""))}">')
        for row in section.get("rows") or []:
            parts.append('<div class="row">')
            for column in row.get("columns") or []:
                parts.append('<div class="column">')
                parts.extend(f"<div class=\"block\">{_block_html(b)}</div>" for b in column.get("blocks") or [])
                parts.append("</div>")
            parts.append("</div>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def render_design(brand: Brand, design: Record, contact: Record | None, *, strict: bool = False) -> str:
    """HTML of a design with the contact's fields substituted."""
    return substitute(design_html(design), contact_context(brand, contact), strict=strict)


def render_template(brand: Brand, template_id: str, data: Record | None = None) -> Record:
    """POST /email-templates/{id}/render: ``{"html"}``; an optional ``contactID``/``email`` personalises it
    (mock decision: the contract's request body is free-form)."""
    template = find_template(brand, template_id)
    contact = _contact_from(brand, data or {})
    return {M.RENDER_MEMBER: render_design(brand, template, contact)}


def render_content(brand: Brand, content_id: str) -> Record:
    """POST /email-content/{id}/render: rendered with an empty context; 422 on a broken tag."""
    content = find_content(brand, content_id)
    return {M.RENDER_MEMBER: render_design(brand, content, None, strict=True)}


def _contact_from(brand: Brand, data: Record) -> Record | None:
    contact_id = data.get("contactID")
    if not contact_id and isinstance(data.get("email"), str):
        contact_id = contact_rules.find_by_email(brand, data["email"])
    return brand.col("contacts").peek(contact_id) if isinstance(contact_id, str) else None


def _seed_template(brand: Brand, record: Record) -> None:
    """A fixture template: the POST body plus ``id`` and ``createdAt``."""
    data, template_id, created_at = fixture_identity(brand, TEMPLATES, record)
    create_template(brand, data, template_id=template_id, created_at=created_at)


register_seeder(TEMPLATES, _seed_template, order=32)
