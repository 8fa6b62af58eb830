"""The heartbeat of long responses: telling gunicorn's master a worker is busy, not hung.

The master restarts a worker that has not signalled for `timeout` seconds
(gunicorn.conf.py). The sync worker, the default, signals only between
requests, so a response that takes longer, such as a large cohort's
certificate export (about 50 ms per certificate: 24 s for 500), would be cut
off midway. Such a response calls `still_working()` as it goes; a request that
really hangs stops signalling and its worker is restarted.

gunicorn.conf.py's `post_worker_init` hands each worker's signal to `attach()`.
Outside gunicorn (tests, `flask run`, commands) `still_working()` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

_signal: Callable[[], None] | None = None


def attach(signal: Callable[[], None]) -> None:
    """Called once in each gunicorn worker with its liveness signal (`worker.notify`)."""
    global _signal  # noqa: PLW0603 - one per worker process, set before its first request
    _signal = signal


def still_working() -> None:
    """Tell gunicorn's master that this worker is still busy with a long response."""
    if _signal is not None:
        _signal()
