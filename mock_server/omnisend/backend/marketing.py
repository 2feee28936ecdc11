"""Load the marketing resources of API 2026-03-15 so their collections, seeders and hooks register.

Segments, email content, automations (with the run engine), campaigns, images, analytics and forms; imported once
by the fixture loader, which every app start goes through.
"""

from __future__ import annotations

from mock_server.omnisend.backend import (  # noqa: F401 - imported for their registrations
    Brand,
    analytics,
    automation_runs,
    automation_switch,
    automations,
    campaign_sends,
    campaigns_api,
    email_content,
    forms,
    images,
    segments_api,
)


def run_due(brand: Brand) -> dict[str, int]:
    """Carry out the marketing work the mock clock has made due: automation waits, scheduled campaigns,
    A/B decisions and delayed boosters (the caller holds the brand's lock)."""
    return {"automationSteps": automation_runs.run_due(brand), "campaignsSent": campaign_sends.run_due(brand)}
