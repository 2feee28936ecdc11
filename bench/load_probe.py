"""Build the app on a fixture folder in this process; print the wall and CPU seconds it took and the peak
memory (on a machine shared with other work, the CPU seconds are the steadier figure)."""

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

    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    create_app(Settings(fixtures=Path(sys.argv[1]), start_workers=False))
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_mib = after.ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_mib}), flush=True)


if __name__ == "__main__":
    main()
