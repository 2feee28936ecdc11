"""A real redis-server for the tests: Debian's binary, started on a free loopback port, stopped after.

Nothing is mocked: the Redis-mode tests talk to this server over TCP. It keeps nothing on disk (no RDB
snapshots, no append-only file) and lives in its own temporary folder. ``scripts/ensure-redis`` installs
the binary when missing (``make test`` and ``.ci/run`` call it); without it these tests fail loudly.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process on 127.0.0.1; ``url(db)`` names a database, ``stop``/``start`` restart it
    on the same port (the tests of Redis going away mid-run)."""

    def __init__(self, binary: str | None = None) -> None:
        found = binary or shutil.which("redis-server")
        if found is None:
            raise RuntimeError("redis-server is not installed: run scripts/ensure-redis (Debian's redis-server)")
        self.binary = found
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="mock-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (or restart) the server and wait until it answers PING."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--databases", "64", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)  # start-up of a child process, not a wait for sandbox behaviour
        client.close()

    def stop(self) -> None:
        """Stop the server (its data is gone: it keeps nothing on disk)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def url(self, db: int = 0) -> str:
        """``redis://127.0.0.1:PORT/DB``."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        """A client of one database."""
        return redis.Redis.from_url(self.url(db))

    def flush(self, db: int = 0) -> None:
        """Empty one database."""
        with self.client(db) as client:
            client.flushdb()

    def close(self) -> None:
        """Stop and remove the folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
