"""Marshmallow schemas of the control plane's request bodies (also used for its OpenAPI document)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validates, validates_schema
from marshmallow.validate import OneOf, Range

CLOCK_ACTIONS = ("freeze", "advance", "resume", "set")


def strict_bool(**kwargs: Any) -> fields.Boolean:
    """A JSON boolean only (marshmallow would also take "off", "yes", 1)."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class FaultRuleSchema(Schema):
    """A fault rule: which requests (vendor, tenant, method, path glob) and what happens to them."""

    class Meta:
        unknown = RAISE

    vendor = fields.String(allow_none=True, metadata={"description": "omnisend or ometria (default: any)"})
    tenant = fields.String(allow_none=True, metadata={"description": "brand or account id (default: any)"})
    method = fields.Raw(allow_none=True, metadata={"description": "a method or a list of methods"})
    path = fields.String(load_default="*", metadata={"description": "glob on the path, e.g. /v3/orders*"})
    probability = fields.Float(load_default=1.0, validate=Range(0.0, 1.0))
    seed = fields.Integer(strict=True, allow_none=True)
    after = fields.Integer(strict=True, load_default=0, validate=Range(min=0),
                           metadata={"description": "let this many matching calls through first"})
    count = fields.Integer(strict=True, allow_none=True, validate=Range(min=1),
                           metadata={"description": "fire at most this many times (default: unlimited)"})
    status = fields.Integer(strict=True, allow_none=True, validate=Range(100, 599))
    message = fields.String(allow_none=True, metadata={"description": "text inside the vendor's envelope"})
    body = fields.Raw(allow_none=True, metadata={"description": "the whole answer body instead of the envelope"})
    headers = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    latency = fields.Raw(allow_none=True, metadata={"description": "seconds, or [min, max] for a uniform draw"})
    drop = strict_bool(load_default=False, metadata={"description": "close the connection, answer nothing"})

    @validates("method")
    def _method(self, value: Any, **_: Any) -> None:
        items = value if isinstance(value, list) else [value]
        if value is not None and not all(isinstance(m, str) and m.strip().isalpha() for m in items):
            raise ValidationError("must be an HTTP method or a list of them")

    @validates("path")
    def _path(self, value: str, **_: Any) -> None:
        if not value or not value.startswith(("/", "*")):
            raise ValidationError("must be a glob starting with / or *")

    @validates("latency")
    def _latency(self, value: Any, **_: Any) -> None:
        if value is None:
            return
        numbers = value if isinstance(value, list) else [value]
        ok = (len(numbers) in (1, 2) and all(isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 0
                                                 for n in numbers))
        if not ok or (len(numbers) == 2 and numbers[0] > numbers[1]):
            raise ValidationError("must be seconds >= 0, or [min, max]")

    @validates_schema
    def _action(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") is None and data.get("latency") is None and not data.get("drop"):
            raise ValidationError("a rule needs an action: status, latency or drop", "_schema")
        if data.get("drop") and data.get("status") is not None:
            raise ValidationError("drop and status exclude each other", "drop")
        if "body" in data and data.get("status") is None:
            raise ValidationError("a body needs a status", "body")


class ClockSchema(Schema):
    """A clock action: freeze [at], advance by seconds or a duration, resume, set to a time."""

    class Meta:
        unknown = RAISE

    action = fields.String(required=True, validate=OneOf(CLOCK_ACTIONS))
    at = fields.String(allow_none=True, metadata={"description": "RFC 3339 date-time (freeze, set)"})
    seconds = fields.Float(allow_none=True, validate=Range(min=0), metadata={"description": "advance"})
    by = fields.String(allow_none=True, metadata={"description": "advance: 90s, 5m, 2h, 1d or ISO PT1M30S"})


class RateRuleSchema(Schema):
    """One rate-limit override: limit per window (seconds), switch, shared bucket name."""

    class Meta:
        unknown = RAISE

    limit = fields.Integer(strict=True, validate=Range(min=1))
    window = fields.Float(validate=Range(min=0.001))
    enabled = strict_bool()
    bucket = fields.String()


class TenantLimitsSchema(Schema):
    """Runtime changes to a tenant's limits; ``null`` removes an override (back to the default)."""

    class Meta:
        unknown = RAISE

    rateLimit = fields.Nested(RateRuleSchema, allow_none=True,
                              metadata={"description": "Omnisend: the brand's one limit"})
    rateLimits = fields.Dict(keys=fields.String(), values=fields.Nested(RateRuleSchema, allow_none=True),
                             allow_none=True,
                             metadata={"description": "Ometria, and Omnisend 2026-03-15 (/api): per limit group"})
    queueCap = fields.Integer(strict=True, allow_none=True, validate=Range(min=0),
                              metadata={"description": "Ometria: push queue cap"})


class GlobalLimitsSchema(Schema):
    """Switch rate limiting on or off for every tenant."""

    class Meta:
        unknown = RAISE

    enabled = strict_bool(required=True)
