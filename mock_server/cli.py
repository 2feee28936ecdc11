"""The ``mock-server`` command: ``serve`` and ``check-fixtures``."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Flask

from mock_server import __version__
from mock_server.control.auth import is_loopback, new_token
from mock_server.core import progress
from mock_server.core.context import Settings
from mock_server.core.fixtures import FixtureError
from mock_server.core.journal import DEFAULT_BODY_LIMIT, DEFAULT_SIZE
from mock_server.core.limits import DEFAULT_BODY_CAP
from mock_server.core.persistence import StateError
from mock_server.redisstore.connection import RedisUnavailable, StoreURLError, is_redis, parse_store, redacted
from mock_server.redisstore.prefork import supported as prefork_supported
from mock_server.tls import TlsFiles, resolve

DEMO_KEYS = (
    ("Omnisend", "X-API-KEY", "omnisend-demo-key"),
    ("Ometria staging", "X-Ometria-Auth", "ometria-staging-key"),
    ("Ometria live", "X-Ometria-Auth", "ometria-live-key"),
)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Every option's help ends with its default; the examples in the epilog keep their lines."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if not action.option_strings or action.default is argparse.SUPPRESS or "(default" in text:
            return text
        if isinstance(action.default, bool):
            return f"{text} (default: {'on' if action.default else 'off'})"
        return f"{text} (default: %(default)s)"


MAIN_EXAMPLES = """examples:
  mock-server serve                        serve the demo data on http://127.0.0.1:8080
  mock-server serve --help                 every serve option, with its default
  mock-server check-fixtures ./fixtures    validate a fixture folder
  mock-server --version
"""
SERVE_EXAMPLES = """examples:
  mock-server serve                                    the demo data on http://127.0.0.1:8080
  mock-server serve --port 0 --seed 1                  a free port; reproducible ids and timestamps
  mock-server serve --fixtures ./my-fixtures --queue-mode sync --batch-mode sync
  mock-server serve --host 0.0.0.0 --admin-token s3cret --public-url http://sandbox.internal:8080
  mock-server serve --tls                              HTTPS with a generated self-signed certificate
"""
CHECK_EXAMPLES = """examples:
  mock-server check-fixtures ./fixtures
  mock-server check-fixtures ./my-fixtures && mock-server serve --fixtures ./my-fixtures
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="mock-server", description="Omnisend + Ometria API sandbox",
                                     formatter_class=HelpFormatter, epilog=MAIN_EXAMPLES)
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{serve,check-fixtures}")
    serve = sub.add_parser("serve", help="serve both APIs on one port", description="Serve both APIs on one port.",
                           formatter_class=HelpFormatter, epilog=SERVE_EXAMPLES)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind")
    serve.add_argument("--port", type=int, default=8080, help="port to bind; 0 picks a free port")
    serve.add_argument("--fixtures", type=Path, default=None, metavar="DIR",
                       help="fixture folder (default: the packaged demo data set)")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="base of absolute paging links (default: the request's scheme and host)")
    serve.add_argument("--seed", type=int, default=None, metavar="N",
                       help="reproducible ids, and the mock clock starts at 2026-01-01T00:00:00Z "
                            "(default: none, random ids and the real time)")
    serve.add_argument("--no-rate-limit", action="store_true", help="switch rate limiting off (load tests)")
    serve.add_argument("--no-webhooks", action="store_true",
                       help="record automation webhooks in the outbox without sending them")
    serve.add_argument("--no-page-cache", action="store_true",
                       help="answer every read through the full pipeline (no answer cache; same bytes, slower)")
    serve.add_argument("--no-fast-writes", action="store_true",
                       help="answer every write through the full pipeline (no write lane; same bytes, slower)")
    serve.add_argument("--no-unversioned-alias", action="store_true",
                       help="answer 404 for /contacts etc. instead of serving them as /v3")
    serve.add_argument("--body-cap", type=int, default=DEFAULT_BODY_CAP, metavar="BYTES",
                       help="request body cap in bytes")
    serve.add_argument("--batch-mode", choices=("sync", "async"), default="async",
                       help="Omnisend batch processing: async = a worker runs the items")
    serve.add_argument("--queue-mode", choices=("sync", "async"), default="async",
                       help="Ometria push queue processing: async = a worker processes after a delay")
    serve.add_argument("--queue-delay", type=float, default=Settings.ometria_queue_delay, metavar="S",
                       help="seconds a pushed record waits before the async worker takes it")
    serve.add_argument("--queue-rate", type=float, default=Settings.ometria_queue_rate, metavar="N",
                       help="records per second the async worker processes")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS (self-signed certificate generated in the state folder, or --cert/--key)")
    serve.add_argument("--cert", type=Path, default=None, metavar="PEM",
                       help="PEM certificate for --tls (default: generated)")
    serve.add_argument("--key", type=Path, default=None, metavar="PEM",
                       help="PEM private key for --tls (default: generated)")
    serve.add_argument("--state-dir", type=Path, default=None, metavar="DIR",
                       help="keep the sandbox's state across restarts in this folder (a change log synced "
                            "once a second plus snapshots); also where --tls keeps its certificate "
                            "(default: none, no persistence; --tls then uses .state)")
    serve.add_argument("--store", default="memory", metavar="URL",
                       help="where state lives: 'memory' (this process) or redis://HOST:PORT/DB, shared by "
                            "every worker and every host given the same URL (needs the redis extra)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes serving the port (more than 1 needs --store redis://...)")
    serve.add_argument("--threads", type=int, default=8, metavar="N", help="waitress worker threads")
    serve.add_argument("--admin-token", default=None, metavar="T",
                       help="token for /_mock (default: none on loopback; off loopback one is generated and "
                            "printed)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="extra browser origin allowed by CORS, repeatable; '*' = any (default: none; "
                            "loopback origins are always allowed)")
    serve.add_argument("--journal-size", type=int, default=DEFAULT_SIZE, metavar="N",
                       help="request journal ring size")
    serve.add_argument("--journal-body-limit", type=int, default=DEFAULT_BODY_LIMIT, metavar="BYTES",
                       help="bytes of each request/response body kept in the journal")
    serve.add_argument("--reload", action="store_true", help="werkzeug development server with reloader")
    serve.add_argument("--log-level", default="INFO", metavar="LEVEL",
                       help="DEBUG, INFO, WARNING or ERROR")
    check = sub.add_parser("check-fixtures", help="validate a fixture folder",
                           description="Validate a fixture folder: exit 1 with file, JSON path and reason "
                                       "of the first problem.", formatter_class=HelpFormatter,
                           epilog=CHECK_EXAMPLES)
    check.add_argument("folder", type=Path, help="the folder: <vendor>/<tenant>/tenant.json and resource files")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Turn parsed arguments into :class:`Settings`."""
    settings = Settings(fixtures=args.fixtures, public_url=args.public_url, seed=args.seed,
                        rate_limits=not args.no_rate_limit, unversioned_alias=not args.no_unversioned_alias,
                        omnisend_batch_mode=args.batch_mode, ometria_queue_mode=args.queue_mode,
                        page_cache=not args.no_page_cache, fast_writes=not args.no_fast_writes)
    settings.body_cap = args.body_cap
    settings.state_dir = getattr(args, "state_dir", None)
    settings.store = getattr(args, "store", "memory")
    settings.workers = getattr(args, "workers", 1)
    if getattr(args, "reload", False) and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        settings.state_dir = None  # the reloader's watcher process never serves: only its child keeps state
    host = getattr(args, "host", "127.0.0.1")
    token = getattr(args, "admin_token", None)
    # Off loopback anyone on the network could reset or fault the sandbox: the control plane then
    # needs a token. A token given explicitly is required on loopback too.
    settings.require_admin_token = token is not None or not is_loopback(host)
    settings.admin_token = token or (new_token() if settings.require_admin_token else None)
    settings.cors_origins = [*settings.cors_origins, *getattr(args, "cors_origin", [])]
    settings.journal_size = getattr(args, "journal_size", DEFAULT_SIZE)
    settings.journal_body_limit = getattr(args, "journal_body_limit", DEFAULT_BODY_LIMIT)
    settings.ometria_queue_delay = args.queue_delay
    settings.ometria_queue_rate = args.queue_rate
    settings.webhooks = not getattr(args, "no_webhooks", False)
    return settings


def check_store(settings: Settings) -> str | None:
    """Why ``--store`` / ``--workers`` cannot serve as given (None: they can)."""
    try:
        parse_store(settings.store)
    except StoreURLError as exc:
        return str(exc)
    if settings.workers < 1:
        return f"--workers must be at least 1, not {settings.workers}"
    if settings.workers > 1 and not is_redis(settings.store):
        return (f"--workers {settings.workers} needs a shared store: with --store memory every worker would "
                "keep its own contacts, rate budgets, clock and journal. Start Redis and add "
                "--store redis://127.0.0.1:6379/0")
    if settings.workers > 1 and not prefork_supported():
        return "--workers needs os.fork (Linux, macOS): on this platform run one process per port"
    if is_redis(settings.store) and settings.state_dir is not None:
        return "--state-dir keeps one process's state; with a Redis store, Redis keeps it (drop --state-dir)"
    if settings.workers > 1 and settings.state_dir is not None:
        return "--state-dir keeps one process's state; with --workers, Redis keeps it (drop --state-dir)"
    return None


def loaded_line(app: Flask, meter: progress.LoadMeter, folder: Path | None) -> str:
    """Say what the load brought in, from where, in how long: ``3 tenants, 412 records from ...``."""
    tenants = app.extensions["mock"].store.tenants()
    where = str(folder) if folder is not None else "the packaged demo data set"
    return f"{len(tenants)} tenants, {meter.records:,} records from {where} in {meter.finish():.1f} s"


def load_app(settings: Settings) -> tuple[Flask, str]:
    """Build the app, showing the fixture load's progress on stderr; return it and what it loaded."""
    from mock_server.app import create_app

    with progress.reporting(progress.LoadMeter(sys.stderr)) as meter:
        app = create_app(settings)
    return app, loaded_line(app, meter, settings.fixtures)


def banner(url: str, admin_token: str | None = None, loaded: str | None = None) -> str:
    """What ``serve`` prints once it listens."""
    lines = [f"mock-server listening on {url}",
             f"  Omnisend v3:   {url}/v3   (v5: {url}/v5)",
             f"  Omnisend API:  {url}/api   (version 2026-03-15: headers Omnisend-Version: 2026-03-15 and "
             "Authorization: Omnisend-API-Key <key>)",
             f"  Ometria v2:    {url}/v2",
             f"  Control plane: {url}/_mock/health",
             f"  Dashboard:     {url}/_mock/ui   (demo shop: {url}/_mock/demo-shop/)"]
    if loaded:
        lines.append(f"  Loaded:        {loaded}")
    lines.append("  Demo keys:")
    lines += [f"    {name:<16} {header}: {key}" for name, header, key in DEMO_KEYS]
    if admin_token:
        lines.append(f"  Admin token:   Authorization: Bearer {admin_token}   (required for /_mock)")
    return "\n".join(lines)


def start_error(exc: Exception) -> str | None:
    """The line a user reads when the app cannot be built (None: not a start-up error of ours)."""
    if isinstance(exc, FixtureError):
        return f"fixture error: {exc}"
    if isinstance(exc, StateError):
        return f"state error: {exc}"
    if isinstance(exc, RedisUnavailable):
        return f"store error: {exc}"
    return None


def serve(args: argparse.Namespace) -> int:
    """Start serving until interrupted."""
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if getattr(args, "workers", 1) > 1:
        log_format = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"  # which worker said it
    logging.basicConfig(level=args.log_level.upper(), format=log_format)
    settings = settings_from(args)
    refusal = check_store(settings) or (
        "--reload restarts one process; it cannot run with --workers" if settings.workers > 1 and args.reload
        else None)
    if refusal is not None:
        print(f"store error: {refusal}", file=sys.stderr)
        return 2
    tls = None
    if args.tls:
        try:
            tls = resolve(args.cert, args.key, args.state_dir)
        except (ValueError, OSError) as exc:
            print(f"tls error: {exc}", file=sys.stderr)
            return 2
    elif args.cert is not None or args.key is not None:
        print("tls error: --cert/--key need --tls", file=sys.stderr)
        return 2
    if settings.workers > 1:
        return serve_workers(args, settings, tls)
    try:
        app, loaded = load_app(settings)
    except (FixtureError, StateError, RedisUnavailable) as exc:
        print(start_error(exc), file=sys.stderr)
        return 2
    # Seeded records and their reset snapshots live for the whole run: move them out of the collector's
    # reach (measured: +20% req/s on a page of a 100k-contact brand). Only when serving: tests build
    # many apps in one process and must let them go.
    gc.collect()
    gc.freeze()
    from mock_server.server import make_server

    scheme = "https" if tls else "http"
    if args.reload:
        print(banner(f"{scheme}://{args.host}:{args.port}", settings.admin_token, loaded), flush=True)
        app.run(host=args.host, port=args.port, use_reloader=True, debug=False,
                ssl_context=(str(tls.cert), str(tls.key)) if tls else None)
        return 0
    server = make_server(app, args.host, args.port, args.threads, tls)
    print_banner(args, settings, tls, int(server.effective_port), loaded, app)
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a clean stop (state synced)
    serve_until_stopped(server, app)
    return 0


def serve_workers(args: argparse.Namespace, settings: Settings, tls: TlsFiles | None) -> int:
    """``--workers N``: a pre-fork master binds the port, N workers build their apps and serve it."""
    from mock_server.redisstore import prefork
    from mock_server.server import make_server

    try:
        sock = prefork.bind(args.host, args.port)
    except OSError as exc:
        print(f"serve error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    port = int(sock.getsockname()[1])

    def worker(listening: socket.socket, ready: Callable[[str], None]) -> int:
        try:
            app, loaded = load_app(settings)
        except (FixtureError, StateError, RedisUnavailable) as exc:
            raise prefork.StartError(start_error(exc)) from exc
        gc.collect()
        gc.freeze()
        server = make_server(app, args.host, port, args.threads, tls, sock=listening)
        ready(loaded)
        serve_until_stopped(server, app)
        return 0

    def announce(loaded: str) -> None:
        print_banner(args, settings, tls, port, loaded, None)

    return prefork.Master(sock, settings.workers, worker).run(announce)


def print_banner(args: argparse.Namespace, settings: Settings, tls: TlsFiles | None, port: int, loaded: str,
                 app: Flask | None) -> None:
    """The banner and the lines about background work, state and TLS (once, by the serving process or
    the pre-fork master)."""
    scheme = "https" if tls else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(banner(f"{scheme}://{host}:{port}", settings.admin_token, loaded), flush=True)
    print(f"  Ometria queue: {settings.ometria_queue_mode} (delay {settings.ometria_queue_delay:g} s, "
          f"{settings.ometria_queue_rate:g} records/s; /_mock/ometria/queue to pause, resume, drain)", flush=True)
    print(f"  Omnisend batches: {settings.omnisend_batch_mode} (POST /_mock/omnisend/batches/drain finishes "
          "them now)", flush=True)
    if is_redis(settings.store):
        print(f"  Store: {redacted(settings.store)} ({settings.workers} worker process"
              f"{'es' if settings.workers > 1 else ''}; state shared by every process with this URL)", flush=True)
    if settings.state_dir is not None and app is not None:
        restored = app.extensions["mock"].persistence.loaded
        print(f"  State: {settings.state_dir.resolve() / 'store'} (restored: snapshot "
              f"{'yes' if restored.get('snapshot') else 'no'}, {restored.get('records', 0)} logged changes; "
              "synced every second)", flush=True)
    if tls is not None:
        made = " (generated, self-signed)" if tls.generated else ""
        print(f"  TLS certificate{made}: {tls.cert.resolve()}", flush=True)


def serve_until_stopped(server: Any, app: Flask) -> None:
    """Run ``server`` until SIGTERM/SIGINT, then stop the background workers and sync kept state."""
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        mock = app.extensions["mock"]
        mock.close()  # the background workers
        if mock.persistence is not None:
            mock.persistence.close()  # a clean stop: last sync and a snapshot


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def check_fixtures(args: argparse.Namespace) -> int:
    """Validate a fixture folder; print file, JSON path and reason of the first problem."""
    try:
        _, loaded = load_app(Settings(fixtures=args.folder, start_workers=False))
    except FixtureError as exc:
        print(f"{exc.file}: {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    print(f"ok: {loaded}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mock-server``."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return check_fixtures(args)
