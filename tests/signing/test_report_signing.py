"""“Ký và gửi”: the unit's signer signs the báo cáo (number and date given when it has none), the unit
signs after, the reviewers above are told, and the reviewer sees that it is signed and valid; the
report no longer changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from orgs.models import User
from periods.models import ReportingPeriod
from plans.models import Notification, Plan
from reports import services
from reports.models import SignedReport
from reports.signing import sign_and_send
from signing.verify import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(seed, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    report = services.get_report(plan=plan, period=ReportingPeriod.objects.get(code="9M"))
    report.number = None
    report.save(update_fields=["number"])
    with django_capture_on_commit_callbacks(execute=True):
        sign_and_send(report=report, user=User.objects.get(username="thanh-thuy-signer"))
    return SignedReport.objects.select_related("report", "document").get(report=report)


def test_the_report_is_signed_by_the_signer_then_the_unit_with_the_next_number(sent):
    assert sent.is_ready, sent.error
    assert sent.report.number == 1 and sent.document.number_text == "01/BC-UBND"
    signatures = verify_pdf(sent.document.file.read()).signatures
    assert [(s.kind, s.ok) for s in signatures] == [("person", True), ("organisation", True)]


def test_the_reviewers_above_are_told(sent):
    told = Notification.objects.filter(verb=Notification.Verb.REPORT_SENT)
    assert told.exists() and all("01/BC-UBND" in note.text for note in told)


def test_the_reviewer_sees_that_it_is_signed_and_valid(sent):
    reviewer = Notification.objects.filter(verb=Notification.Verb.REPORT_SENT).first().recipient
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("reports:report", args=[sent.report.plan_id, "9M"])).content.decode()
    assert "Đã ký số và gửi: Báo cáo số 01/BC-UBND" in page and "2 chữ ký số hợp lệ" in page


def test_a_sent_report_no_longer_changes(sent):
    editor = User.objects.get(username="thanh-thuy-editor")
    with pytest.raises(PermissionDenied, match="đã được ký số và gửi"):
        services.update_report(report=sent.report, user=editor, changes={"results": "Sửa sau khi gửi"})


def test_only_the_unit_s_signer_signs_and_sends(seed):
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    report = services.get_report(plan=plan, period=ReportingPeriod.objects.get(code="9M"))
    with pytest.raises(PermissionDenied):
        sign_and_send(report=report, user=User.objects.get(username="thanh-thuy-editor"))
    assert not SignedReport.objects.exists()
