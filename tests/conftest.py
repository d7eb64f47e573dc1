import io
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from tests.factories import build_tree
from tthc_portal.celery import app as celery_app

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """The demo's signing keys and their secrets go to a folder of this session, not the project's var/."""
    from django.conf import settings

    keys = Path(tempfile.mkdtemp(prefix="tthc-signing-"))
    settings.SIGNING_KEYS_DIR = keys
    settings.SIGNING_SECRETS_FILE = keys / "secrets.json"


@pytest.fixture(autouse=True)
def _jobs_in_process(request, settings):
    """Jobs run in-process in every test except the integration tests, which use a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is restored between tests, the cache is not."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _no_pdf_prerender(settings):
    """Jobs run in-process in tests: a plan's PDF rendered after every change would render it in every
    test that edits a plan. tests/plans/pdf/test_prerender.py turns it on."""
    settings.PLAN_PDF_SETTLE_SECONDS = 0


@pytest.fixture(autouse=True)
def _second_factor(request, settings):
    """The second factor is enforced in the tests about it (marked `second_factor`, and the
    authorisation matrix of its pages); the others run as the demo does, without it, so that each
    keeps to the behaviour it is about."""
    settings.TWO_FACTOR_DEMO_BYPASS = not request.node.get_closest_marker("second_factor")


# --- the seed data: loaded once per session, restored in each test that asks for it ----------------


def _tables(cursor):
    return [table for table in connection.introspection.table_names(cursor) if table != "django_migrations"]


def _contents(cursor):
    """{table: its rows as PostgreSQL COPY text} of every table."""
    contents = {}
    for table in _tables(cursor):
        buffer = io.BytesIO()
        with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
            for chunk in copy:
                buffer.write(chunk)
        contents[table] = buffer.getvalue()
    return contents


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """`seed_demo` run once for the whole session, inside a transaction that is rolled back: the rows it
    added, table by table. None on a database other than PostgreSQL (each test then runs seed_demo)."""
    if connection.vendor != "postgresql":
        return None
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        with connection.cursor() as cursor:
            before = _contents(cursor)
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            after = _contents(cursor)
        transaction.set_rollback(True)
    added = {table: rows for table, rows in after.items() if rows != before.get(table)}
    changed = [table for table in added if before.get(table)]
    assert not changed, f"seed_demo changed rows that the migrations wrote ({changed}): restore them too"
    return added


@pytest.fixture
def seed(db, seed_snapshot):
    """The real seed data: units, indicators, the four plans and the demo users — the same rows
    seed_demo writes, copied back in (PostgreSQL COPY) rather than loaded again for every test."""
    if seed_snapshot is None:
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows as they were, triggers and all: no trigger fires again (reports_planchange keeps the
        # counts seed_demo left), and the foreign keys hold since the rows come from a consistent database.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table, rows in seed_snapshot.items():
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(rows)
        for table in seed_snapshot:  # new rows a test adds get ids after the restored ones
            pk = connection.introspection.get_primary_key_column(cursor, table)
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT COALESCE(MAX("{pk}"), 1) FROM "{table}"))',
                [f'"{table}"', pk],
            )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.fixture
def tree(db):
    """The unit tree with a user per role and a draft plan (tests.factories.Tree)."""
    return build_tree()


@pytest.fixture
def le_loi_plan(seed):
    from plans.models import Plan

    return Plan.objects.get(unit__slug="le-loi", year=2024)


# --- the trust services of the signing tests (tests/signing/services.py), started once per session ------


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """The certomancer test PKI, served (TSA, OCSP, CRL) for the whole session."""
    from tests.signing.services import start_pki, stop

    pki, process = start_pki(tmp_path_factory.mktemp("pki"))
    yield pki
    stop(process)


@pytest.fixture(scope="session")
def csc_url(test_pki):
    """The dummy CSC service's base URL, holding the test PKI's keys."""
    from tests.signing.services import start_csc, stop

    url, process = start_csc(test_pki)
    yield url
    stop(process)
