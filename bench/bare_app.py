"""A bare Flask JSON endpoint on the same WSGI server (waitress), the yardstick for the mock's overhead."""

from __future__ import annotations

import argparse

from flask import Flask, Response, jsonify


def build() -> Flask:
    """One route answering a small JSON object."""
    app = Flask(__name__)

    @app.get("/bare")
    def bare() -> Response:
        return jsonify({"ok": True, "items": [1, 2, 3]})

    return app


def main() -> None:
    """Serve on --port (0 = free port) and print the URL like mock-server does."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from waitress.server import create_server

    server = create_server(build(), host="127.0.0.1", port=args.port, threads=args.threads)
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
