"""The second factor (orgs.two_factor): who must use it, enrolment, verification before a workflow
step, recovery codes, throttling, and no secret kept in clear."""

import base64
import re
import time
from datetime import date

import pytest
from django.urls import reverse
from django_otp.oath import TOTP, totp

from orgs import two_factor
from orgs.models import AuditEvent, AuthenticatorApp, RecoveryCode
from plans.models import Plan
from plans.workflow import services as workflow
from tests.factories import UserFactory, approved_on, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]


def code_for(user):
    """The code the user's app shows now."""
    app = AuthenticatorApp.objects.get(user=user)
    return f"{totp(two_factor.unseal(app.sealed_key), step=30, t0=0, digits=6):06d}"


def _at(app, moment):
    """The code the app showed at `moment` (seconds since the epoch)."""
    generator = TOTP(two_factor.unseal(app.sealed_key), step=30, t0=0, digits=6)
    generator.time = moment
    return generator.token()


def enrol(client, user):
    """Enrol through the pages; returns the recovery codes shown."""
    client.get(reverse("two_factor:enrol"))
    page = client.post(reverse("two_factor:enrol"), {"token": code_for(user)}).content.decode()
    return re.findall(r"<code>([A-Z0-9-]{19})</code>", page)


def enrolled_user(user):
    """`user` with a confirmed app (enrolled in a client of its own), the codes, and a new client."""
    from django.test import Client

    codes = enrol(log_in(Client(), user), user)
    AuthenticatorApp.objects.filter(user=user).update(last_t=-1)  # the code used to enrol may be used again here
    return codes


def submitted(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)


def status(plan):
    return Plan.objects.get(pk=plan.pk).status


# --- who ------------------------------------------------------------------------------------------------


def test_signers_reviewers_and_administrators_must_use_it_editors_may(tree):
    assert two_factor.required_for(tree.signer) and two_factor.required_for(tree.district_reviewer)
    assert not two_factor.required_for(tree.editor)
    assert two_factor.required_for(UserFactory(is_staff=True))


def test_an_editor_acts_without_a_second_factor(client, tree):
    log_in(client, tree.editor)
    client.post(reverse("plans:submit", args=[tree.plan.pk]))
    assert status(tree.plan) == Plan.Status.SUBMITTED


# --- enrolment --------------------------------------------------------------------------------------------


def test_a_reviewer_without_an_app_is_sent_to_enrol_and_nothing_is_done(client, tree):
    submitted(tree)
    log_in(client, tree.district_reviewer)
    page = reverse("plans:detail", args=[tree.plan.pk])
    response = client.post(reverse("plans:approve", args=[tree.plan.pk]), HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor:enrol")) and "next=" in response.url
    assert status(tree.plan) == Plan.Status.SUBMITTED


def test_enrolment_shows_a_qr_code_and_the_key_then_confirms_with_a_code(client, tree):
    log_in(client, tree.district_reviewer)
    page = client.get(reverse("two_factor:enrol")).content.decode()
    assert "<svg" in page and "Quét mã QR" in page
    app = AuthenticatorApp.objects.get(user=tree.district_reviewer, confirmed=False)
    secret = base64.b32encode(two_factor.unseal(app.sealed_key)).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert client.get(reverse("two_factor:enrol")).content.decode().count(secret[:4]) >= 1  # same app on reload
    assert AuthenticatorApp.objects.filter(user=tree.district_reviewer).count() == 1

    codes = re.findall(
        r"<code>([A-Z0-9-]{19})</code>",
        client.post(reverse("two_factor:enrol"), {"token": code_for(tree.district_reviewer)}).content.decode(),
    )
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert AuthenticatorApp.objects.get(user=tree.district_reviewer).confirmed
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_ENROLLED).exists()


def test_a_wrong_code_does_not_enrol(client, tree):
    log_in(client, tree.district_reviewer)
    client.get(reverse("two_factor:enrol"))
    response = client.post(reverse("two_factor:enrol"), {"token": "000000"})
    assert response.status_code == 400 and "Mã không đúng" in response.content.decode()
    assert not two_factor.enrolled(tree.district_reviewer)


def test_after_enrolling_the_session_is_verified_and_the_step_goes_through(client, tree):
    submitted(tree)
    log_in(client, tree.district_reviewer)
    enrol(client, tree.district_reviewer)
    client.post(reverse("plans:approve", args=[tree.plan.pk]))
    assert status(tree.plan) == Plan.Status.APPROVED


# --- verification -----------------------------------------------------------------------------------------


def test_an_enrolled_signer_verifies_once_per_session_before_issuing(client, tree):
    submitted(tree)
    approved_on(
        workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer),
        date(tree.plan.year, 1, 20),
    )
    enrolled_user(tree.signer)
    log_in(client, tree.signer)
    page = reverse("plans:detail", args=[tree.plan.pk])
    issue = {"issued_on": f"{tree.plan.year}-01-23"}
    response = client.post(reverse("plans:issue", args=[tree.plan.pk]), issue, HTTP_REFERER=f"http://testserver{page}")
    assert response.url == reverse("two_factor:verify") + "?next=http%3A%2F%2Ftestserver" + page.replace("/", "%2F")
    assert status(tree.plan) == Plan.Status.APPROVED

    verified = client.post(reverse("two_factor:verify"), {"token": code_for(tree.signer), "next": page})
    assert verified.url == page
    client.post(reverse("plans:issue", args=[tree.plan.pk]), issue)
    assert status(tree.plan) == Plan.Status.ISSUED


def test_a_code_is_accepted_once(client, tree):
    enrolled_user(tree.signer)
    code = code_for(tree.signer)
    assert two_factor.verify(user=tree.signer, token=code) is not None
    AuthenticatorApp.objects.filter(user=tree.signer).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert two_factor.verify(user=tree.signer, token=code) is None


def test_a_code_from_long_ago_is_refused(tree):
    enrolled_user(tree.signer)
    app = AuthenticatorApp.objects.get(user=tree.signer)
    assert two_factor.verify(user=tree.signer, token=f"{_at(app, time.time() - 300):06d}") is None


def test_failures_slow_the_next_try_and_are_audited(client, tree):
    enrolled_user(tree.signer)
    log_in(client, tree.signer)
    first = client.post(reverse("two_factor:verify"), {"token": "000000"})
    assert first.status_code == 400 and "Mã không đúng" in first.content.decode()
    again = client.post(reverse("two_factor:verify"), {"token": code_for(tree.signer)})
    assert "hãy thử lại sau" in again.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_FAILED).count() == 1


def test_an_htmx_step_is_redirected_by_header(client, tree):
    submitted(tree)
    log_in(client, tree.district_reviewer)
    response = client.post(
        reverse("plans:approve", args=[tree.plan.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/ke-hoach/",
    )
    assert response["HX-Redirect"].startswith(reverse("two_factor:enrol"))
    assert status(tree.plan) == Plan.Status.SUBMITTED


def test_the_admin_site_asks_staff_to_verify(client, tree):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enrolled_user(staff)
    log_in(client, staff)
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor:verify"))
    client.post(reverse("two_factor:verify"), {"token": code_for(staff)})
    assert client.get("/quan-tri/").status_code == 200


def test_an_editor_who_opted_in_verifies_too(client, tree):
    enrolled_user(tree.editor)
    log_in(client, tree.editor)
    client.post(reverse("plans:submit", args=[tree.plan.pk]))
    assert status(tree.plan) == Plan.Status.DRAFT


# --- recovery codes ------------------------------------------------------------------------------------------


def test_a_recovery_code_verifies_once(client, tree):
    codes = enrolled_user(tree.signer)
    log_in(client, tree.signer)
    response = client.post(reverse("two_factor:verify"), {"token": codes[0].lower()}, follow=True)
    assert "còn 9 mã" in response.content.decode()
    client.logout()
    log_in(client, tree.signer)
    assert client.post(reverse("two_factor:verify"), {"token": codes[0]}).status_code == 400


def test_new_recovery_codes_replace_the_old_ones(client, tree):
    old = enrolled_user(tree.signer)
    log_in(client, tree.signer)
    client.post(reverse("two_factor:verify"), {"token": code_for(tree.signer)})
    page = client.post(reverse("two_factor:recovery_codes")).content.decode()
    new = re.findall(r"<code>([A-Z0-9-]{19})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.verify(user=tree.signer, token=old[1]) is None


def test_no_secret_is_kept_in_clear(tree):
    codes = enrolled_user(tree.signer)
    app = AuthenticatorApp.objects.get(user=tree.signer)
    seed = two_factor.unseal(app.sealed_key)
    assert seed.hex() not in app.sealed_key and base64.b32encode(seed).decode().rstrip("=") not in app.sealed_key
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert not {code.replace("-", "") for code in codes} & stored and len(stored) == 10


# --- removing -------------------------------------------------------------------------------------------------


def test_a_signer_may_not_turn_it_off(client, tree):
    enrolled_user(tree.signer)
    log_in(client, tree.signer)
    client.post(reverse("two_factor:verify"), {"token": code_for(tree.signer)})
    client.post(reverse("two_factor:remove"))
    assert two_factor.enrolled(tree.signer)


def test_an_editor_turns_it_off_after_verifying(client, tree):
    enrolled_user(tree.editor)
    log_in(client, tree.editor)
    client.post(reverse("two_factor:verify"), {"token": code_for(tree.editor)})
    client.post(reverse("two_factor:remove"))
    assert not two_factor.enrolled(tree.editor)


def test_the_demo_bypass_asks_nobody(client, tree, settings):
    settings.TWO_FACTOR_DEMO_BYPASS = True
    submitted(tree)
    log_in(client, tree.district_reviewer)
    client.post(reverse("plans:approve", args=[tree.plan.pk]))
    assert status(tree.plan) == Plan.Status.APPROVED


def test_verifying_never_sends_the_user_to_another_site(client, tree):
    enrolled_user(tree.signer)
    log_in(client, tree.signer)
    response = client.post(
        reverse("two_factor:verify"), {"token": code_for(tree.signer), "next": "https://evil.example/"}
    )
    assert response.url == reverse("two_factor:overview")


def test_a_recovery_code_of_another_user_does_not_verify(tree):
    codes = enrolled_user(tree.signer)
    enrolled_user(tree.district_reviewer)
    assert two_factor.verify(user=tree.district_reviewer, token=codes[0]) is None


def test_an_administrator_resets_a_lost_second_factor(client, tree):
    enrolled_user(tree.signer)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    enrolled_user(admin_user)
    log_in(client, admin_user)
    client.post(reverse("two_factor:verify"), {"token": code_for(admin_user)})
    response = client.post(
        reverse("admin:orgs_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [tree.signer.pk]},
        follow=True,
    )
    assert "Đã đặt lại xác thực hai bước" in response.content.decode()
    assert not two_factor.enrolled(tree.signer)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_REMOVED, actor=admin_user).exists()


def test_the_account_page_links_to_the_second_factor(client, tree):
    log_in(client, tree.signer)
    assert reverse("two_factor:overview") in client.get(reverse("account:overview")).content.decode()
