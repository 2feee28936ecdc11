"""The peer mock servers, installed with npm into a cache folder and fed the sandbox's own answers.

json-server, Stoplight Prism (mock mode) and the Mockoon CLI each serve the bytes the sandbox answered
for every benchmark row. A peer that cannot be installed or started is reported with the reason; the
benchmark goes on without it.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Pinned so that runs compare like with like.
PACKAGES = {"json-server": "json-server@0.17.4", "prism": "@stoplight/prism-cli@5.16.0",
            "mockoon": "@mockoon/cli@9.9.0"}
BINARIES = {"json-server": "json-server", "prism": "prism", "mockoon": "mockoon-cli"}
TITLES = {"json-server": "json-server 0.17", "prism": "Stoplight Prism 5 (mock)", "mockoon": "Mockoon CLI 9"}


@dataclass
class Recorded:
    """One benchmark row as the sandbox answered it."""

    key: str
    method: str
    path: str  # without the query
    status: int
    content_type: str
    body: bytes


@dataclass
class Peer:
    """A started peer (``proc``) or the reason it is missing (``error``)."""

    name: str
    url: str | None = None
    proc: subprocess.Popen[bytes] | None = None
    error: str | None = None
    paths: dict[str, str] | None = None  # row key -> the path this peer serves it on

    def stop(self) -> None:
        """Stop the peer process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def install(cache: Path) -> dict[str, str]:
    """npm-install the peers into ``cache`` (once); return name -> problem for those that failed."""
    problems: dict[str, str] = {}
    npm = shutil.which("npm")
    if npm is None:
        return {name: "npm is not installed" for name in PACKAGES}
    cache.mkdir(parents=True, exist_ok=True)
    missing = [name for name in PACKAGES if not (cache / "node_modules" / ".bin" / BINARIES[name]).exists()]
    for name in missing:
        print(f"installing {PACKAGES[name]} with npm into {cache} ...", flush=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), PACKAGES[name]],
                              capture_output=True, text=True, check=False, timeout=600)
        if done.returncode != 0 or not (cache / "node_modules" / ".bin" / BINARIES[name]).exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            problems[name] = f"npm install failed: {tail[0][:120]}"
    return problems


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _openapi(rows: Sequence[Recorded]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for row in rows:
        media = row.content_type.split(";")[0].strip()
        operation: dict[str, Any] = {
            "responses": {str(row.status): {"description": row.key, "content": {
                media: {"example": json.loads(row.body)}}}}}
        paths.setdefault(row.path, {})[row.method.lower()] = operation
        if row.method == "POST":
            operation["requestBody"] = {"content": {"application/json": {"schema": {}}}}
    return {"openapi": "3.0.3", "info": {"title": "bench", "version": "1"}, "paths": paths}


def _mockoon_env(rows: Sequence[Recorded], port: int) -> dict[str, Any]:
    routes = []
    for row in rows:
        routes.append({
            "uuid": str(uuid.uuid4()), "type": "http", "documentation": row.key, "method": row.method.lower(),
            "endpoint": row.path.lstrip("/"), "responseMode": None,
            "responses": [{"uuid": str(uuid.uuid4()), "body": row.body.decode("utf-8"), "latency": 0,
                           "statusCode": row.status, "label": "", "bodyType": "INLINE", "filePath": "",
                           "headers": [{"key": "Content-Type", "value": row.content_type}],
                           "databucketID": "", "sendFileAsBody": False, "rules": [], "rulesOperator": "OR",
                           "disableTemplating": True, "fallbackTo404": False, "default": True,
                           "crudKey": "id", "callbacks": []}]})
    return {"uuid": str(uuid.uuid4()), "lastMigration": 32, "name": "bench", "endpointPrefix": "", "latency": 0,
            "port": port, "hostname": "127.0.0.1", "folders": [],
            "rootChildren": [{"type": "route", "uuid": r["uuid"]} for r in routes], "routes": routes,
            "proxyMode": False, "proxyHost": "", "proxyRemovePrefix": False,
            "tlsOptions": {"enabled": False, "type": "CERT", "pfxPath": "", "certPath": "", "keyPath": "",
                           "caPath": "", "passphrase": ""},
            "cors": False, "headers": [], "proxyReqHeaders": [], "proxyResHeaders": [], "data": [],
            "callbacks": []}


def _json_server_db(rows: Sequence[Recorded]) -> tuple[str, dict[str, str]]:
    """A db.js (kept in memory by json-server) and the path of each row: GETs read a resource holding the
    page, pushes POST into an array resource (json-server stores each as a new record)."""
    db: dict[str, Any] = {}
    paths: dict[str, str] = {}
    for row in rows:
        name = row.key.replace("-", "_")
        db[name] = [] if row.method == "POST" else json.loads(row.body)
        paths[row.key] = f"/{name}"
    return f"module.exports = () => ({json.dumps(db)});\n", paths


def start(name: str, cache: Path, work: Path, rows: Sequence[Recorded]) -> Peer:
    """Start one installed peer on a free port, serving ``rows``."""
    binary = cache / "node_modules" / ".bin" / BINARIES[name]
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    paths = {row.key: row.path for row in rows}
    if name == "json-server":
        text, paths = _json_server_db(rows)
        (work / "db.js").write_text(text, encoding="utf-8")
        command = [str(binary), "--quiet", "--host", "127.0.0.1", "--port", str(port), str(work / "db.js")]
    elif name == "prism":
        (work / "openapi.json").write_text(json.dumps(_openapi(rows)), encoding="utf-8")
        command = [str(binary), "mock", "--errors=false", "-h", "127.0.0.1", "-p", str(port),
                   str(work / "openapi.json")]
    else:
        (work / "mockoon.json").write_text(json.dumps(_mockoon_env(rows, port)), encoding="utf-8")
        command = [str(binary), "start", "--repair", "--data", str(work / "mockoon.json"), "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    if not _wait(port, proc):
        proc.kill()
        return Peer(name, error=f"did not start (exit code {proc.poll()})")
    return Peer(name, url=f"http://127.0.0.1:{port}", proc=proc, paths=paths)
