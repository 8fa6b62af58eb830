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
workers = int(os.environ.get("ACADEMY_WORKERS", multiprocessing.cpu_count() * 2))
# Threaded workers: a worker's heartbeat does not wait for a long request (a streamed
# certificate export), and keep-alive connections are served without reconnecting.
worker_class = "gthread"
threads = int(os.environ.get("ACADEMY_THREADS", 2))
timeout = int(os.environ.get("ACADEMY_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then; jitter spreads the restarts
max_requests_jitter = 500
preload_app = True  # load and render the content once, before forking: shared memory, fast start
accesslog = os.environ.get("ACADEMY_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'  # webapp.access_log.ACCESS_FORMAT: written fast
logger_class = "webapp.access_log.AccessLogger"
errorlog = "-"
loglevel = os.environ.get("ACADEMY_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("ACADEMY_FORWARDED_ALLOW_IPS", "127.0.0.1")
