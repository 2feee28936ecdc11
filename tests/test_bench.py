"""The benchmark's own logic (never its timings): row selection and the verdicts of the printed tables."""

from __future__ import annotations

from typing import Any

import pytest

from bench import run


def _cell(rps: list[float], ratios: list[float], bad: int = 0, cpu: list[float] | None = None) -> dict[str, Any]:
    return {"rps": rps, "ratios": ratios, "p99": [1.0] * len(rps), "bad": bad, "cpu_us": cpu or []}


def test_rows_cover_every_api_generation_and_the_filter_matches_keys_and_titles() -> None:
    rows = run.rows(1000)
    keys = [r.key for r in rows]
    assert {"omnisend-list", "omnisend-list-v5", "api-list", "api-get", "api-push", "ometria-push"} <= set(keys)
    api = {r.key: r for r in rows if r.key.startswith("api-")}
    assert all(r.headers["Omnisend-Version"] == "2026-03-15" for r in api.values())
    assert all(r.headers["Authorization"].startswith("Omnisend-API-Key ") for r in api.values())
    assert api["api-list"].target == "/api/contacts?limit=100"
    assert [r.key for r in run.select(rows, ["api-"])] == ["api-list", "api-get", "api-push"]
    assert [r.key for r in run.select(rows, ["V5/CONTACTS", "ometria-get"])] == ["omnisend-list-v5", "ometria-get"]
    assert run.select(rows, None) == rows
    with pytest.raises(SystemExit, match="matches no row"):
        run.select(rows, ["nothing-like-this"])


def test_tables_say_met_or_not_met_per_row_and_sum_up() -> None:
    report = {
        "machine": "test machine", "duration": 1.0, "rounds": 2, "size": 1000, "flat_sizes": [1000, 10000],
        "throughput": {
            "rows": [("a", "Row A"), ("b", "Row B"), ("c", "Row C")],
            "missing": {"prism": "npm install failed: offline"},
            "variants": [("sandbox", "this sandbox")],
            "cells": {
                "a": {"bare": _cell([100, 100], [1, 1], cpu=[50, 52]), "json-server": _cell([30, 30], [0.3, 0.3]),
                      "sandbox": _cell([90, 95], [0.9, 0.95], cpu=[40, 41])},
                "b": {"bare": _cell([100, 100], [1, 1]), "json-server": _cell([90, 90], [0.9, 0.9]),
                      "sandbox": _cell([79, 79], [0.79, 0.79])},
                "c": {"bare": _cell([100, 100], [1, 1]), "sandbox": _cell([99, 99], [0.99, 0.99], bad=3)},
            },
        },
        "loading": [{"size": 100_000, "seconds": 2.5, "cpu_seconds": 2.0, "peak_mib": 150.0},
                    {"size": 1_000_000, "seconds": 31.0, "cpu_seconds": 29.0, "peak_mib": 1200.0}],
        "flat": {"/v3/contacts?limit=100": {"1000": {"p99_ms": 10.0}, "10000": {"p99_ms": 12.0}}},
    }
    text = run.render(report)
    lines = text.splitlines()
    row_a = next(line for line in lines if line.startswith("|  | this sandbox | 92 "))
    assert row_a.endswith("| 40 | met |")  # the median CPU per request shows beside the ratio
    assert "NOT met (0.790x < 0.8x; behind json-server 0.17)" in text
    assert "NOT met (3 errors)" in text
    assert "not run: npm install failed: offline" in text
    assert "| Omnisend brand, 100,000 | 2.5 | 2.0 | 150 MiB | met (<= 3 s) |" in text
    assert "| Omnisend brand, 1,000,000 | 31.0 | 29.0 | 1,200 MiB | NOT met (<= 30 s, <= 2.5 GiB) |" in text
    assert "| 1.20 | met (<= 1.5) |" in text
    assert lines[-1].startswith("Summary: 3 of 6 targets met. NOT met: Row B, this sandbox")


def test_a_sandbox_variant_is_one_entry_with_its_own_command() -> None:
    import argparse
    from pathlib import Path

    variant = run.SANDBOX_VARIANTS[0]
    command = variant.command(Path("/tmp/fixtures"), argparse.Namespace(threads=3))
    assert command[1:4] == ["-m", "mock_server", "serve"] and "--threads" in command and "3" in command
    assert "/tmp/fixtures" in command


def test_the_redis_columns_show_their_numbers_without_the_memory_stores_target() -> None:
    report = {
        "machine": "m", "duration": 1.0, "rounds": 1, "size": 10, "flat_sizes": [],
        "throughput": {
            "rows": [("a", "Row A")], "missing": {},
            "variants": [("sandbox", "this sandbox", True),
                         ("sandbox-redis-1", "this sandbox, Redis, 1 worker", False)],
            "cells": {"a": {"bare": _cell([100], [1]), "sandbox": _cell([90], [0.9]),
                            "sandbox-redis-1": _cell([20], [0.2])}},
        },
        "loading": [], "flat": {},
    }
    text = run.render(report)
    assert f"| 20 | 0.20 |  | {run.NO_TARGET} |" in text
    assert text.splitlines()[-1] == "Summary: 1 of 1 targets met, all met."
    assert [v.key for v in run.SANDBOX_VARIANTS if v.targeted] == ["sandbox"]
    import argparse

    assert run.chosen_variants(argparse.Namespace(variants=["sandbox"])) == run.SANDBOX_VARIANTS[:1]
