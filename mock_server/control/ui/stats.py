"""The overview's charts, built from what the sandbox already keeps: the journal, the rate-limit windows
and the sampler's time series."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mock_server.control.ui.charts import Budget, Chart, Series, budgets, colour_of, empty, lines, stacked_bars
from mock_server.control.ui.samples import Sample, batch_keys, queue_key
from mock_server.control.ui.usage import rate_usage
from mock_server.core.context import MockContext
from mock_server.ometria import constants as ometria_constants
from mock_server.omnisend import constants as omnisend_constants

MAX_BARS = 30
# Bucket widths tried in order (seconds): the first that fits the journal's span in MAX_BARS bars wins.
STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400)
REQUIRED_CLASSES = ("2xx", "4xx", "429", "5xx")  # always in the legend; 3xx and dropped only when seen
VENDOR_TITLES = {omnisend_constants.VENDOR: "Omnisend", ometria_constants.VENDOR: "Ometria"}


def request_class(status: int | None) -> str:
    """``2xx``, ``3xx``, ``4xx`` (429 aside), ``429``, ``5xx`` or ``dropped``."""
    if status is None:
        return "dropped"
    if status == 429:
        return "429"
    return f"{status // 100}xx"


def clock_text(epoch: float, step: float) -> str:
    """A bucket's start for people: time of day, with the date when buckets are a day wide."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%d" if step >= 86400 else "%H:%M:%S" if step < 60 else "%H:%M")


def bucket_step(span: float) -> int:
    """The narrowest bucket width that shows ``span`` seconds in at most :data:`MAX_BARS` bars."""
    for step in STEPS:
        if span / step < MAX_BARS:
            return step
    return STEPS[-1]


def requests_chart(mock: MockContext, vendor: str, entries: Iterable[Mapping[str, Any]]) -> Chart:
    """Requests of one vendor over mock time, one bar per bucket, stacked by status class."""
    title = f"{VENDOR_TITLES.get(vendor, vendor)} requests over time by status class"
    mine = [e for e in entries if e.get("vendor") == vendor]
    chart_id = f"chart-requests-{vendor}"
    if not mine:
        return stacked_bars(chart_id, title, [], [])
    first = min(float(e["epoch"]) for e in mine)
    end = max(mock.clock.time(), max(float(e["epoch"]) for e in mine))
    step = bucket_step(end - first)
    start = math.floor(first / step) * step
    count = min(MAX_BARS, int((end - start) // step) + 1)
    start = max(start, (math.floor(end / step) - count + 1) * step)
    classes = list(REQUIRED_CLASSES)
    counts: dict[str, list[float]] = {name: [0.0] * count for name in ("2xx", "3xx", "4xx", "429", "5xx", "dropped")}
    for entry in mine:
        index = int((float(entry["epoch"]) - start) // step)
        if 0 <= index < count:
            counts[request_class(entry.get("status"))][index] += 1
    classes += [name for name in ("3xx", "dropped") if any(counts[name])]
    classes.sort(key=["2xx", "3xx", "4xx", "429", "5xx", "dropped"].index)
    labels = [clock_text(start + i * step, step) for i in range(count)]
    series = [Series(name, counts[name], colour_of(name, i)) for i, name in enumerate(classes)]
    return stacked_bars(chart_id, title, labels, series)


def short_id(tenant_id: str) -> str:
    """Long ids (Omnisend brand ids) shortened for a chart label: ``64a1f0…e5f6``."""
    return tenant_id if len(tenant_id) <= 14 else f"{tenant_id[:6]}…{tenant_id[-4:]}"


def budget_chart(mock: MockContext) -> Chart:
    """Every tenant's rate-limit windows now: Omnisend's one per brand, Ometria's one per group."""
    title = "Rate-limit budget used per tenant and endpoint group"
    if not mock.limiter.enabled:
        return empty("chart-budget", title, "Rate limiting is off for everyone.")
    rows = []
    for tenant in sorted(mock.store.tenants(), key=lambda t: (t.vendor, t.tenant_id)):
        with tenant.lock:
            usage = rate_usage(mock, tenant)
        for u in usage:
            if not u.enabled:
                continue
            note = f"per {u.window_text}" + (f", bucket {u.shared_with}" if u.shared_with else "")
            rows.append(Budget(f"{tenant.vendor}/{short_id(tenant.tenant_id)} · {u.group}", u.used, u.limit, note))
    return budgets("chart-budget", title, rows)


def _series(samples: list[Sample], keys: list[tuple[str, str]]) -> list[Series]:
    return [Series(name, [s.values.get(key, 0) for s in samples], colour_of(name, i))
            for i, (key, name) in enumerate(keys)]


def queue_chart(mock: MockContext, samples: list[Sample]) -> Chart:
    """Ometria push queue depth (records waiting) per account, over the samples."""
    keys = [(queue_key(t), f"{t.tenant_id} waiting") for t in sorted(mock.store.tenants(ometria_constants.VENDOR),
                                                                     key=lambda t: t.tenant_id)]
    return lines("chart-queue", "Ometria push queue depth over time", [s.clock for s in samples],
                 _series(samples, keys), "queue depth")


def batch_chart(mock: MockContext, samples: list[Sample]) -> Chart:
    """Omnisend batch items accepted and finished per brand, over the samples."""
    keys = []
    for tenant in sorted(mock.store.tenants(omnisend_constants.VENDOR), key=lambda t: t.tenant_id):
        accepted, finished = batch_keys(tenant)
        keys += [(accepted, f"{short_id(tenant.tenant_id)} items accepted"),
                 (finished, f"{short_id(tenant.tenant_id)} items finished")]
    return lines("chart-batches", "Omnisend batch progress over time", [s.clock for s in samples],
                 _series(samples, keys), "batch progress")


def overview_charts(mock: MockContext, samples: list[Sample]) -> list[Chart]:
    """Every chart of the overview, in reading order."""
    entries = mock.journal.entries()
    charts = [requests_chart(mock, vendor, entries) for vendor in sorted(mock.vendors)]
    return [*charts, budget_chart(mock), queue_chart(mock, samples), batch_chart(mock, samples)]
