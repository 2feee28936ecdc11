"""The loopback HTTP receiver of the marketing backend tests, for the route tests too."""

from __future__ import annotations

from tests.omnisend.marketing.conftest import Receiver, receiver

__all__ = ["Receiver", "receiver"]
