"""The root error type and the vendor-neutral error kinds that each vendor renders in its envelope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class MockError(Exception):
    """Root of every error the mock raises on purpose.

    ``status`` is the HTTP status, ``message`` the vendor text, ``fields`` optional field-level
    problems as ``(path, message)`` pairs, ``headers`` extra response headers and ``extra`` extra keys
    of the error body (for example Ometria's ``request_id``). Each vendor turns one into its own
    envelope; nothing outside a vendor package decides what a body looks like.
    """

    status: int = 500
    kind: str = "error"

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        fields: Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.fields: list[tuple[str, str]] = list(fields or [])
        self.headers: dict[str, str] = dict(headers or {})
        self.extra: dict[str, Any] = dict(extra or {})


class Unauthorized(MockError):
    """No key, or a key no tenant owns."""

    status = 401
    kind = "unauthorized"


class Forbidden(MockError):
    """A known key without the scope the route needs."""

    status = 403
    kind = "forbidden"


class RouteNotFound(MockError):
    """No route under the vendor prefix matches the path."""

    status = 404
    kind = "route_not_found"


class MethodNotAllowed(MockError):
    """The path exists but not for this method."""

    status = 405
    kind = "method_not_allowed"

    def __init__(self, allowed: Sequence[str]) -> None:
        # Flask adds HEAD and OPTIONS to every rule; Allow names the methods the vendor serves.
        served = sorted(m for m in allowed if m not in ("HEAD", "OPTIONS"))
        super().__init__("", headers={"Allow": ", ".join(served)})
        self.allowed = served


class BodyTooLarge(MockError):
    """The request body is larger than the configured cap."""

    status = 413
    kind = "body_too_large"

    def __init__(self, cap: int) -> None:
        super().__init__("")
        self.cap = cap


class HeaderFieldsTooLarge(MockError):
    """The request line and headers are larger than the HTTP server accepts (refused before routing)."""

    status = 431
    kind = "header_fields_too_large"

    def __init__(self) -> None:
        # Mock decision: the references name no text; each vendor renders the standard reason phrase.
        super().__init__("Request Header Fields Too Large")


class MalformedRequest(MockError):
    """The HTTP server could not parse the request (bad chunked encoding, unknown transfer coding)."""

    status = 400
    kind = "malformed_request"


class InvalidJson(MockError):
    """The body is not UTF-8 JSON (or is empty where one is required)."""

    status = 400
    kind = "invalid_json"


class InvalidParameters(MockError):
    """One or more query parameters are malformed or out of range.

    ``fields`` holds ``(parameter name, reason)`` pairs in the vendor-neutral vocabulary of
    :mod:`mock_server.core.paging`; the vendor decides how much of it to show.
    """

    status = 400
    kind = "invalid_parameters"


class ValidationFailed(MockError):
    """A body failed schema validation; ``fields`` are ``(path, message)`` pairs."""

    status = 400
    kind = "validation_failed"

    def __init__(self, problems: Sequence[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("")
        self.problems: list[tuple[tuple[str | int, ...], str]] = list(problems)


class NotFound(MockError):
    """A resource named by the request does not exist (vendor text in ``message``)."""

    status = 404
    kind = "not_found"


class Unprocessable(MockError):
    """A business rule refused the request (vendor text in ``message``)."""

    status = 422
    kind = "unprocessable"


class RateLimited(MockError):
    """The tenant's window for this limit group is full."""

    status = 429
    kind = "rate_limited"

    def __init__(self, retry_after: int, limit: int, window: float) -> None:
        super().__init__("", headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
        self.limit = limit
        self.window = window


class InjectedFault(MockError):
    """A control-plane fault rule answered in the vendor's envelope for ``status``."""

    kind = "fault"


class InternalError(MockError):
    """An unexpected exception, rendered as the vendor's 500."""

    status = 500
    kind = "internal"
