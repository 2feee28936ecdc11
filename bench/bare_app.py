"""The yardstick: bare Flask on the same waitress, answering each benchmark row with the bytes the
sandbox answered (same status, same Content-Type), from a JSON file written by the benchmark."""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

from flask import Flask, Response


def build(rows: list[dict[str, str]]) -> Flask:
    """One route per recorded row."""
    app = Flask(__name__)
    for row in rows:
        body = base64.b64decode(row["body"])

        def view(body: bytes = body, status: int = int(row["status"]), ct: str = row["content_type"]) -> Response:
            return Response(body, status=status, content_type=ct)

        app.add_url_rule(row["path"], endpoint=row["key"], view_func=view, methods=[row["method"]])
    return app


def main() -> None:
    """Serve on --port (0 = free port) and print the URL like mock-server does."""
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=Path, help="JSON list of {key, method, path, status, content_type, body}")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    import logging

    from waitress.server import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as quiet as the sandbox under load

    server = create_server(build(json.loads(args.rows.read_text())), host="127.0.0.1", port=args.port,
                           threads=args.threads)
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
