"""Production server settings: gunicorn -c gunicorn.conf.py 'webapp:create_app()'.

Every setting can be overridden by the environment (ACADEMY_BIND, ACADEMY_WORKERS, …).
The app keeps no state in a worker: sessions are signed cookies checked against
the database, throttles live in the database or Redis, quiz and live-question
state in the database. So workers, and whole app machines behind a load
balancer, can be added freely in front of one PostgreSQL.
"""

import multiprocessing
import os

bind = os.environ.get("ACADEMY_BIND", "127.0.0.1:8000")
# One worker process per core, one request thread each. Python threads of one process
# take turns on one interpreter lock, and more processes than cores take turns on the
# cores: either way every request in flight runs slower. Measured with bench.load on a
# 2-core VM (quiz submission p99 / lesson CPU per request): 4 workers x 2 threads
# 98-144 ms / 2.3-2.8 ms; 4 x 1 70-110 ms; 3 x 1 66-104 ms; 2 x 1 53-69 ms / 1.6-2.3 ms.
# A request that runs long (a certificate export, a large progress grid) holds its
# worker meanwhile: where several run at once, add workers (ACADEMY_WORKERS); with the
# database on another machine, requests also wait on the network, and a second thread
# per worker (ACADEMY_THREADS=2) uses that time.
workers = int(os.environ.get("ACADEMY_WORKERS", multiprocessing.cpu_count()))
# gunicorn's sync worker, as gunicorn ships it, behind the reverse proxy the README asks
# for (nginx by default buffers whole requests and responses, so a slow phone never
# holds a worker). It takes one connection at a time, only when free, so each request
# goes to a worker that can serve it now. Against our threaded worker, 5 interleaved
# rounds of bench.load on the 2-core VM: quiz submission p99 40-49 ms against 46-67 ms,
# worker CPU per quiz loop 12.9-15.2 ms against 14.4-21.3 ms (no hand-over between a
# poller thread and a request thread, no connection held by a busy worker).
# A sync worker signals the master only between requests: a long response (a large
# cohort's certificate export) calls webapp.heartbeat.still_working() as it goes, so
# `timeout` still restarts only a worker that is really stuck.
# Serving clients directly, with no buffering proxy in front (or behind one that does
# not buffer), use ACADEMY_WORKER_CLASS=webapp.server.FreeThreadWorker: threaded, idle
# keep-alive connections wait in its poller, and it too accepts only while free.
worker_class = os.environ.get("ACADEMY_WORKER_CLASS", "sync")
threads = int(os.environ.get("ACADEMY_THREADS", 1))
timeout = int(os.environ.get("ACADEMY_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle a worker now and then (a guard against slow leaks); jitter spreads the restarts.
# Not too often: a new worker starts with cold caches, and at 1,500 requests/s a
# limit of 5,000 restarted a worker every few seconds, each restart a latency spike.
max_requests = int(os.environ.get("ACADEMY_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
preload_app = True  # load and render the content once, before forking: shared memory, fast start
accesslog = os.environ.get("ACADEMY_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'  # webapp.access_log.ACCESS_FORMAT: written fast
logger_class = "webapp.access_log.AccessLogger"
errorlog = "-"
# Each worker tells the master it is alive by touching a file, several times per request.
# On a disk that is a journalled metadata write (a quarter of a worker's CPU on this
# project's VM); in memory it is nearly free. gunicorn's documentation advises /dev/shm.
in_memory = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's advice
worker_tmp_dir = os.environ.get("ACADEMY_WORKER_TMP_DIR") or in_memory
loglevel = os.environ.get("ACADEMY_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("ACADEMY_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    """Give long responses this worker's liveness signal (webapp/heartbeat.py)."""
    from webapp import heartbeat

    heartbeat.attach(worker.notify)


def pre_fork(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    """Move what the master loaded (the rendered course, about 150,000 objects) out of the collector's sight.

    A worker's full garbage collection otherwise walks all of it: about 85 ms, a
    pause that every request in flight waits for. Frozen, those objects are never
    scanned, and their memory pages stay shared with the master instead of being
    copied when the collector touches them (Python's gc.freeze documentation).
    """
    import gc

    gc.freeze()
