"""Benchmark: GET /v3/contacts?limit=100 on a brand of 1k and 100k contacts vs a bare Flask endpoint.

Starts the mock (``python -m mock_server serve``) on a generated fixture folder and a bare Flask app on
the same WSGI server (waitress), drives both with the same loopback load generator (worker processes
with keep-alive connections, a fixed duration each), and prints throughput, p50 / p99 latency and the
ratio of the two. Results go to stdout as a Markdown table and to bench/results/contacts_page.json.

    python bench/contacts_page.py                 # sizes 1000 and 100000, 10 s per run
    python bench/contacts_page.py --duration 5 --sizes 1000
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
HEADERS = {"X-API-KEY": "omnisend-demo-key", "Connection": "keep-alive"}


@dataclass
class Result:
    """One measured run."""

    name: str
    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    errors: int


def generate_fixtures(size: int, target: Path) -> Path:
    """Copy the default fixtures and replace the demo brand's contacts with ``size`` generated ones."""
    from mock_server.core.fixtures import default_fixtures_dir

    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    demo = target / "omnisend" / "demo"
    for extra in demo.glob("*.json"):
        if extra.name not in ("tenant.json", "contacts.json"):
            extra.unlink()  # keep the brand to contacts only: the measurement is about contacts
    contacts = []
    for i in range(size):
        day, second = divmod(i, 86_400)
        contacts.append({
            "contactID": f"{i:024x}",
            "createdAt": f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{second // 3600:02d}:"
                         f"{second // 60 % 60:02d}:{second % 60:02d}Z",
            "identifiers": [{"type": "email", "id": f"user{i}@bench.example.com",
                             "channels": {"email": {"status": ("subscribed", "unsubscribed")[i % 2]}}}],
            "firstName": f"First{i}", "lastName": f"Last{i}", "tags": ["bench", f"t{i % 10}"],
        })
    (demo / "contacts.json").write_text(json.dumps(contacts), encoding="utf-8")
    return target


def start(command: list[str], timeout: float = 600.0) -> tuple[subprocess.Popen[str], str]:
    """Start a server process and return it with the URL it printed."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
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


def _worker(args: tuple[str, str, float]) -> tuple[list[float], int]:
    url, path, duration = args
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    conn = http.client.HTTPConnection(host, parts.port, timeout=30)
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=HEADERS)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, parts.port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    conn.close()
    return latencies, errors


def measure(name: str, url: str, path: str, duration: float, concurrency: int) -> Result:
    """Drive ``path`` with ``concurrency`` keep-alive clients for ``duration`` seconds (after a warm-up)."""
    _worker((url, path, 1.0))  # warm-up
    with multiprocessing.Pool(concurrency) as pool:
        started = time.perf_counter()
        parts = pool.map(_worker, [(url, path, duration)] * concurrency)
        elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in parts for x in lat)
    errors = sum(e for _, e in parts)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return Result(name, len(latencies), round(elapsed, 2), round(len(latencies) / elapsed, 1),
                  round(statistics.median(latencies), 2) if latencies else float("nan"), round(p99, 2), errors)


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of both servers")
    args = parser.parse_args()
    results: list[Result] = []
    load_seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = generate_fixtures(size, Path(tmp) / f"fx{size}")
            began = time.perf_counter()
            proc, url = start([sys.executable, "-m", "mock_server", "serve", "--port", "0", "--no-rate-limit",
                               "--threads", str(args.threads), "--fixtures", str(folder), "--log-level", "WARNING"])
            load_seconds[size] = round(time.perf_counter() - began, 1)
            try:
                results.append(measure(f"mock /v3/contacts?limit=100 ({size:,} contacts)", url,
                                       "/v3/contacts?limit=100", args.duration, args.concurrency))
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        proc, url = start([sys.executable, str(ROOT / "bench" / "bare_app.py"), "--threads", str(args.threads)])
        try:
            bare = measure("bare Flask JSON endpoint", url, "/bare", args.duration, args.concurrency)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    results.append(bare)
    print(f"\nwaitress threads={args.threads}, clients={args.concurrency}, {args.duration:g} s per run, "
          f"loopback, {multiprocessing.cpu_count()} cores\n")
    print("| run | requests | req/s | p50 ms | p99 ms | errors | vs bare (req/s) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r.throughput / bare.throughput if bare.throughput else float("nan")
        print(f"| {r.name} | {r.requests} | {r.throughput} | {r.p50_ms} | {r.p99_ms} | {r.errors} | {ratio:.2f} |")
    print("\nstart-up (fixtures load + seed snapshot): "
          + ", ".join(f"{size:,} contacts {secs} s" for size, secs in load_seconds.items()))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "contacts_page.json").write_text(json.dumps({"results": [asdict(r) for r in results],
                                                        "startup_seconds": load_seconds}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
