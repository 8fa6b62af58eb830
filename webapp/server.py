"""gunicorn's threaded worker, accepting a new connection only when it has a thread free.

The worker for serving clients with no buffering proxy in front
(ACADEMY_WORKER_CLASS=webapp.server.FreeThreadWorker); behind one, gunicorn's sync
worker is the default and measured faster (gunicorn.conf.py).

gunicorn's gthread worker accepts connections in its main thread and queues them
for its request threads, busy or not. With one request thread per worker (see
gunicorn.conf.py), a worker in the middle of a long request (a certificate
export) kept accepting newcomers, who then waited for that request to end while
another worker sat idle; and connections opened together (a class starting the
quiz at once, or wrk's eight) could all go to one worker: a benchmark run showed
one worker doing 100% of the work.

This worker listens for new connections only while a request thread is free,
as gunicorn's sync worker does, so the kernel hands each newcomer to a worker
that can serve it now. Keep-alive connections it already holds are served as
before.
"""

from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class FreeThreadWorker(ThreadWorker):
    """gthread, listening for new connections only while a request thread is free."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_threads = 0  # connections handed to a request thread and not yet back

    def set_accept_enabled(self, enabled: bool) -> None:
        # run() calls this at the top of every loop turn with "fewer connections than the limit"
        super().set_accept_enabled(enabled and self.in_threads < self.cfg.threads)

    def accept(self, listener: Any) -> None:
        if self.in_threads >= self.cfg.threads:
            return  # readiness reported in the same turn as an accept that took the last free thread
        super().accept(listener)

    def enqueue_req(self, conn: Any) -> None:
        self.in_threads += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_threads -= 1
        super().finish_request(conn, fs)
