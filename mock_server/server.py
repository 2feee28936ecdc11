"""Serving: waitress in-process (the production WSGI server); werkzeug for --reload and for --tls
(see :mod:`mock_server.tls` for why)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
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
        """Close the listening socket and every open connection, then wait for the thread."""
        if not hasattr(self.server, "trigger"):  # not waitress (the TLS server): it stops itself
            self.server.close()
            self.thread.join(timeout=5)
            return
        if self.thread.is_alive():
            # Run the shutdown inside waitress's loop (its trigger runs thunks there): close idle
            # keep-alive and dropped channels too, or the loop would wait for clients to hang up. The
            # loop may be closing its trigger at this very moment; then the direct close below does it.
            try:
                self.server.trigger.pull_trigger(self._close_all)
            except OSError:
                pass
            else:
                self.thread.join(timeout=5)
        if self.thread.is_alive() or getattr(self.server, "_map", None):
            self._close_all()
            self.thread.join(timeout=5)
        with contextlib.suppress(Exception):
            self.server.task_dispatcher.shutdown(timeout=1)

    def _close_all(self) -> None:
        for channel in list(getattr(self.server, "_map", {}).values()):
            if channel is not self.server and channel is not getattr(self.server, "trigger", None):
                with contextlib.suppress(Exception):
                    channel.close()
        with contextlib.suppress(Exception):
            self.server.close()


# Answers of the two checks below, by header name and by status line (bounded: names come from the app).
_ALIKE: dict[str, bool] = {}
_ALIKE_KEPT = 2048


def _remembered(key: str, decide: Callable[[str], bool]) -> bool:
    found = _ALIKE.get(key)
    if found is None:
        found = decide(key)
        if len(_ALIKE) < _ALIKE_KEPT:
            _ALIKE[key] = found
    return found


def _waitress_spells_alike(name: str) -> bool:
    """Whether waitress writes the header name as the application spelled it (it capitalises each part)."""
    return _remembered("h:" + name, lambda _: "-".join(part.capitalize() for part in name.split("-")) == name)


def _phrase_alike(status: str) -> bool:
    """Whether the status line already carries the standard reason phrase (werkzeug's is upper case for
    some codes: ``429 TOO MANY REQUESTS``)."""
    return _remembered("s:" + status, lambda _: _standard_phrase(status))


def _standard_phrase(status: str) -> bool:
    from http import HTTPStatus

    code, _, phrase = status.partition(" ")
    try:
        return HTTPStatus(int(code)).phrase == phrase
    except ValueError:
        return True  # an unknown code keeps the application's phrase


def _vendor_header_channel() -> type:
    """A waitress channel whose tasks keep the application's header spelling and reason phrases, and
    whose transport errors (431, 413, 400) are answered by the application in the vendor's envelope.

    waitress rewrites ``X-QueueSize-Limit`` as ``X-Queuesize-Limit`` and passes werkzeug's upper-case
    reason phrases (``429 TOO MANY REQUESTS``) through; the vendors' docs spell the headers their way
    and clients that compare names literally must see that spelling. waitress answers requests it
    refuses itself (headers over its limit, a body over ``max_request_body_size``) in plain text; every
    answer of the sandbox is the vendor's JSON, so those go through the app too.
    """
    from http import HTTPStatus

    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask, WSGITask

    from mock_server.middleware import minimal_environ, transport_error_answer

    class VendorCase:
        response_headers: list[tuple[str, str]]
        status: str

        def build_response_header(self) -> bytes:
            spelled = {name.lower(): name for name, _ in self.response_headers}
            plain = all(map(_waitress_spells_alike, spelled.values())) and _phrase_alike(self.status)
            raw: bytes = super().build_response_header()  # type: ignore[misc]
            if plain:
                return raw  # nothing to respell: most answers (checked from memos, not by parsing the head)
            head = raw[:-4].decode("latin-1").split("\r\n")
            version, code, *_ = head[0].split(" ", 2)
            with contextlib.suppress(ValueError):  # an unknown code keeps the application's phrase
                head[0] = f"{version} {code} {HTTPStatus(int(code)).phrase}"
            for i, line in enumerate(head[1:], start=1):
                name, _, value = line.partition(":")
                head[i] = f"{spelled.get(name.lower(), name)}:{value}"
            return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")

    class VendorCaseTask(VendorCase, WSGITask):  # type: ignore[misc]
        pass

    class VendorErrorTask(VendorCase, ErrorTask):  # type: ignore[misc]
        def execute(self) -> None:
            code = int(self.request.error.code)
            try:
                if code == 413 and self.request.headers_finished:
                    self.environ = None
                    environ = WSGITask.get_environment(self)  # the headers are known: auth etc. still apply
                else:
                    method, target = _request_line(self.request)
                    remote = str(self.channel.addr[0]) if self.channel.addr else "127.0.0.1"
                    environ = minimal_environ(method, target, remote)
                status, headers, body = transport_error_answer(self.channel.server.application, environ, code)
            except Exception:  # waitress's own plain answer rather than none at all
                super().execute()
                return
            self.status = status
            self.response_headers.extend(headers)
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class VendorCaseChannel(HTTPChannel):  # type: ignore[misc]
        task_class = VendorCaseTask
        error_task_class = VendorErrorTask

    return VendorCaseChannel


def _request_line(request: Any) -> tuple[str, str]:
    """Method and target of a request waitress refused (from the raw bytes when it gave up early)."""
    raw: bytes = getattr(request, "header_plus", b"") or b""
    if raw:
        parts = raw.lstrip().split(b"\r\n", 1)[0].split(b" ")
        if len(parts) >= 2:
            return parts[0].decode("latin-1"), parts[1].decode("latin-1")
    path = getattr(request, "path", None) or "/"
    query = getattr(request, "query", "") or ""
    return getattr(request, "command", None) or "GET", path + ("?" + query if query else "")


def make_server(app: Flask, host: str, port: int, threads: int = 8, tls: TlsFiles | None = None,
                sock: socket.socket | None = None) -> Any:
    """Create (bind) a waitress server, or the TLS server with ``tls``; ``port`` 0 picks a free port.

    With ``sock`` (a listening socket bound by a pre-fork master, see :mod:`mock_server.redisstore.prefork`)
    the server accepts on it instead of binding ``host``/``port``.
    """
    if tls is not None:
        return TlsServer(app, host, port, tls, sock)
    from waitress.server import create_server

    # waitress buffers a whole body before the app runs: its own cap is the sandbox's (+1 because it
    # refuses at >=), so a Content-Length over the cap is refused before any byte of the body is read
    # and a chunked body as soon as it passes the cap; the answer is the app's (see the channel).
    body_cap = app.extensions["mock"].settings.body_cap
    where: dict[str, Any] = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    server = create_server(app, threads=threads, ident="mock-server", clear_untrusted_proxy_headers=True,
                           channel_timeout=30, max_request_body_size=body_cap + 1, **where)
    server.channel_class = _vendor_header_channel()
    return server


def start_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8,
                    tls: TlsFiles | None = None) -> RunningServer:
    """Serve ``app`` in a daemon thread and return once the socket is bound."""
    server = make_server(app, host, port, threads, tls)
    bound = int(server.effective_port)
    thread = threading.Thread(target=server.run, name=f"mock-server:{bound}", daemon=True)
    thread.start()
    return RunningServer(app, host, bound, server, thread, tls)
