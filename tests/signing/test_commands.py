"""plan_workflow runs the pages' services from the command line; render_plan_pdf --signed writes the
stored signed file."""

import hashlib
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plans.models import Plan, SignedPlan
from tests.factories import approved_on

pytestmark = pytest.mark.django_db


def workflow(*args):
    out = io.StringIO()
    call_command("plan_workflow", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_whole_workflow_from_the_command_line_ends_signed(seed, django_capture_on_commit_callbacks):
    base = ["--unit", "Hà Tân", "--year", "2024"]
    assert workflow("submit", *base, "--user", "ha-tan-editor")["status"] == "submitted"
    assert workflow("approve", *base, "--user", "ha-trung-reviewer")["status"] == "approved"
    approved_on(Plan.objects.get(unit__slug="ha-tan", year=2024), date(2024, 1, 19))
    with django_capture_on_commit_callbacks(execute=True):
        workflow("issue", *base, "--user", "ha-tan-signer", "--date", "2024-01-20", "--number", "3")
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    assert plan.status == Plan.Status.ISSUED and plan.decision.number == 3
    assert SignedPlan.objects.get(plan=plan).is_ready


def test_a_refused_step_exits_with_the_reason_and_changes_nothing(seed):
    with pytest.raises(CommandError, match="người ký"):
        workflow("issue", "--unit", "Hà Tân", "--year", "2024", "--user", "ha-tan-editor")
    assert Plan.objects.get(unit__slug="ha-tan", year=2024).status == Plan.Status.DRAFT


def test_render_plan_pdf_signed_writes_the_stored_bytes(seed, django_capture_on_commit_callbacks, tmp_path):
    base = ["--unit", "Hà Tân", "--year", "2024"]
    workflow("submit", *base, "--user", "ha-tan-editor")
    workflow("approve", *base, "--user", "ha-trung-reviewer")
    approved_on(Plan.objects.get(unit__slug="ha-tan", year=2024), date(2024, 1, 19))
    with django_capture_on_commit_callbacks(execute=True):
        workflow("issue", *base, "--user", "ha-tan-signer", "--date", "2024-01-20")
    output = tmp_path / "signed.pdf"
    call_command("render_plan_pdf", *base, "--signed", "-o", str(output), stdout=io.StringIO())
    document = SignedPlan.objects.get(plan__unit__slug="ha-tan").document
    assert hashlib.sha256(output.read_bytes()).hexdigest() == document.sha256


def test_render_plan_pdf_signed_refuses_a_plan_not_signed(seed, tmp_path):
    with pytest.raises(CommandError, match="chưa có bản đã ký số"):
        call_command("render_plan_pdf", "--unit", "Hà Tân", "--year", "2024", "--signed", "-o", str(tmp_path / "x.pdf"))
