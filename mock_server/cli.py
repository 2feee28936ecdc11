"""The ``mock-server`` command: ``serve`` and ``check-fixtures``."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from mock_server.control.auth import is_loopback, new_token
from mock_server.core.context import Settings
from mock_server.core.fixtures import FixtureError
from mock_server.core.journal import DEFAULT_BODY_LIMIT, DEFAULT_SIZE

DEMO_KEYS = (
    ("Omnisend", "X-API-KEY", "omnisend-demo-key"),
    ("Ometria staging", "X-Ometria-Auth", "ometria-staging-key"),
    ("Ometria live", "X-Ometria-Auth", "ometria-live-key"),
)


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="mock-server", description="Omnisend + Ometria API sandbox")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve both APIs on one port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve.add_argument("--fixtures", type=Path, default=None, help="fixture folder (default: packaged demo)")
    serve.add_argument("--public-url", default=None, help="base of absolute paging links")
    serve.add_argument("--seed", type=int, default=None, help="reproducible ids and timestamps")
    serve.add_argument("--no-rate-limit", action="store_true", help="switch rate limiting off (load tests)")
    serve.add_argument("--no-page-cache", action="store_true",
                       help="answer every read through the full pipeline (no answer cache; same bytes, slower)")
    serve.add_argument("--no-unversioned-alias", action="store_true", help="answer 404 for /contacts etc.")
    serve.add_argument("--body-cap", type=int, default=None, help="request body cap in bytes (default 10 MiB)")
    serve.add_argument("--batch-mode", choices=("sync", "async"), default="async",
                       help="Omnisend batch processing (default async: a worker runs the items, omnisend.md §6.8)")
    serve.add_argument("--queue-mode", choices=("sync", "async"), default="async",
                       help="Ometria push queue processing (default async: a worker processes after a delay)")
    serve.add_argument("--queue-delay", type=float, default=None,
                       help="seconds a pushed record waits before the async worker takes it (default 1)")
    serve.add_argument("--queue-rate", type=float, default=None,
                       help="records per second the async worker processes (default 1000)")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS (self-signed certificate generated in the state folder, or --cert/--key)")
    serve.add_argument("--cert", type=Path, default=None, help="PEM certificate for --tls")
    serve.add_argument("--key", type=Path, default=None, help="PEM private key for --tls")
    serve.add_argument("--state-dir", type=Path, default=None,
                       help="folder for generated state such as the TLS certificate (default .state)")
    serve.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    serve.add_argument("--admin-token", default=None,
                       help="token for /_mock (required when not bound to loopback; generated and printed "
                            "when absent there)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="extra browser origin allowed by CORS (repeatable; '*' = any; loopback origins "
                            "are always allowed)")
    serve.add_argument("--journal-size", type=int, default=DEFAULT_SIZE, help="request journal ring size")
    serve.add_argument("--journal-body-limit", type=int, default=DEFAULT_BODY_LIMIT,
                       help="bytes of each request/response body kept in the journal")
    serve.add_argument("--reload", action="store_true", help="werkzeug development server with reloader")
    serve.add_argument("--log-level", default="INFO")
    check = sub.add_parser("check-fixtures", help="validate a fixture folder")
    check.add_argument("folder", type=Path)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Turn parsed arguments into :class:`Settings`."""
    settings = Settings(fixtures=args.fixtures, public_url=args.public_url, seed=args.seed,
                        rate_limits=not args.no_rate_limit, unversioned_alias=not args.no_unversioned_alias,
                        omnisend_batch_mode=args.batch_mode, ometria_queue_mode=args.queue_mode,
                        page_cache=not args.no_page_cache)
    if args.body_cap is not None:
        settings.body_cap = args.body_cap
    host = getattr(args, "host", "127.0.0.1")
    token = getattr(args, "admin_token", None)
    # Off loopback anyone on the network could reset or fault the sandbox: the control plane then
    # needs a token. A token given explicitly is required on loopback too.
    settings.require_admin_token = token is not None or not is_loopback(host)
    settings.admin_token = token or (new_token() if settings.require_admin_token else None)
    settings.cors_origins = [*settings.cors_origins, *getattr(args, "cors_origin", [])]
    settings.journal_size = getattr(args, "journal_size", DEFAULT_SIZE)
    settings.journal_body_limit = getattr(args, "journal_body_limit", DEFAULT_BODY_LIMIT)
    if args.queue_delay is not None:
        settings.ometria_queue_delay = args.queue_delay
    if args.queue_rate is not None:
        settings.ometria_queue_rate = args.queue_rate
    return settings


def banner(url: str, admin_token: str | None = None) -> str:
    """What ``serve`` prints once it listens."""
    lines = [f"mock-server listening on {url}",
             f"  Omnisend v3:   {url}/v3   (v5: {url}/v5)",
             f"  Ometria v2:    {url}/v2",
             f"  Control plane: {url}/_mock/health",
             "  Demo keys:"]
    lines += [f"    {name:<16} {header}: {key}" for name, header, key in DEMO_KEYS]
    if admin_token:
        lines.append(f"  Admin token:   Authorization: Bearer {admin_token}   (required for /_mock)")
    return "\n".join(lines)


def serve(args: argparse.Namespace) -> int:
    """Start serving until interrupted."""
    from mock_server.app import create_app

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings_from(args)
    try:
        app = create_app(settings)
    except FixtureError as exc:
        print(f"fixture error: {exc}", file=sys.stderr)
        return 2
    # Seeded records and their reset snapshots live for the whole run: move them out of the collector's
    # reach (measured: +20% req/s on a page of a 100k-contact brand). Only when serving: tests build
    # many apps in one process and must let them go.
    gc.collect()
    gc.freeze()
    from mock_server.server import make_server
    from mock_server.tls import resolve

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
    scheme = "https" if tls else "http"
    if args.reload:
        print(banner(f"{scheme}://{args.host}:{args.port}", settings.admin_token), flush=True)
        app.run(host=args.host, port=args.port, use_reloader=True, debug=False,
                ssl_context=(str(tls.cert), str(tls.key)) if tls else None)
        return 0
    server = make_server(app, args.host, args.port, args.threads, tls)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(banner(f"{scheme}://{host}:{server.effective_port}", settings.admin_token), flush=True)
    print(f"  Ometria queue: {settings.ometria_queue_mode} (delay {settings.ometria_queue_delay:g} s, "
          f"{settings.ometria_queue_rate:g} records/s; /_mock/ometria/queue to pause, resume, drain)", flush=True)
    print(f"  Omnisend batches: {settings.omnisend_batch_mode} (POST /_mock/omnisend/batches/drain finishes "
          "them now)", flush=True)
    if tls is not None:
        made = " (generated, self-signed)" if tls.generated else ""
        print(f"  TLS certificate{made}: {tls.cert.resolve()}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["mock"].vendors["ometria"].stop_workers()
    return 0


def check_fixtures(args: argparse.Namespace) -> int:
    """Validate a fixture folder; print file, JSON path and reason of the first problem."""
    from mock_server.app import create_app

    try:
        app = create_app(Settings(fixtures=args.folder))
    except FixtureError as exc:
        print(f"{exc.file}: {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    tenants = app.extensions["mock"].store.tenants()
    print(f"ok: {len(tenants)} tenants in {args.folder}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mock-server``."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return check_fixtures(args)
