"""The run's own Prefect API server: up before the flow needs it, gone when the run ends."""

from __future__ import annotations

import pytest
from scan2text.flows.api_server import API_URL_ENV, early_api_server

pytestmark = pytest.mark.integration


@pytest.mark.xdist_group("e2e")
def test_the_early_server_answers_and_is_stopped_with_the_run(monkeypatch):
    monkeypatch.delenv(API_URL_ENV, raising=False)
    with early_api_server(timeout=120) as api:
        assert api.server is not None
        with api.connected():
            from prefect.settings import PREFECT_API_URL

            assert PREFECT_API_URL.value() == api.server.api_url
        process = api.server.process
    assert process.poll() is not None  # no server left behind


def test_a_port_taken_by_another_program_is_no_server_of_ours():
    # a Dask worker took the port picked for the run's server and answered the health check with its handshake
    import socket
    import threading

    from scan2text.flows.api_server import _healthy

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        conn, _ = listener.accept()
        conn.recv(1024)
        conn.sendall(b"\x00\x00\x83\xabcompression\xc0\xa6python\x93\x03")
        conn.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        assert _healthy(f"http://127.0.0.1:{listener.getsockname()[1]}/api") is False
    finally:
        thread.join(5)
        listener.close()


def test_a_users_own_prefect_server_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv(API_URL_ENV, "http://prefect.example:4200/api")
    with early_api_server() as api:
        assert api.server is None
        with api.connected():
            pass


@pytest.mark.xdist_group("e2e")
def test_the_server_does_not_outlive_a_killed_run(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    script = (
        "from scan2text.flows.api_server import early_api_server\n"
        "import time\n"
        "with early_api_server() as api:\n"
        "    print(api.server.process.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    server = psutil.Process(int(run.stdout.readline()))
    run.send_signal(signal.SIGKILL)  # no atexit, no finally: only the kernel can tell the server
    run.wait()
    deadline = time.monotonic() + 30
    while server.is_running() and server.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not server.is_running() or server.status() == psutil.STATUS_ZOMBIE
