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


# Header names as waitress spells them (it capitalises each part: ``X-Queuesize-Limit``) and status lines
# as we send them, memoised (bounded: names and statuses come from the app).
_CAPITALISED: dict[str, str] = {}
_STATUS_LINES: dict[tuple[str, str], str] = {}
_KEPT = 2048
# The Date header of the last second answered: (whole seconds, the header value).
_DATE: list[tuple[int, str]] = [(-1, "")]


def _capitalised(name: str) -> str:
    """``name`` as waitress writes it (and sorts by)."""
    found = _CAPITALISED.get(name)
    if found is None:
        found = "-".join(part.capitalize() for part in name.split("-"))
        if len(_CAPITALISED) < _KEPT:
            _CAPITALISED[name] = found
    return found


def _status_line(version: str, status: str) -> str:
    """The status line with the standard reason phrase (werkzeug's is upper case for some codes:
    ``429 TOO MANY REQUESTS``); an unknown code keeps the application's phrase."""
    found = _STATUS_LINES.get((version, status))
    if found is None:
        from http import HTTPStatus

        code = status.split(" ", 1)[0]
        try:
            found = f"HTTP/{version} {code} {HTTPStatus(int(code)).phrase}"
        except ValueError:
            found = f"HTTP/{version} {status}"
        if len(_STATUS_LINES) < _KEPT:
            _STATUS_LINES[(version, status)] = found
    return found


def _http_date(when: float) -> str:
    """waitress's ``build_http_date`` (whole seconds), once per second."""
    second = int(when)
    last = _DATE[0]
    if last[0] == second:
        return last[1]
    from waitress.utilities import build_http_date

    value: str = build_http_date(when)
    _DATE[0] = (second, value)
    return value


def _vendor_header_channel() -> type:
    """A waitress channel whose tasks keep the application's header spelling and reason phrases, and
    whose transport errors (431, 413, 400) are answered by the application in the vendor's envelope.

    waitress rewrites ``X-QueueSize-Limit`` as ``X-Queuesize-Limit`` and passes werkzeug's upper-case
    reason phrases (``429 TOO MANY REQUESTS``) through; the vendors' docs spell the headers their way
    and clients that compare names literally must see that spelling. waitress answers requests it
    refuses itself (headers over its limit, a body over ``max_request_body_size``) in plain text; every
    answer of the sandbox is the vendor's JSON, so those go through the app too.
    """
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask, WSGITask

    from mock_server.middleware import minimal_environ, transport_error_answer

    class VendorCase:
        """The head waitress writes, with the application's header spelling and standard reason phrases.

        Written ourselves where the library fights the vendor: waitress's ``Task.build_response_header``
        respells every name, so respelling its head afterwards meant decoding, splitting and re-joining
        it on every such answer (each Ometria push: ``202 ACCEPTED``, ``X-QueueSize-Limit``). This is its
        algorithm step for step (the Content-Length, Connection/keep-alive, Transfer-Encoding, Server/Via
        and Date rules, HTTP/1.0 and 1.1, the headers sorted by waitress's spelling, stably), with the
        application's spelling of each name (the last one it used) written out; tests/test_server_head.py
        compares the bytes with waitress's own head respelled, case by case.
        """

        response_headers: list[tuple[str, str]]
        status: str
        version: str
        request: Any
        channel: Any
        start_time: float
        content_length: int | None
        content_bytes_written: int
        chunked_response: bool
        close_on_finish: bool
        complete: bool
        wrote_header: bool
        logged_write_excess: bool
        logger: Any
        has_body: bool
        set_close_on_finish: Callable[[], None]

        def build_response_header(self) -> bytes:
            version = self.version
            connection = self.request.headers.get("CONNECTION", "").lower()
            has_body = self.has_body
            headers: list[tuple[str, str]] = []
            spelled: dict[str, str] = {}  # waitress's spelling -> the application's
            content_length = date = server = None
            for name, value in self.response_headers:
                capitalised = _capitalised(name)
                spelled[capitalised] = name
                if capitalised == "Content-Length":
                    if not has_body:
                        continue
                    content_length = value
                elif capitalised == "Date":
                    date = value
                elif capitalised == "Server":
                    server = value
                headers.append((capitalised, value))
            self.response_headers = headers  # set_close_on_finish appends to it
            if content_length is None and self.content_length is not None and has_body:
                content_length = str(self.content_length)
                headers.append(("Content-Length", content_length))
            if version == "1.0":
                if connection == "keep-alive" and content_length:
                    headers.append(("Connection", "Keep-Alive"))
                else:
                    self.set_close_on_finish()
            else:  # "1.1" (waitress answers every other version as 1.0)
                if connection == "close":
                    self.set_close_on_finish()
                if not content_length:
                    if has_body:
                        headers.append(("Transfer-Encoding", "chunked"))
                        self.chunked_response = True
                    if not self.close_on_finish:
                        self.set_close_on_finish()
            ident = self.channel.server.adj.ident
            if not server:
                if ident:
                    headers.append(("Server", ident))
            else:
                headers.append(("Via", ident or "waitress"))
            if not date:
                headers.append(("Date", _http_date(self.start_time)))
            lines = [_status_line(version, self.status)]
            lines.extend(f"{spelled.get(name, name)}: {value}" for name, value in sorted(headers, key=_first))
            lines.append("\r\n")
            return "\r\n".join(lines).encode("latin-1")

        def write(self, data: bytes) -> None:
            """waitress's ``write``, but the head and the first bytes of a body of known length go out in
            one write (waitress sends each at once: two segments for every answer)."""
            if (self.wrote_header or not data or not self.complete or self.content_length is None
                    or not self.has_body):
                super().write(data)  # type: ignore[misc]
                return
            head = self.build_response_header()
            if self.chunked_response:  # not with a length; kept for safety: waitress's own path
                self.channel.write_soon(head)
                self.wrote_header = True
                super().write(data)  # type: ignore[misc]
                return
            towrite = data[:self.content_length - self.content_bytes_written]
            self.content_bytes_written += len(towrite)
            if towrite != data and not self.logged_write_excess:
                self.logger.warning("application-written content exceeded the number of bytes specified by "
                                    "Content-Length header (%s)", self.content_length)
                self.logged_write_excess = True
            self.channel.write_soon(head + towrite)
            self.wrote_header = True

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


def _first(pair: tuple[str, str]) -> str:
    return pair[0]


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
