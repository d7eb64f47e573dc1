"""A real Celery worker process for the integration tests, against the real PostgreSQL and Redis.

The worker is a separate process: it sees only what the test has committed, so every test using it
runs on `transactional_db` with serialized rollback (the fixtures below depend on both, which also
means the worker is stopped *before* pytest-django flushes the test database: a worker still
holding a connection would make the flush wait on its locks).

    def test_something(celery_worker):          # one worker, started and ready
        ...
    def test_crash(start_celery_worker):        # as many as needed, e.g. a prefork one to kill
        worker = start_celery_worker(pool="prefork")
        worker.kill()                           # SIGKILL, as a crash would
        start_celery_worker()                   # a fresh worker picks the job up again
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tthc_portal.celery import app as celery_app

# Every connection the test workers open carries this name, so the teardown can find (and end)
# any connection a killed worker left behind before the test database is flushed.
WORKER_APPLICATION_NAME = "tthc-test-celery-worker"
READY_TIMEOUT = 30  # seconds for a worker to start
STOP_TIMEOUT = 20  # seconds for a warm shutdown before SIGKILL


def _require_real_services():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail(
            "The integration tests need PostgreSQL: a Celery worker process cannot share an in-memory "
            f"SQLite test database (ENGINE is {database['ENGINE']!r}). Run them with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tthc (as `make test` does).",
            pytrace=False,
        )
    if not settings.REDIS_URL:
        pytest.fail(
            "The integration tests need Redis as the Celery broker, but REDIS_URL is not set. "
            "Run them with REDIS_URL=redis://127.0.0.1:6379/14 (as `make test` does).",
            pytrace=False,
        )
    if celery_app.conf.task_always_eager:
        pytest.fail(
            "Celery is eager in this test, so no job would reach the worker: integration tests must be "
            "marked `pytest.mark.integration` (tests/conftest.py makes every other test eager).",
            pytrace=False,
        )


def test_database_url():
    """DATABASE_URL for the pytest-django *test* database (NAME is the test database's by now)."""
    database = settings.DATABASES["default"]
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    name = quote(database["NAME"], safe="")
    return f"postgres://{credentials}{host}{port}/{name}?application_name={WORKER_APPLICATION_NAME}"


test_database_url.__test__ = False  # not a test, despite its name


def flush_redis():
    """Empty REDIS_URL's database (a dedicated database number): no job left from an earlier run."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def end_worker_connections():
    """End every database connection a test worker left open (a SIGKILLed worker's backend may
    linger until PostgreSQL notices the closed socket)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            [WORKER_APPLICATION_NAME],
        )


@dataclass
class CeleryWorker:
    """One `celery worker` process; its stdout and stderr go to `log_path`."""

    process: subprocess.Popen
    log_path: Path
    name: str
    command: list = field(default_factory=list)

    @property
    def pid(self):
        return self.process.pid

    def is_alive(self):
        return self.process.poll() is None

    def log(self):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def describe(self):
        """For assertion messages: the command, the exit status and the whole log."""
        status = "running" if self.is_alive() else f"exited with {self.process.returncode}"
        return (
            f"worker {self.name} (pid {self.pid}, {status}): {' '.join(self.command)}\n--- worker log ---\n{self.log()}"
        )

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if f"{self.name} ready." in self.log():
                return
            if not self.is_alive():
                pytest.fail(f"The Celery worker exited before it was ready.\n{self.describe()}", pytrace=False)
            time.sleep(0.1)
        pytest.fail(f"The Celery worker was not ready after {timeout} s.\n{self.describe()}", pytrace=False)

    def _signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)  # the worker and its pool children
        except ProcessLookupError:
            pass

    def stop(self, timeout=STOP_TIMEOUT):
        """Warm shutdown (SIGTERM: finish the running job, then exit); SIGKILL if it takes too long."""
        if self.is_alive():
            self._signal_group(signal.SIGTERM)  # a warm shutdown also ends the pool children
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(10)
        return self.process.returncode

    def kill(self):
        """SIGKILL the worker and its children at once, as a crash or an OOM kill would."""
        if self.process.returncode is None:  # not reaped yet: its process group is still ours
            self._signal_group(signal.SIGKILL)
        self.process.wait(10)
        return self.process.returncode


@pytest.fixture
def celery_worker_env(transactional_db, django_db_serialized_rollback):
    """The environment of a worker process: the test database, the same Redis, the test's MEDIA_ROOT.

    Serialized rollback: a transactional test ends by emptying every table, including the rows the
    data migrations wrote (the reporting periods seed_demo needs); this puts them back first."""
    _require_real_services()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tthc_portal.settings",
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def start_celery_worker(transactional_db, celery_worker_env, tmp_path):
    """Start workers on demand: `start_celery_worker(pool="solo"|"prefork", ready=True, app=...)`
    (`app`: the Celery app module, the portal's unless a test brings its own, see slow_render.py).
    Redis is emptied first; every worker started is stopped at teardown, before the database is flushed."""
    flush_redis()
    workers = []

    def start(*, pool="solo", concurrency=1, ready=True, extra_args=(), app="tthc_portal"):
        name = f"tthc-test-{uuid.uuid4().hex[:8]}@integration"
        log_path = tmp_path / f"celery-worker-{len(workers) + 1}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            f"--hostname={name}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *extra_args,
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=celery_worker_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop()/kill() reach the pool children
            )
        worker = CeleryWorker(process=process, log_path=log_path, name=name, command=command)
        workers.append(worker)
        if ready:
            worker.wait_ready()
        return worker

    yield start

    for worker in workers:
        worker.stop()
    end_worker_connections()
    flush_redis()


@pytest.fixture
def celery_worker(start_celery_worker):
    """One solo-pool worker, started and ready."""
    return start_celery_worker()


@pytest.fixture
def wait_for_job():
    """`wait_for_job(job, worker=worker)`: reload a job record until it is done or failed."""
    return _wait_for_job


def _wait_for_job(job, *, worker, states=("done", "failed"), timeout=90, poll=0.25):
    """Reload a job record until its state is one of `states`; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.state in states:
            return job
        if not worker.is_alive():
            pytest.fail(f"The worker died while job {job.pk} was {job.state!r}.\n{worker.describe()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(
                f"Job {job.pk} still {job.state!r} after {timeout} s (wanted {states}).\n{worker.describe()}",
                pytrace=False,
            )
        time.sleep(poll)
