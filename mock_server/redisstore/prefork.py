"""``serve --workers N``: a pre-fork master and N worker processes accepting on one listening socket.

The master binds the port once and forks the workers; each worker builds its own app (its own Redis
connections and background threads: nothing that cannot cross a fork is created before it) and serves
the inherited socket with waitress, so the kernel hands each new connection to one of them. The state
they share lives in Redis (``--store redis://...``): any worker answers any request the same way.

The master serves nothing itself. It starts the first worker alone and waits until it is ready (the
first process seeds an empty store; the others join it), then starts the rest, prints the banner once,
restarts a worker that dies (``kill -9``, a crash) and stops them all on SIGTERM or SIGINT.

Written here rather than run under gunicorn: the sandbox keeps its own waitress channel (the vendors'
header spelling and transport errors in the vendor's envelope, see :mod:`mock_server.server`), its own
``serve`` options and banner, and one command; a pre-fork loop over ``os.fork`` is short.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

log = logging.getLogger("mock_server.workers")

# A worker that dies sooner than this after its start is restarted after a pause (no fork loop while,
# say, Redis is down and every new worker fails to connect).
RESTART_PAUSE = 1.0
STOP_GRACE = 10.0


class StartError(Exception):
    """A worker could not start (bad fixtures, Redis unreachable): the message the user reads."""


class _Stop(Exception):
    """SIGTERM or SIGINT reached the master."""


def supported() -> bool:
    """Whether this platform can fork workers (not on Windows)."""
    return hasattr(os, "fork")


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """The listening socket every worker accepts on (``port`` 0 picks a free port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


# A worker: builds its app, calls ``ready`` with the line the banner shows as "Loaded", then serves the
# socket until SIGTERM/SIGINT and returns its exit status. It raises StartError when it cannot start.
Worker = Callable[[socket.socket, Callable[[str], None]], int]


class Master:
    """Start, watch and stop ``count`` workers on ``sock``."""

    def __init__(self, sock: socket.socket, count: int, worker: Worker) -> None:
        self.sock = sock
        self.count = count
        self.worker = worker
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False

    def run(self, on_ready: Callable[[str], None]) -> int:
        """Serve until stopped: 0 after a clean stop, 2 when the first worker cannot start."""
        previous = {sig: signal.signal(sig, self._signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            try:
                first = self._start_and_wait()
                for _ in range(self.count - 1):
                    self._start_and_wait()
            except StartError as exc:
                print(exc, file=sys.stderr, flush=True)
                return 2
            on_ready(first)
            self._supervise()
        except _Stop:
            pass
        finally:
            self.stopping = True
            self._stop_all()
            self.sock.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _signal(self, signum: int, frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            raise _Stop

    def _start(self) -> tuple[int, int]:
        """Fork one worker; return its pid and the read end of its ready pipe."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the master's code
            os.close(read_end)
            os._exit(self._child(write_end))
        os.close(write_end)
        self.children[pid] = time.monotonic()
        return pid, read_end

    def _start_and_wait(self) -> str:
        """Start one worker and wait for its ready line; raise StartError with its reason."""
        pid, read_end = self._start()
        with os.fdopen(read_end, "r", encoding="utf-8") as pipe:
            line = pipe.readline()
        status, _, text = line.rstrip("\n").partition("\t")
        if status == "ok":
            return text
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        self.children.pop(pid, None)
        raise StartError(text.replace("\\n", "\n") if status == "error" else
                         f"worker {pid} exited while starting (see the log above)")

    def _child(self, ready_fd: int) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _interrupt)

        def tell(line: str) -> bool:
            """Write the one line of the ready pipe; False when the master stopped listening (a restart)."""
            try:
                os.write(ready_fd, line.encode("utf-8"))
                return True
            except OSError:
                return False
            finally:
                with contextlib.suppress(OSError):
                    os.close(ready_fd)

        def ready(loaded: str) -> None:
            tell(f"ok\t{loaded}\n")

        try:
            return self.worker(self.sock, ready)
        except StartError as exc:
            if not tell("error\t" + str(exc).replace("\n", "\\n") + "\n"):
                print(exc, file=sys.stderr, flush=True)
            return 2
        except KeyboardInterrupt:
            return 0
        except BaseException:
            log.exception("worker %d failed", os.getpid())
            return 1

    def _supervise(self) -> None:
        """Wait for workers to exit; start a new one for each (a kill -9 is not a stop)."""
        while True:
            pid, status = os.wait()
            started = self.children.pop(pid, None)
            if started is None:
                continue
            log.warning("worker %d %s; starting another", pid, _describe(status))
            if time.monotonic() - started < RESTART_PAUSE:
                time.sleep(RESTART_PAUSE)
            _, read_end = self._start()
            os.close(read_end)  # its start is not waited for: the others keep serving meanwhile

    def _stop_all(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while self.children:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    del self.children[pid]
            if self.children and time.monotonic() > deadline:
                for pid in self.children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + STOP_GRACE
            if self.children:
                time.sleep(0.02)  # polling the workers' exit during shutdown


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with status {os.WEXITSTATUS(status)}"
