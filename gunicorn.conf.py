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
# Threaded workers (gthread) even with one thread: a worker's heartbeat does not wait for
# a long request, and idle keep-alive connections (slow phones) wait in the worker's
# poller, not in a thread; a connection gets a thread only once its request has arrived.
# Ours (webapp/server.py) accepts a new connection only while its thread is free: plain
# gthread kept accepting while busy, so newcomers queued behind a long request while the
# other worker idled, and connections opened together could all go to one worker (bench:
# one worker doing 100% of the lesson rows' work; now 50-51% in 6 runs, lesson 738-1,156/s).
# Behind a proxy that buffers whole requests and responses (nginx does by default), the
# plain `sync` class is an option too (ACADEMY_WORKER_CLASS=sync). Against plain gthread it
# measured faster (3 rounds: quiz p99 42-58 ms against 49-78, lesson pages 890-1,150/s
# against 460-1,060/s), mostly for the spread of connections that ours now also has, and
# it has no keep-alive to manage. Without such a proxy, a few clients sending slowly
# would hold every sync worker; and a sync worker sends no heartbeat during a request,
# so an export longer than `timeout` (a large cohort's certificates) needs ACADEMY_TIMEOUT.
worker_class = os.environ.get("ACADEMY_WORKER_CLASS", "webapp.server.FreeThreadWorker")
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


def pre_fork(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    """Move what the master loaded (the rendered course, about 150,000 objects) out of the collector's sight.

    A worker's full garbage collection otherwise walks all of it: about 85 ms, a
    pause that every request in flight waits for. Frozen, those objects are never
    scanned, and their memory pages stay shared with the master instead of being
    copied when the collector touches them (Python's gc.freeze documentation).
    """
    import gc

    gc.freeze()
