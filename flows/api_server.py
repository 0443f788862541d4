"""Prefect's temporary API server, started early so its boot overlaps ours.

With no `PREFECT_API_URL`, Prefect starts a temporary server the first time a flow runs: it imports
the whole server package in our process just to launch it (about 5 s), then waits for the child to
boot (another 5–7 s), all before the first page. Launching the same server app ourselves, before
Prefect is imported, runs that boot on the second core while this process imports Prefect, and the
server package is never imported here. Measured on this 2-core machine: the fixed cost of a run
(a re-run where every page is reused) from about 14 s to about 8 s.

Nothing here imports Prefect. A user's own server (`PREFECT_API_URL` set) is left alone, and if the
early server fails to come up, the run falls back to Prefect's own temporary server.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("scan2text")

API_URL_ENV = "PREFECT_API_URL"
# Services of the temporary server that nobody can use during a run: off unless the user's environment says.
QUIET_SERVICES = (
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",  # automations: reactive triggers and their actions
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED",  # the event feed
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED",  # live events to a UI
    "PREFECT_SERVER_LOGS_STREAM_OUT_ENABLED",  # live logs to a UI
)


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Runs uvicorn in the server process after asking Linux to send it SIGTERM when the run's process dies, even
# by kill -9, so no server outlives its run. Done in the child itself: a preexec_fn is unsafe in a process
# with threads. If the run died before the request took effect, the server does not start at all.
_BOOT = """
import contextlib, ctypes, os, runpy, signal, sys
with contextlib.suppress(OSError, AttributeError):
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)
sys.argv = ["uvicorn", *sys.argv[2:]]
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=1) as response:
            return response.status == 200
    # Another program may take the port between our probe for a free one and the server's bind: a Dask worker
    # of the same run answered a health check with its own handshake. That is no server of ours, not a crash.
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return False


class TemporaryApiServer:
    """A Prefect API server in a child process for the length of one run."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            raise RuntimeError("prefect is not installed")
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        # The same app and switches Prefect's own temporary server uses (no UI, no scheduling services), less
        # the services that only serve someone watching, which took a sixth of its CPU per page. Flow and task
        # runs are still recorded.
        env = {**dict.fromkeys(QUIET_SERVICES, "false"), **os.environ,
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server, closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(os.getpid()), "--app-dir", str(Path(spec.origin).parent.parent),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            # a file, not a pipe: nobody reads the server's output during the run, and a full pipe would stall it
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors,
        )

    def wait(self, timeout: float) -> bool:
        """True once the server answers; False if it exited or did not answer in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.errors.seek(0)
                tail = self.errors.read().decode(errors="replace")[-500:].strip()
                log.info("early Prefect server exited with code %s: %s", self.process.returncode, tail)
                return False
            if _healthy(self.api_url):
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.errors.close()


class EarlyServer:
    """What `early_api_server` hands the run: `connected()` wraps the flow call."""

    def __init__(self, server: TemporaryApiServer | None, timeout: float) -> None:
        self.server = server
        self.timeout = timeout

    @contextlib.contextmanager
    def connected(self) -> Iterator[None]:
        """Point Prefect at the early server once it answers; otherwise leave Prefect to start its own."""
        if self.server is None or not self.server.wait(self.timeout):
            if self.server is not None:
                log.info("early Prefect server did not come up; Prefect will start its own")
            yield
            return
        # Imported here: by now the caller has imported Prefect, in parallel with the server's boot.
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.server.api_url}):
            yield


@contextlib.contextmanager
def early_api_server(timeout: float = 90.0) -> Iterator[EarlyServer]:
    """Start Prefect's API server in a child process now; stop it when the block ends.

    `with early_api_server() as api: <import the flow>; with api.connected(): <run it>`. A user's own
    server (`PREFECT_API_URL` set) is used as it is.
    """
    server = None
    if not os.environ.get(API_URL_ENV):
        try:
            server = TemporaryApiServer()
        except (OSError, RuntimeError) as exc:
            log.info("early Prefect server not started (%s); Prefect will start its own", exc)
    try:
        yield EarlyServer(server, timeout)
    finally:
        if server is not None:
            server.stop()
