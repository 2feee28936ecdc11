"""What the marketing fixtures share: a record's own id and creation time, taken before the API rules run."""

from __future__ import annotations

from typing import Any

from mock_server.core.errors import ValidationFailed
from mock_server.core.store import clone
from mock_server.omnisend.backend import Brand

Record = dict[str, Any]


def fixture_identity(brand: Brand, collection: str, record: Record,
                     key: str = "id") -> tuple[Record, str | None, str | None]:
    """Split a fixture record into (the API body, its ``key`` id, its ``createdAt``); the id, when given,
    must be a string no record of ``collection`` has yet."""
    data: Record = clone(record)
    own_id, created_at = data.pop(key, None), data.pop("createdAt", None)
    if own_id is not None and (not isinstance(own_id, str) or own_id in brand.col(collection)):
        raise ValidationFailed([((key,), "must be a unique string")])
    return data, own_id, created_at
