"""``serve --workers N`` as processes: one port, one banner, a worker killed with -9 replaced, all stopped
together on SIGTERM, TLS in every worker, a clear refusal when Redis is not there at start. Real processes
and the session's real redis-server; only process start-up is polled for."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest
import requests

from mock_server.tls import ensure_self_signed
from tests.processes.served import OMNISEND, STAGING, Served, children_of

pytestmark = pytest.mark.slow


# -- one port, two workers --------------------------------------------------------------------------

@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_workers_serve_one_port_with_one_banner_and_stop_together(workers: Served, how: signal.Signals) -> None:
    assert workers.output.count("mock-server listening on") == 1
    assert "(2 worker processes;" in workers.output
    pids = workers.worker_pids(2)
    assert pids == children_of(workers.proc.pid)
    assert workers.stop(how) == 0  # a service manager's stop, or Ctrl-C
    assert not children_of(workers.proc.pid)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_worker_killed_with_9_is_replaced(workers: Served) -> None:
    victim = min(workers.worker_pids(2))
    os.kill(victim, signal.SIGKILL)
    assert workers.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200  # the other one serves
    survivors = workers.worker_pids(2)
    assert victim not in survivors and survivors == children_of(workers.proc.pid)
    assert f"worker {victim} was killed by signal 9; starting another" in workers.output


def test_tls_with_workers(redis_url: str, tmp_path: Path) -> None:
    files = ensure_self_signed(tmp_path / "state")
    served = Served("--store", redis_url, "--workers", "2", "--tls", "--cert", str(files.cert),
                    "--key", str(files.key)).wait_ready()
    try:
        assert served.url.startswith("https://")
        answer = requests.get(served.url + "/v2/products/stg-tee", headers=STAGING, verify=str(files.cert),
                              timeout=30)
        assert answer.status_code == 200 and answer.json()["id"] == "stg-tee"
    finally:
        assert served.stop() == 0


def test_workers_refuse_to_start_when_redis_is_unreachable() -> None:
    served = Served("--store", "redis://127.0.0.1:1/0", "--workers", "2")
    code = served.exit_code()
    assert code == 2, served.output
    assert "store error: cannot reach Redis at redis://127.0.0.1:1/0" in served.output
    assert "listening on" not in served.output




def test_workers_refuse_a_port_in_use(redis_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        served = Served("--store", redis_url, "--workers", "2", "--port", str(port))
        assert served.exit_code() == 2, served.output
    assert f"serve error: cannot listen on 127.0.0.1:{port}" in served.output
