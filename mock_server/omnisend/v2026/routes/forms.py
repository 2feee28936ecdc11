"""Forms, 2026-03-15 (reference §5.15): list, report, periodic report, sign-ups, A/B setup reports."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args
from mock_server.core.store import Collection, CollectionSpec
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import created_key
from mock_server.omnisend.backend import forms as rules
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.policy import operation

FORMS = CursorList(name="api2026:forms", sorts=("createdAt",), default_sort="createdAt",
                   default_limit=M.FORMS_LIMIT, max_limit=M.FORMS_LIMIT)
SIGNUPS = CursorList(name="api2026:form-contacts", sorts=("createdAt",), default_sort="createdAt",
                     default_limit=M.FORMS_LIMIT, max_limit=M.FORMS_LIMIT)
RANGE = ("createdAtFrom", "createdAtTo")


def _arg(name: str) -> str | None:
    return next((v for k, v in query_args() if k == name), None)


def register(bp: Blueprint) -> None:
    """Attach the 2026 form routes."""

    @bp.get("/api/forms")
    @operation("forms.read", query=(*C.PAGING_PARAMS,))
    def api_list_forms() -> Response:
        """List forms (inferred from a connector; cursor paging, 250 per page)."""
        result, paging = read_cursor_page(FORMS, brand().col(rules.COLLECTION))
        return json_response({"forms": [rules.summary(r) for r in result.items], "paging": paging})

    @bp.get("/api/forms/<form_id>/report")
    @operation("forms.read", query=RANGE)
    def api_form_report(form_id: str) -> Response:
        """Views, interactions, submits and signups in the range, in total and per device."""
        return json_response(rules.report(brand(), form_id, _arg("createdAtFrom"), _arg("createdAtTo")))

    @bp.get("/api/forms/<form_id>/report/periodic")
    @operation("forms.read", query=(*RANGE, "granularity"))
    def api_form_periodic(form_id: str) -> Response:
        """The same counts per hour, day, week, month or year."""
        return json_response(rules.periodic(brand(), form_id, _arg("createdAtFrom"), _arg("createdAtTo"),
                                            _arg("granularity")))

    @bp.get("/api/forms/<form_id>/contacts")
    @operation("forms.read", query=(*C.PAGING_PARAMS, "sort"))
    def api_form_contacts(form_id: str) -> Response:
        """Contacts who signed up through the form, oldest contact first."""
        people = Collection(CollectionSpec(sort_keys={"createdAt": created_key}))
        for index, row in enumerate(rules.signups(brand(), form_id)):
            people.insert(f"{row['createdAt']}:{index}", row)
        result, paging = read_cursor_page(SIGNUPS, people)
        return json_response({"contacts": result.items, "paging": paging})

    @bp.get("/api/forms/<form_id>/ab-setup-reports")
    @operation("forms.read")
    def api_form_ab_reports(form_id: str) -> Response:
        """A/B setup reports (an empty list when the form has none)."""
        return json_response(rules.ab_setup_reports(brand(), form_id))
