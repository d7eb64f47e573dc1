"""`/healthz`: whether this web server can do its work — the database answers, the broker answers, and
a Celery worker answered within the last minutes. No login, no data: JSON a load balancer or a
monitoring probe reads. 200 when all is well, 503 naming what is not."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tthc_portal.celery import app as celery_app

WORKER_PING_TIMEOUT = 1.0  # seconds the broker round trip to a worker may take
WORKER_SEEN_KEY = "healthz:worker-seen"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _worker():
    """A worker answered a ping now, or (cached) within the last WORKER_FRESH_SECONDS."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    seen = cache.get(WORKER_SEEN_KEY)
    if seen and time.time() - seen < settings.HEALTH_WORKER_FRESH_SECONDS:
        return "ok"
    replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT)
    if not replies:
        raise RuntimeError("không có máy xử lý (Celery worker) nào trả lời")
    cache.set(WORKER_SEEN_KEY, time.time(), settings.HEALTH_WORKER_FRESH_SECONDS)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks, healthy = {}, True
    for name, check in (("database", _database), ("broker", _broker), ("worker", _worker)):
        try:
            checks[name] = check() or "ok"
        except Exception as error:  # noqa: BLE001 - every failure is reported, none is raised
            checks[name] = f"lỗi: {error}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
