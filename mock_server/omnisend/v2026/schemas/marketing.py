"""Request bodies of the 2026 marketing resources, as the mock's OpenAPI document shows them.

The backends validate these bodies themselves (every problem at once, paths in the request's names,
rules that depend on stored state such as templates and segments), so these schemas only name the
top-level members for the document and accept any JSON type.
"""

from __future__ import annotations

from marshmallow import INCLUDE

from mock_server.core import schema as S


class _Doc(S.BaseSchema):
    class Meta:
        unknown = INCLUDE


class SegmentRequestSchema(_Doc):
    """POST/PUT /segments."""

    name = S.Any_()
    conditionGroups = S.Any_()


class AutomationRequestSchema(_Doc):
    """POST/PATCH /automations."""

    name = S.Any_()
    trigger = S.Any_()
    blocks = S.Any_()
    exitConditions = S.Any_()
    settings = S.Any_()


class BlocksRequestSchema(_Doc):
    """PUT /automations/{id}/blocks."""

    blocks = S.Any_()


class OptionsSchema(_Doc):
    """Small option bodies: copy ``{name}``, enable ``{enrollExisting}``, disable ``{contactsInWorkflow}``,
    test email ``{recipients}``, UTM ``{tags | variants}``, A/B winner ``{variantID}``."""

    name = S.Any_()
    enrollExisting = S.Any_()
    contactsInWorkflow = S.Any_()
    recipients = S.Any_()
    tags = S.Any_()
    variants = S.Any_()
    variantID = S.Any_()


class CampaignRequestSchema(_Doc):
    """POST/PATCH /campaigns."""

    type = S.Any_()
    channel = S.Any_()
    name = S.Any_()
    language = S.Any_()
    audience = S.Any_()
    content = S.Any_()
    abTest = S.Any_()
    boosterSettings = S.Any_()
    sendingSettings = S.Any_()


class DesignRequestSchema(_Doc):
    """Templates, content and universal layouts (and the template import)."""

    name = S.Any_()
    generalSettings = S.Any_()
    sections = S.Any_()
    content = S.Any_()
    html = S.Any_()


class ImageUrlSchema(_Doc):
    """POST /images."""

    url = S.Any_()
    name = S.Any_()


class AnalyticsRequestSchema(_Doc):
    """POST /analytics/reports and /analytics/statistics."""

    queries = S.Any_()
