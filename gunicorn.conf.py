"""gunicorn for the portal (`make serve`, or `gunicorn -c gunicorn.conf.py tthc_portal.wsgi`).

Sync workers: every page is a few short database queries; the slow work (PDFs, reports) runs on
Celery workers. Variables: WEB_CONCURRENCY (workers, default 2 per CPU + 1), GUNICORN_BIND
(default 127.0.0.1:8000), GUNICORN_TIMEOUT (seconds, default 60)."""

import multiprocessing
import os

wsgi_app = "tthc_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# The application is loaded once, before the workers fork: a worker that is replaced (now and then,
# so memory stays flat) starts serving at once instead of spending seconds of CPU importing Django.
preload_app = True
max_requests = 10000
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
