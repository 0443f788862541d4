"""Prefect on Dask workers when the run brings its own API server: pages are read, nothing is reported.

Without `PREFECT_API_URL` a run's Prefect API server lives in a child of the client process for the length of the
run and listens on the client's loopback. prefect-dask hands each task the client's settings, so Prefect on a worker
talks to that address: on another machine it is the worker's own loopback, where nothing answers, and on the
client's machine it is gone once the run ends. Three things would go there:

- the API version check Prefect makes once per worker process before its first task run: on another machine it
  failed every page ("Failed to reach API at http://127.0.0.1:…"). Off in the settings the tasks carry
  (`PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED`, meant for workers of a known-compatible server).
- events, which carry task-run states in Prefect 3 (client-side orchestration). Prefect keeps one events client per
  worker process, bound to the first server it was given (not keyed by the API URL, unlike the log shipper), so a
  later run's events went to an earlier run's vanished server, each failing with the whole event logged as an
  error. No Prefect setting turns events off (asked for in PrefectHQ/prefect#21030); Prefect's own override of the
  events client is set to its null client on the workers, by a worker plugin, while such a run is going.
- logs, shipped to the API when `PREFECT_LOGGING_TO_API_ENABLED`: off in the settings the tasks carry too, so that
  nothing is queued for a server the worker cannot reach.

The flow run is recorded on the client's server as before, and the workers' own log keeps Prefect's console lines.
With `PREFECT_API_URL` set (a shared server the workers can reach) none of this applies: workers report task runs to
it as Prefect does.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

from distributed import Client, Worker, WorkerPlugin

# Runs under way on this worker process that asked for quiet, so that one ending does not undo another's.
_quiet_runs = 0
_quiet_lock = threading.Lock()


class QuietPrefect(WorkerPlugin):
    """Registered by a run on the cluster's workers: Prefect's task-run events are dropped there, not sent."""

    def setup(self, worker: Worker) -> None:
        from prefect.events.clients import NullEventsClient
        from prefect.events.worker import EventsWorker

        global _quiet_runs
        with _quiet_lock:
            _quiet_runs += 1
            EventsWorker.set_client_override(NullEventsClient)

    def teardown(self, worker: Worker) -> None:
        from prefect.events.worker import EventsWorker

        global _quiet_runs
        with _quiet_lock:
            _quiet_runs = max(0, _quiet_runs - 1)
            if not _quiet_runs:
                EventsWorker.set_client_override(None)


@contextlib.contextmanager
def prefect_quiet_on_workers(dask_address: str) -> Iterator[None]:
    """For the length of the block, Prefect on the workers at `dask_address` reports nothing to an API."""
    from prefect.settings import (
        PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED,
        PREFECT_LOGGING_TO_API_ENABLED,
        temporary_settings,
    )

    name = f"scan2text-quiet-prefect-{uuid.uuid4().hex[:8]}"  # one per run: runs sharing a cluster each undo their own
    with Client(dask_address, timeout=30, set_as_default=False) as client:
        client.register_plugin(QuietPrefect(), name=name)
        try:
            # the settings each task carries to its worker (prefect-dask serializes the client's)
            quiet = {PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED: False, PREFECT_LOGGING_TO_API_ENABLED: False}
            with temporary_settings(updates=quiet):
                yield
        finally:
            with contextlib.suppress(OSError, ValueError):  # the cluster may be gone; its workers then went too
                client.unregister_worker_plugin(name)
