"""RFC 3161 timestamps from a time-stamping authority: a certomancer TSA (its own small PKI, keys made
here) started by this module as a real HTTP service; each signature then carries a timestamp that the
validators accept, and an unreachable TSA fails the signing with the reason."""

from datetime import date

import pytest

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.verify import verify_pdf

from .services import free_port

pytestmark = pytest.mark.django_db


def issue(django_capture_on_commit_callbacks):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(
            plan=Plan.objects.get(pk=plan.pk),
            user=User.objects.get(username="ha-tan-signer"),
            issued_on=date(2024, 1, 20),
        )
    return SignedPlan.objects.get(plan=plan)


def test_each_signature_carries_a_timestamp_the_validators_accept(
    seed, test_pki, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_ready, job.error
    signatures = verify_pdf(job.document.file.read()).signatures
    assert [(signature.timestamped, signature.ok) for signature in signatures] == [(True, True), (True, True)]


def test_an_unreachable_tsa_fails_the_signing_with_the_reason(seed, settings, django_capture_on_commit_callbacks):
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "dấu thời gian" in job.error
