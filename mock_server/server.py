"""Serving: waitress in-process (the production WSGI server); werkzeug for --reload and for --tls
(see :mod:`mock_server.tls` for why)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask

from mock_server.tls import TlsFiles, TlsServer


@dataclass
class RunningServer:
    """A server started in a background thread (tests, the pytest plugin, benchmarks)."""

    app: Flask
    host: str
    port: int
    server: Any
    thread: threading.Thread
    tls: TlsFiles | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def stop(self) -> None:
        """Close the listening socket and wait for the thread."""
        self.server.close()
        self.thread.join(timeout=5)


def make_server(app: Flask, host: str, port: int, threads: int = 8, tls: TlsFiles | None = None) -> Any:
    """Create (bind) a waitress server, or the TLS server with ``tls``; ``port`` 0 picks a free port."""
    if tls is not None:
        return TlsServer(app, host, port, tls)
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=threads, ident="mock-server",
                         clear_untrusted_proxy_headers=True, channel_timeout=30)


def start_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8,
                    tls: TlsFiles | None = None) -> RunningServer:
    """Serve ``app`` in a daemon thread and return once the socket is bound."""
    server = make_server(app, host, port, threads, tls)
    bound = int(server.effective_port)
    thread = threading.Thread(target=server.run, name=f"mock-server:{bound}", daemon=True)
    thread.start()
    return RunningServer(app, host, bound, server, thread, tls)
