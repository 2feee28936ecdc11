"""HTTPS for ``serve --tls`` (ometria.md §1.1: the real API listens on HTTPS only).

The certificate: ``--cert``/``--key`` when given, else a self-signed one generated on first start
and kept in the state folder (``<state>/tls/cert.pem`` and ``key.pem``), valid for ``localhost``,
``127.0.0.1`` and ``::1`` so that clients can verify it when told to trust that file.

The server: waitress speaks plain HTTP only, and its asynchronous sockets cannot simply be wrapped in
``ssl`` (a TLS handshake on a non-blocking socket needs its own state machine). A TLS terminator in
front (stunnel, nginx) would be one more thing to install. So ``--tls`` serves through werkzeug's
threaded WSGI server, whose ``ssl_context`` support is part of the standard library path
(``SSLContext.wrap_socket`` on the listening socket). It is the same WSGI app with the same state;
it is fine for a local sandbox, while plain HTTP keeps using waitress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULT_STATE_DIR = Path(".state")
CERT_NAMES = ("localhost",)
CERT_IPS = ("127.0.0.1", "::1")
VALID_DAYS = 825  # the longest lifetime TLS clients (Apple platforms) accept for a server certificate
RENEW_BEFORE = dt.timedelta(days=7)


@dataclass(frozen=True)
class TlsFiles:
    """A PEM certificate and its private key."""

    cert: Path
    key: Path
    generated: bool = False


def _still_valid(cert_path: Path) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return False
    return cert.not_valid_after_utc - RENEW_BEFORE > dt.datetime.now(dt.UTC)


def ensure_self_signed(state_dir: Path) -> TlsFiles:
    """Return the state folder's certificate, generating it when missing, unreadable or expiring."""
    folder = state_dir / "tls"
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    if cert_path.is_file() and key_path.is_file() and _still_valid(cert_path):
        return TlsFiles(cert_path, key_path)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mock-server local sandbox")])
    now = dt.datetime.now(dt.UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in CERT_NAMES]
    alt_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in CERT_IPS]
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                     data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.chmod(0o600)
    key_path.write_bytes(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return TlsFiles(cert_path, key_path, generated=True)


def resolve(cert: Path | None, key: Path | None, state_dir: Path | None) -> TlsFiles:
    """``--cert``/``--key`` (both or neither) or the state folder's self-signed pair."""
    if (cert is None) != (key is None):
        raise ValueError("--cert and --key go together")
    if cert is not None and key is not None:
        return TlsFiles(cert, key)
    return ensure_self_signed(state_dir or DEFAULT_STATE_DIR)


def ssl_context(files: TlsFiles) -> ssl.SSLContext:
    """A server-side context with the certificate loaded (TLS 1.2 or newer)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


def _request_handler() -> type:
    """werkzeug's handler, answering standard reason phrases (``429 Too Many Requests``) as the waitress
    channel in :mod:`mock_server.server` does, instead of werkzeug's upper-case ones."""
    from http import HTTPStatus

    from werkzeug.serving import WSGIRequestHandler

    class VendorPhraseHandler(WSGIRequestHandler):
        def send_response(self, code: int, message: str | None = None) -> None:
            with contextlib.suppress(ValueError):  # an unknown code keeps the application's phrase
                message = HTTPStatus(code).phrase
            super().send_response(code, message)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """The HTTP server's own refusals (a request line or header too long, broken syntax) in the
            vendor's envelope for the path, as the waitress channel answers them, not http.server's HTML."""
            from mock_server.middleware import minimal_environ, transport_error_answer

            # http.server says 414 for a request line over 64 KiB; waitress (the default server) and so
            # the sandbox say 431 for any request line + headers too long (mock decision, one answer).
            status = 431 if code == 414 else code
            try:
                raw = (getattr(self, "raw_requestline", b"") or b"")[:8192].decode("latin-1").split(" ")
                method = raw[0].strip() if raw and raw[0].strip().isalpha() else "GET"
                target = raw[1] if len(raw) > 1 else "/"
                environ = minimal_environ(method, target, str(self.client_address[0]))
                status_line, headers, body = transport_error_answer(self.server.app, environ, status)
            except Exception:  # http.server's own answer rather than none at all
                super().send_error(code, message, explain)
                return
            self.close_connection = True
            self.send_response(int(status_line.split(" ", 1)[0]))
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)

    return VendorPhraseHandler


class TlsServer:
    """werkzeug's threaded server behind the interface :func:`mock_server.server.make_server` returns."""

    def __init__(self, app: Flask, host: str, port: int, files: TlsFiles, sock: socket.socket | None = None) -> None:
        from werkzeug.serving import make_server

        self.files = files
        # With ``sock`` (a pre-fork master's listening socket) werkzeug accepts on it instead of binding.
        self._server: Any = make_server(host, port, app, threaded=True, ssl_context=ssl_context(files),
                                        request_handler=_request_handler(),
                                        fd=sock.fileno() if sock is not None else None)
        self.effective_port = int(self._server.server_address[1])

    def run(self) -> None:
        """Serve until :meth:`close`."""
        self._server.serve_forever()

    def close(self) -> None:
        """Stop serving and release the socket."""
        self._server.shutdown()
        self._server.server_close()
