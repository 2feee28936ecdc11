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
    """The ``ContactResponse`` of a stored contact (unset fields omitted, mock decision)."""
    identifiers = []
    for ident in record.get("identifiers", []):
        channels = {name: {"status": chan.get("status"), "statusChangedAt": chan.get("statusDate")}
                    for name, chan in ident.get("channels", {}).items()}
        identifiers.append({"id": ident["id"], "type": ident["type"], "channels": channels})
    out: Record = {"id": record["contactID"], "email": rules.email_of(record),
                   "phone": rules.phones_of(record)}
    for name in PLAIN:
        out[name] = record.get(name) or None
    out["tags"] = list(record.get("tags") or [])
    # No clone here: compact below rebuilds every dict and list, so the answer shares nothing with record.
    out["customProperties"] = record.get("customProperties") or {}
    out["identifiers"] = identifiers
    out["status"] = rules.email_status(record) or None
    out["statuses"] = [{"channel": s["channel"], "status": s["status"], "statusChangedAt": s.get("date")}
                       for s in record.get("statuses", [])]
    out["optIns"] = [{"channel": o["channel"], "optInAt": o.get("date")} for o in record.get("optIns", [])]
    out["consents"] = list(record.get("consents") or [])
    out["segments"] = rules.segments_of(brand, record)
    out["createdAt"] = record["createdAt"]
    out["updatedAt"] = rules.updated_at(record)
    return compact(out)  # type: ignore[no-any-return]


def contact_input(brand: Brand, data: Record, target: str | None) -> Record:
    """Translate a validated ``ContactRequest`` into the backend's input.

    ``statusChangedAt`` (or the older ``statusDate``, accepted as an alias: mock decision) becomes
    ``statusDate``; an identifier new to ``target`` without a status for its channel starts
    ``nonSubscribed`` (mock decision, §7.2 #7).
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
