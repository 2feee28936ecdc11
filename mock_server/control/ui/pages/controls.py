"""Controls: reset, drain, fault rules, the clock; POST forms that redirect, destructive ones confirmed.

Every action calls the function the /_mock JSON route calls (reset_selected, drain_vendor, add_rule,
remove_rule, clock.apply), so the dashboard and the JSON plane cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import ControlError, bad_request, load
from mock_server.control.routes import clock as clock_routes
from mock_server.control.routes.drain import drain_vendor
from mock_server.control.routes.faults import add_rule, remove_rule
from mock_server.control.routes.system import clock_state, reset_selected
from mock_server.control.schemas import ClockSchema, FaultRuleSchema
from mock_server.control.ui.render import compact, page, see_other
from mock_server.core.context import MockContext
from mock_server.core.request import ctx

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FAULT_DEFAULTS = {"vendor": "", "tenant": "", "method": "", "path": "*", "status": "503", "message": "",
                  "after": "0", "count": ""}
# What each vendor's drain finishes (the JSON routes: /_mock/ometria/queue/drain, /_mock/omnisend/batches/drain).
DRAINS = {"ometria": "Ometria push queue and pending data deletions",
          "omnisend": "Omnisend pending batches and campaigns"}


def confirmed(what: str) -> None:
    """400 unless the form's confirmation box was ticked."""
    if request.form.get(CONFIRM_FIELD) != CONFIRM_VALUE:
        raise bad_request(f"Nothing was done: tick the confirmation box to {what}.")


def target() -> tuple[str | None, str | None]:
    """``vendor/tenant``, ``vendor`` or empty (everything) from the form's ``target``."""
    raw = request.form.get("target", "").strip()
    if not raw:
        return None, None
    vendor, _, tenant_id = raw.partition("/")
    return vendor, tenant_id or None


def describe(vendor: str | None, tenant_id: str | None) -> str:
    """The target in words."""
    if vendor is None:
        return "everything"
    return f"{vendor}/{tenant_id}" if tenant_id else f"every {vendor} tenant"


def integer(data: dict[str, Any], name: str, raw: str) -> None:
    """Put ``raw`` into ``data`` as an int when given (400 naming the field otherwise)."""
    if raw.strip() == "":
        return
    try:
        data[name] = int(raw)
    except ValueError as exc:
        raise bad_request("invalid fault rule", [(name, "must be a whole number")]) from exc


def fault_body(form: dict[str, str]) -> dict[str, Any]:
    """Turn the fault form into the JSON body ``POST /_mock/faults`` takes."""
    data: dict[str, Any] = {"path": form["path"].strip() or "*"}
    for name in ("vendor", "tenant", "method", "message"):
        if form[name].strip():
            data[name] = form[name].strip()
    for name in ("status", "after", "count"):
        integer(data, name, form[name])
    return data


def tenants(mock: MockContext) -> list[tuple[str, str]]:
    """``(vendor, tenant)`` of every tenant, sorted."""
    return sorted((t.vendor, t.tenant_id) for t in mock.store.tenants())


def controls_page(status: int = 200, error: ControlError | None = None, fault_form: dict[str, str] | None = None,
                  failed: str = "") -> Response:
    """Render the controls (with the problem of a refused form, if any)."""
    mock = ctx()
    rules = [r.as_dict() for r in mock.faults.rules()]
    for rule in rules:
        rule["summary"] = ", ".join(f"{k}={compact(rule[k], 40)}" for k in ("vendor", "tenant", "method", "path",
                                    "status", "message", "after", "count") if rule.get(k) not in (None, ""))
    problems = [f"{p}: {m}" for p, m in error.fields] if error is not None else []
    return page("ui/controls.html", status, title="Controls", tenants=tenants(mock), vendors=sorted(mock.vendors),
                rules=rules, clock=clock_state(mock), drains=DRAINS, methods=METHODS,
                fault=fault_form or FAULT_DEFAULTS, error=error.message if error else "", problems=problems,
                failed=failed, done=request.args.get("done", ""), confirm_field=CONFIRM_FIELD,
                confirm_value=CONFIRM_VALUE)


def register(bp: Blueprint) -> None:
    """Attach the controls page and its actions."""

    @bp.get("/controls")
    def controls() -> Response:
        """Show the actions: reset, drain, fault rules, clock."""
        return controls_page()

    @bp.post("/controls/reset")
    def ui_reset() -> Response:
        """Reset a tenant, a vendor or everything to the fixture seed (confirmed)."""
        try:
            vendor, tenant_id = target()
            confirmed(f"reset {describe(vendor, tenant_id)}")
            done = reset_selected(ctx(), vendor, tenant_id)
        except ControlError as exc:
            return controls_page(exc.status, exc, failed="reset")
        names = ", ".join(f"{t.vendor}/{t.tenant_id}" for t in done)
        return see_other("ui.controls", done=f"Reset {describe(vendor, tenant_id)} ({names}).")

    @bp.post("/controls/drain")
    def ui_drain() -> Response:
        """Finish a vendor's pending background work now (confirmed)."""
        try:
            vendor, tenant_id = target()
            if vendor is None:
                raise bad_request("Choose what to drain.")
            confirmed(f"drain {describe(vendor, tenant_id)}")
            result = drain_vendor(ctx(), vendor, tenant_id)
        except ControlError as exc:
            return controls_page(exc.status, exc, failed="drain")
        return see_other("ui.controls", done=f"Drained {describe(vendor, tenant_id)}: {compact(result, 200)}.")

    @bp.post("/controls/faults")
    def ui_add_fault() -> Response:
        """Add a fault rule."""
        form = {name: request.form.get(name, default) for name, default in FAULT_DEFAULTS.items()}
        try:
            rule = add_rule(ctx(), load(FaultRuleSchema(), fault_body(form)))
        except ControlError as exc:
            return controls_page(exc.status, exc, form, failed="fault")
        return see_other("ui.controls", done=f"Added fault rule {rule.id}.")

    @bp.post("/controls/faults/<rule_id>/remove")
    def ui_remove_fault(rule_id: str) -> Response:
        """Remove one fault rule (confirmed)."""
        try:
            confirmed(f"remove fault rule {rule_id}")
            remove_rule(ctx(), rule_id)
        except ControlError as exc:
            return controls_page(exc.status, exc, failed=f"fault-{rule_id}")
        return see_other("ui.controls", done=f"Removed fault rule {rule_id}.")

    @bp.post("/controls/clock")
    def ui_clock() -> Response:
        """Freeze, resume or advance the mock clock (advancing cannot be undone: confirmed)."""
        action = request.form.get("action", "")
        data: dict[str, Any] = {"action": action}
        try:
            if action == "advance":
                data["by"] = request.form.get("by", "").strip()
                confirmed(f"advance the clock by {data['by'] or '?'}")
            clock_routes.apply(load(ClockSchema(), data))
        except ControlError as exc:
            return controls_page(exc.status, exc, failed="clock")
        state = clock_state(ctx())
        return see_other("ui.controls", done=f"Clock {'frozen' if state['frozen'] else 'running'} at {state['now']}.")
