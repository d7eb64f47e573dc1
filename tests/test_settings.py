"""The environment-driven settings: production checks, the embedded default, safe parsing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tthc_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env, cwd=ROOT):
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**clean, **env}, cwd=cwd, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "tthc.example.gov.vn"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _production(**extra):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "tthc.example.gov.vn", **extra}


def test_start_up_warns_behind_a_tls_proxy_with_no_trusted_proxy_count():
    result = _manage("check", env=_production(BEHIND_TLS_PROXY="1"))
    assert "orgs.W001" in result.stderr and "TRUSTED_PROXY_COUNT=0" in result.stderr


def test_start_up_is_quiet_behind_a_proxy_whose_count_is_set():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production(BEHIND_TLS_PROXY="1", TRUSTED_PROXY_COUNT="1")
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_demos_second_factor_bypass():
    result = _manage("check", env=_production(TWO_FACTOR_DEMO_BYPASS="1"))
    assert result.returncode != 0
    assert "TWO_FACTOR_DEMO_BYPASS" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "tthc.example.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_with_nothing_set_the_portal_runs_on_sqlite_and_loads_the_seed_data(tmp_path):
    env = {"DEBUG": "1", "MEDIA_ROOT": str(tmp_path / "media")}
    database = tmp_path / "db.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"  # the default file, moved out of the work tree
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    seeded = _manage("seed_demo", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "4 kế hoạch mới" in seeded.stdout


def test_jobs_run_in_process_when_no_broker_is_configured():
    result = _manage(
        "shell", "-c", "from tthc_portal.celery import app; print(app.conf.task_always_eager)", env={"DEBUG": "1"}
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_jobs_are_acknowledged_late_and_limited_in_time():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert conf.worker_max_memory_per_child > 0


def test_openpyxl_parses_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_dates_are_shown_as_day_month_year():
    from datetime import date

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(date(2024, 1, 23), "SHORT_DATE_FORMAT") == "23/01/2024"
    assert settings.LANGUAGE_CODE == "vi" and settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
