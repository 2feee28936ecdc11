"""Error kinds the marketing resources raise besides the core ones (402 payment, 409 state conflicts)."""

from __future__ import annotations

from collections.abc import Sequence

from mock_server.core.errors import MockError


class Conflict(MockError):
    """The resource's state blocks the action, or a duplicate (409); ``codes`` become ``errors[]`` items."""

    status = 409
    kind = "conflict"

    def __init__(self, message: str, codes: Sequence[tuple[str, str, str]] = ()) -> None:
        super().__init__(message)
        # (field, code, message) triples, rendered as the problem's errors[] (ConflictProblem).
        self.codes: list[tuple[str, str, str]] = list(codes)


class PaymentRequired(MockError):
    """The brand's plan does not pay for sending (402; §2.2)."""

    status = 402
    kind = "payment_required"
