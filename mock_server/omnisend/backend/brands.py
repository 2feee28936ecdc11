"""The brand itself: v3 accounts and v5 brands/current (omnisend.md §3.9, §4, §5.11; shapes are mock
decisions after community clients)."""

from __future__ import annotations

from typing import Any

from mock_server.core.errors import NotFound
from mock_server.core.store import clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand

Record = dict[str, Any]


def render(brand: Brand) -> Record:
    """The Brand object, fields in the §5.11 order (unset strings as ``""``)."""
    config = brand.config
    out: Record = {}
    for key in C.BRAND_FIELDS:
        value = config.get(key)
        if key == "connected":
            out[key] = bool(value)
        else:
            out[key] = clone(value) if value is not None else ""
    return out


def verify_account(brand: Brand, brand_id: str | None, data: Record) -> Record:
    """POST /accounts[/{brandID}]: store the given platform values; ``{"verified": true}``."""
    if brand_id is not None and brand_id != brand.brand_id:
        raise NotFound(C.ERR_BRAND_NOT_FOUND.format(id=brand_id))
    changed = {k: data[k] for k in C.ACCOUNT_INPUT_FIELDS if k in data}
    if changed:
        brand.config.update(changed)
        brand.config["updatedAt"] = brand.now()
    return {"verified": True}


def connect_store(brand: Brand, data: Record) -> None:
    """Connect a store: keep its platform, version, website (and currency); the brand is connected."""
    brand.config.update({k: data[k] for k in ("platform", "version", "website", "currency") if k in data})
    brand.config["connected"] = True
    brand.config["updatedAt"] = brand.now()
