"""Build the app on a fixture folder in this process and print the seconds it took and the peak memory."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    """``python bench/load_probe.py FOLDER``: one JSON line on stdout."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mock_server.app import create_app
    from mock_server.core.context import Settings

    began = time.perf_counter()
    create_app(Settings(fixtures=Path(sys.argv[1]), start_workers=False))
    seconds = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib}), flush=True)


if __name__ == "__main__":
    main()
