"""The field renames of 2026-03-15 at the edge (omnisend-2026.md §6): the backend speaks Python words and v3's
store names; this module turns them into the 2026 wire and back.

| store (v3/v5 wire)                 | 2026 wire                         |
|------------------------------------|-----------------------------------|
| ``contactID``                      | ``id``                            |
| ``channels.<c>.statusDate``        | ``channels.<c>.statusChangedAt``  |
| ``statuses[].date``                | ``statuses[].statusChangedAt``    |
| ``optIns[].date``                  | ``optIns[].optInAt``              |
| product ``productID``/``productUrl``, cents | ``id``/``url``, decimal prices (the v5 mapping) |
"""

from __future__ import annotations

from typing import Any

from mock_server.core.store import clone
from mock_server.omnisend.backend import Brand, products_v5
from mock_server.omnisend.backend import contacts as rules
from mock_server.omnisend.v2026.common import compact

Record = dict[str, Any]
CHANNEL_OF = {"email": "email", "phone": "sms"}
PLAIN = ("firstName", "lastName", "address", "city", "state", "postalCode", "country", "countryCode",
         "birthdate", "gender")


def contact(brand: Brand, record: Record) -> Record:
    """The ``ContactResponse`` of a stored contact (unset fields omitted, mock decision).

    Built member by member with ``None`` left out as it goes, the same answer as building it whole and
    running :func:`compact` over it (tests/omnisend/v2026 check both agree): the recursion cost more than
    the rest of the answer on every push (issue 14). Only the free-form parts (custom properties,
    consents, non-string values) still go through :func:`compact`.
    """
    identifiers = []
    for ident in record.get("identifiers", []):
        channels = {name: _member(chan.get("status"), chan.get("statusDate"), "status", "statusChangedAt")
                    for name, chan in ident.get("channels", {}).items()}
        entry = {"id": ident["id"], "type": ident["type"], "channels": channels}
        identifiers.append(entry if type(entry["id"]) is str and type(entry["type"]) is str else compact(entry))
    out: Record = {"id": record["contactID"]}
    email = rules.email_of(record)
    if email is not None:
        out["email"] = email
    out["phone"] = rules.phones_of(record)
    for name in PLAIN:
        value = record.get(name)
        if value:
            out[name] = compact(value) if isinstance(value, (dict, list)) else value
    tags = record.get("tags")
    out["tags"] = compact(list(tags)) if tags else []
    props = record.get("customProperties")
    # compact rebuilds every dict and list: the answer shares nothing with record.
    out["customProperties"] = compact(props) if props else {}
    out["identifiers"] = identifiers
    status = rules.email_status(record)
    if status:
        out["status"] = status
    out["statuses"] = [_strings({"channel": s["channel"], "status": s["status"], "statusChangedAt": s.get("date")})
                       for s in record.get("statuses", [])]
    out["optIns"] = [_member(o["channel"], o.get("date"), "channel", "optInAt") for o in record.get("optIns", [])]
    consents = record.get("consents")
    out["consents"] = compact(list(consents)) if consents else []
    out["segments"] = rules.segments_of(brand, record)
    for name, value in (("createdAt", record["createdAt"]), ("updatedAt", rules.updated_at(record))):
        if value is not None:
            out[name] = compact(value) if isinstance(value, (dict, list)) else value
    return out


def _member(first: Any, second: Any, first_name: str, second_name: str) -> Record:
    """``{first_name: first, second_name: second}`` as :func:`compact` leaves it."""
    if type(first) is str and type(second) is str:
        return {first_name: first, second_name: second}
    return compact({first_name: first, second_name: second})  # type: ignore[no-any-return]


def _strings(member: Record) -> Record:
    """``member`` as :func:`compact` leaves it (itself when its values are strings or compacted already)."""
    for value in member.values():
        if type(value) is not str:
            return compact(member)  # type: ignore[no-any-return]
    return member


def contact_input(brand: Brand, data: Record, target: str | None,
                  owner_of: tuple[str, str, str | None] | None = None) -> Record:
    """Translate a validated ``ContactRequest`` into the backend's input.

    ``statusChangedAt`` (or the older ``statusDate``, accepted as an alias: mock decision) becomes
    ``statusDate``; an identifier new to ``target`` without a status for its channel starts
    ``nonSubscribed`` (mock decision, §7.2 #7). ``owner_of``: ``(type, id, owner)`` of an identifier whose
    owner the caller looked up already (not looked up again).
    """
    out = {k: clone(v) for k, v in data.items() if k != "identifiers"}
    if "identifiers" not in data:
        return out
    idents = []
    for given in data["identifiers"]:
        channels: Record = {}
        for name, chan in (given.get("channels") or {}).items():
            when = chan.get("statusChangedAt") or chan.get("statusDate")
            channels[name] = {"status": chan["status"], **({"statusDate": when} if when else {})}
        own = CHANNEL_OF[given["type"]]
        if owner_of is not None and owner_of[0] == given["type"] and owner_of[1] == given["id"]:
            owner = owner_of[2]
        else:
            owner = rules.identifier_owner(brand, given["type"], given["id"])
        if own not in channels and (target is None or owner != target):
            channels[own] = {"status": "nonSubscribed"}
        ident = {"type": given["type"], "id": given["id"], "channels": channels}
        for key in ("consent", "sendWelcomeMessage"):
            if key in given:
                ident[key] = clone(given[key])
        if target is None:
            # sendWelcomeMessage defaults to true (C-contacts); it counts for a new contact only, so an
            # update never re-sends the welcome (mock decision).
            ident.setdefault("sendWelcomeMessage", True)
        idents.append(ident)
    out["identifiers"] = idents
    return out


def product(record: Record) -> Record:
    """The ``Product`` of a stored product: the v5 mapping, unset and empty strings omitted."""
    rendered: Record = _drop_empty(products_v5.render(record))
    for variant in rendered.get("variants", []):
        # The contract requires a variant url; a variant written through v3 may have none: it shows the
        # product's (mock decision).
        if "url" not in variant and "url" in rendered:
            variant["url"] = rendered["url"]
    return rendered


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


BRAND_FIELDS = ("brandID", "name", "website", "platform", "version", "currency", "timezone", "connected")


def brand_view(rendered: Record) -> Record:
    """The contract's brand response: the v5 brand without its timestamps."""
    return {key: rendered[key] for key in BRAND_FIELDS if key in rendered}
