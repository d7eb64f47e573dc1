"""A signer in a real Chromium, with the second factor enforced: issuing asks for it first, the signer
enrols an authenticator app from the QR page (the code computed from the key it shows, as a phone
would), keeps the recovery codes, comes back to the plan and issues it."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from plans.models import Plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.second_factor,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _code(secret_text):
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_a_signer_enrols_an_authenticator_app_and_issues_the_plan(page, live_server, seed, log_in, artifacts_dir):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    log_in("ha-tan-signer")
    page.goto(f"/ke-hoach/{plan.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành kế hoạch? …"
    page.wait_for_function("() => window.htmx !== undefined")
    actions = page.locator("#workflow-actions")
    actions.get_by_label("Ngày ban hành").fill("2024-01-20")
    actions.get_by_role("button", name="Ban hành").click()

    # Sent to enrol: the QR code and the key to type by hand.
    expect(page.get_by_role("heading", name="Đăng ký ứng dụng xác thực")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Thao tác này cần xác thực hai bước")
    expect(page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")).to_be_visible()
    page.screenshot(path=artifacts_dir / "two_factor_enrol.png", full_page=True)
    secret = page.locator("code.secret").inner_text()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED  # nothing done meanwhile

    page.get_by_label("Mã xác thực").fill("123456" if _code(secret) != "123456" else "654321")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã không đúng")
    page.get_by_label("Mã xác thực").fill(_code(secret))
    page.get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot(path=artifacts_dir / "two_factor_codes.png", full_page=True)
    page.get_by_role("link", name="Tiếp tục công việc").click()

    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    actions.get_by_label("Ngày ban hành").fill("2024-01-20")
    actions.get_by_role("button", name="Ban hành").click()
    expect(page.locator(".msg-success")).to_contain_text("Đã ban hành: Quyết định số 01/QĐ-UBND")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.ISSUED
