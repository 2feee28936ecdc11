"""`make bench`: the sandbox side by side with bare Flask and the peer mock servers, in one run.

For every row (list page, get-by-id and push of both vendors) each server is driven by wrk (2 threads,
8 keep-alive connections) for ``--duration`` seconds; rounds are interleaved (round 1 of every row and
server, then round 2 ...) so that drift on a shared machine hits every server alike. The ratio column is
the median over rounds of (server req/s / bare Flask req/s in the same round). Bare Flask serves the bytes
the sandbox answered on the same waitress with the same threads; the peers (json-server, Prism, Mockoon,
installed with npm into bench/.cache) serve the same bytes. Then fixture loading is timed (seconds and
peak memory) and the page's p99 at two brand sizes is compared.

    make bench                                   # defaults: 100k contacts, 3 rounds of 2 s
    .venv/bin/python bench/run.py --duration 10 --rounds 5 --size 100000
    .venv/bin/python bench/run.py --no-peers --load-sizes 100000 --flat-sizes
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import fixtureset, peers, wrk  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
OMNISEND = {"X-API-KEY": fixtureset.OMNISEND_KEY}
OMETRIA = {"X-Ometria-Auth": fixtureset.OMETRIA_KEY}
JSON_BODY = {"Content-Type": "application/json"}


@dataclass
class Row:
    """One request the benchmark repeats."""

    key: str
    title: str
    method: str
    target: str  # path and query on the sandbox
    headers: dict[str, str]
    body: bytes | None = None

    @property
    def path(self) -> str:
        """The path without the query."""
        return self.target.split("?", 1)[0]


def rows(size: int) -> list[Row]:
    """The benchmark rows for a brand and an account of ``size`` contacts."""
    middle = size // 2
    contact_id = fixtureset.omnisend_contact(middle)["contactID"]
    omnisend_push = json.dumps({"identifiers": [{"type": "email", "id": "push@bench.example.com", "channels": {
        "email": {"status": "subscribed", "statusDate": "2024-01-01T00:00:00Z"}}}], "firstName": "Push"})
    ometria_push = json.dumps([{"@type": "contact", "id": "bench-push", "email": "push@bench.example.org",
                                "firstname": "Push"}])
    return [
        Row("omnisend-list", "Omnisend GET /v3/contacts?limit=100", "GET", "/v3/contacts?limit=100", OMNISEND),
        Row("omnisend-list-v5", "Omnisend GET /v5/contacts?limit=100", "GET", "/v5/contacts?limit=100", OMNISEND),
        Row("omnisend-get", "Omnisend GET /v3/contacts/{id}", "GET", f"/v3/contacts/{contact_id}", OMNISEND),
        Row("omnisend-push", "Omnisend POST /v3/contacts (upsert)", "POST", "/v3/contacts",
            {**OMNISEND, **JSON_BODY}, omnisend_push.encode()),
        Row("ometria-list", "Ometria GET /v2/contacts/default?limit=100", "GET", "/v2/contacts/default?limit=100",
            OMETRIA),
        Row("ometria-get", "Ometria GET /v2/contacts/default/{id}", "GET", f"/v2/contacts/default/bench-c{middle}",
            OMETRIA),
        Row("ometria-push", "Ometria POST /v2/push (1 record)", "POST", "/v2/push", {**OMETRIA, **JSON_BODY},
            ometria_push.encode()),
    ]


def start_server(command: list[str], timeout: float = 900.0) -> tuple[subprocess.Popen[str], str]:
    """Start a Python server and return it with the URL it printed."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=None, text=True, cwd=ROOT)
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return proc, match.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError(f"server did not start: {' '.join(command)}")


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a server we started."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def sandbox_command(folder: Path, threads: int) -> list[str]:
    """The sandbox as users run it: auth, rate limiter (high limits) and journal on; sync writes."""
    return [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--threads", str(threads),
            "--fixtures", str(folder), "--batch-mode", "sync", "--queue-mode", "sync", "--log-level", "ERROR"]


def record(url: str, row: Row) -> peers.Recorded:
    """Ask the sandbox once and keep its answer (the bytes every other server serves)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    conn.request(row.method, row.target, body=row.body, headers=row.headers)
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    if answer.status >= 400:
        raise RuntimeError(f"{row.key}: the sandbox answered {answer.status}: {body[:300]!r}")
    return peers.Recorded(row.key, row.method, row.path, answer.status,
                          answer.getheader("Content-Type") or "application/json", body)


@dataclass
class Cell:
    """One server on one row, over all rounds."""

    rps: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    bad: int = 0


def throughput(args: argparse.Namespace, binary: str) -> dict[str, Any]:
    """Run the side-by-side table; return it as data."""
    table: dict[str, dict[str, Cell]] = {}
    missing: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = fixtureset.generate(args.size, Path(tmp) / "fixtures")
        bench_rows = rows(args.size)
        began = time.perf_counter()
        sandbox, sandbox_url = start_server(sandbox_command(folder, args.threads))
        print(f"sandbox up with {args.size:,} contacts per tenant in {time.perf_counter() - began:.1f} s",
              flush=True)
        started: list[peers.Peer] = []
        bare = None
        try:
            recorded = [record(sandbox_url, row) for row in bench_rows]
            rows_file = Path(tmp) / "rows.json"
            rows_file.write_text(json.dumps([{**asdict(r), "body": base64.b64encode(r.body).decode()}
                                             for r in recorded]))
            bare, bare_url = start_server([sys.executable, str(ROOT / "bench" / "bare_app.py"), str(rows_file),
                                           "--threads", str(args.threads)])
            servers: dict[str, tuple[str, dict[str, str]]] = {
                "bare": (bare_url, {r.key: r.target for r in bench_rows}),
                "sandbox": (sandbox_url, {r.key: r.target for r in bench_rows}),
            }
            if not args.no_peers:
                missing.update(peers.install(CACHE))
                for name in peers.PACKAGES:
                    if name in missing:
                        continue
                    peer = peers.start(name, CACHE, Path(tmp) / name, recorded)
                    if peer.error:
                        missing[name] = peer.error
                        continue
                    started.append(peer)
                    assert peer.url is not None and peer.paths is not None
                    servers[name] = (peer.url, peer.paths)
            for round_no in range(1, args.rounds + 1):
                print(f"round {round_no}/{args.rounds}", flush=True)
                for row in bench_rows:
                    measured: dict[str, wrk.WrkResult] = {}
                    for name, (url, paths) in servers.items():
                        measured[name] = wrk.run(binary, url + paths[row.key], row.method, row.headers, row.body,
                                                 args.duration)
                    for name, result in measured.items():
                        cell = table.setdefault(row.key, {}).setdefault(name, Cell())
                        cell.rps.append(result.rps)
                        cell.p99.append(result.p99_ms)
                        cell.bad += result.bad
                        base = measured["bare"].rps
                        cell.ratios.append(result.rps / base if base else float("nan"))
        finally:
            for peer in started:
                peer.stop()
            if bare is not None:
                stop(bare)
            stop(sandbox)
    return {"rows": [(r.key, r.title) for r in bench_rows], "missing": missing,
            "cells": {k: {n: asdict(c) for n, c in v.items()} for k, v in table.items()}}


def load_time(size: int) -> dict[str, Any]:
    """Time ``create_app`` on a generated fixture folder of ``size`` contacts per tenant, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        print(f"generating a brand of {size:,} contacts ...", flush=True)
        folder = fixtureset.generate(size, Path(tmp) / "fixtures", ometria=False)
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "load_probe.py"), str(folder)], text=True,
                              stdout=subprocess.PIPE, cwd=ROOT, check=True)
        found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        found["size"] = size
        return found


# Sparse filters (issue 14, goal 2): a rare tag and a small segment (fixtureset: one contact in 100,000
# is a subscribed vip), a status nobody has, one email; /api in every sort order and direction.
API2026 = {"Authorization": f"Omnisend-API-Key {fixtureset.OMNISEND_KEY}", "Omnisend-Version": "2026-03-15"}
SPARSE_TARGETS = [
    "/v3/contacts?limit=100&tag=vip", "/v3/contacts?limit=100&segmentID=seg-vip",
    "/v3/contacts?limit=100&status=nonSubscribed", "/v3/contacts?limit=100&email=user500%40bench.example.com",
    *(f"/api/contacts?limit=100&sort={key}&direction={way}&{flt}" for key in ("createdAt", "updatedAt")
      for way in ("desc", "asc") for flt in ("tag=vip", "segmentID=seg-vip", "status=nonSubscribed")),
]


def _first_answer_ms(url: str, headers: dict[str, str]) -> float:
    """Milliseconds of one request before the measurement (the first read of a segment builds its
    index; wrk then measures the steady state)."""
    import urllib.request

    began = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=600) as answer:
        answer.read()
    return (time.perf_counter() - began) * 1000


def flat(args: argparse.Namespace, binary: str) -> dict[str, Any]:
    """p99 of contact pages on brands of each of ``--flat-sizes``, through the full pipeline (answer cache
    off: every request pages the store), one server at a time."""
    out: dict[str, Any] = {}
    targets = ["/v3/contacts?limit=100", "/v3/contacts?limit=100&status=subscribed",
               "/v3/contacts?limit=100&tag=t3", "/v5/contacts?limit=100", *SPARSE_TARGETS]
    for size in args.flat_sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"p99 by size: a brand of {size:,} contacts ...", flush=True)
            folder = fixtureset.generate(size, Path(tmp) / "fixtures", ometria=False)
            proc, url = start_server([*sandbox_command(folder, args.threads), "--no-page-cache"])
            try:
                for target in targets:
                    headers = OMNISEND if target.startswith("/v") else API2026
                    first = _first_answer_ms(url + target, headers)  # a segment's index is built here
                    result = wrk.run(binary, url + target, "GET", headers, None, args.duration)
                    out.setdefault(target, {})[str(size)] = {**asdict(result), "first_ms": first}
            finally:
                stop(proc)
    return out


def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def render(report: dict[str, Any]) -> str:
    """The Markdown tables of a report."""
    tp = report["throughput"]
    names = ["bare", "sandbox", *peers.PACKAGES]
    titles = {"bare": "bare Flask + waitress (same bytes)", "sandbox": "this sandbox", **peers.TITLES}
    lines = [f"Machine: {report['machine']}. wrk 2 threads, 8 keep-alive connections, {report['rounds']} "
             f"interleaved rounds of {report['duration']:g} s, {report['size']:,} contacts per tenant; "
             "cells: median req/s (median per-round ratio to bare Flask).", ""]
    lines.append("| Row | " + " | ".join(titles[n] for n in names) + " | sandbox >= 0.8x bare, ahead of peers |")
    lines.append("|---|" + "---|" * (len(names) + 1))
    for key, title in tp["rows"]:
        cells = tp["cells"].get(key, {})
        shown = []
        for name in names:
            if name in tp["missing"]:
                shown.append(f"not run: {tp['missing'][name]}")
                continue
            cell = cells.get(name)
            if cell is None:
                shown.append("not run")
                continue
            text = f"{_median(cell['rps']):,.0f} ({_median(cell['ratios']):.2f})"
            if cell["bad"]:
                text += f" {cell['bad']} errors"
            shown.append(text)
        sandbox = cells.get("sandbox")
        verdict = "n/a"
        if sandbox:
            ratio = _median(sandbox["ratios"])
            peers_rps = [_median(c["rps"]) for n, c in cells.items() if n not in ("bare", "sandbox")]
            ahead = all(_median(sandbox["rps"]) > p for p in peers_rps)
            verdict = "met" if ratio >= 0.8 and ahead and not sandbox["bad"] else "NOT met"
        lines.append(f"| {title} | " + " | ".join(shown) + f" | {verdict} |")
    if report.get("loading"):
        lines += ["", "| Fixture load (contacts in the demo brand) | wall seconds | CPU seconds | peak memory |",
                  "|---|---|---|---|"]
        for item in report["loading"]:
            cpu = item.get("cpu_seconds")
            lines.append(f"| {item['size']:,} | {item['seconds']:.1f} | "
                         f"{'n/a' if cpu is None else f'{cpu:.1f}'} | {item['peak_mib']:,.0f} MiB |")
    if report.get("flat"):
        sizes = report["flat_sizes"]
        lines += ["", "| Page p99 (ms) by brand size, answer cache off | " + " | ".join(f"{s:,}" for s in sizes)
                  + f" | ratio {sizes[-1]:,} / {sizes[0]:,} |", "|---|" + "---|" * (len(sizes) + 1)]
        for target, by_size in report["flat"].items():
            p99 = [by_size[str(s)]["p99_ms"] for s in sizes]
            lines.append(f"| `{target}` | " + " | ".join(f"{p:.2f}" for p in p99)
                         + f" | {p99[-1] / p99[0]:.2f} |")
    return "\n".join(lines)


def main() -> int:
    """Run everything asked for and print the tables."""
    if sys.argv[1:2] == ["--render"]:  # print the tables of a saved report again
        print(render(json.loads((RESULTS / "bench.json").read_text())))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="contacts per tenant in the throughput table")
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of bare Flask and the sandbox")
    parser.add_argument("--no-peers", action="store_true", help="skip json-server, Prism and Mockoon")
    parser.add_argument("--load-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--flat-sizes", type=int, nargs="*", default=[1_000, 1_000_000])
    args = parser.parse_args()
    binary = wrk.ensure_wrk()
    report: dict[str, Any] = {"machine": machine(), "duration": args.duration, "rounds": args.rounds,
                              "size": args.size, "flat_sizes": args.flat_sizes}
    report["throughput"] = throughput(args, binary)
    report["loading"] = [load_time(size) for size in args.load_sizes]
    report["flat"] = flat(args, binary) if len(args.flat_sizes) >= 2 else {}
    text = render(report)
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "bench.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
