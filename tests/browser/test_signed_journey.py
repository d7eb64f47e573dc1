"""The signer's journey in a real Chromium: issue the approved plan, watch the signing, download the
signed decision, and open the verification page from the code printed on its page 1."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_signer_issues_downloads_the_signed_decision_and_verifies_it(
    page, live_server, seed, log_in, artifacts_dir, tmp_path
):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)

    page.goto(f"/ke-hoach/{plan.pk}/")
    log_in("ha-tan-signer")
    page.goto(f"/ke-hoach/{plan.pk}/")
    actions = page.locator("#workflow-actions")
    page.on("dialog", lambda dialog: dialog.accept())  # "Ban hành kế hoạch? …"
    page.wait_for_function("() => window.htmx !== undefined")
    actions.get_by_label("Ngày ban hành").fill("2024-01-20")
    actions.get_by_role("button", name="Ban hành").click()
    expect(page.locator(".msg-success")).to_contain_text("Đã ban hành: Quyết định số 01/QĐ-UBND")

    # The signing runs as a job; the page shows it, then the signed file.
    download_link = page.get_by_role("link", name="Tải văn bản đã ký số")
    expect(download_link).to_be_visible(timeout=60_000)
    page.screenshot(path=artifacts_dir / "signed_plan_page.png", full_page=False)
    with page.expect_download() as downloading:
        download_link.click()
    path = tmp_path / "signed.pdf"
    downloading.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")

    # The code on page 1 opens the verification page, without logging in.
    first_page = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    code = re.search(r"Mã tra cứu: ([0-9A-Z]+)", first_page)[1]
    visitor = page.context.browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/xac-thuc/")
    visitor.get_by_label("Mã tra cứu in ở trang 1").fill(code)
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(visitor.get_by_role("heading", level=2).first).to_contain_text("01/QĐ-UBND")
    expect(visitor.locator(".verdict.ok").last).to_contain_text("Mọi chữ ký đều hợp lệ")
    expect(visitor.locator("table.signatures tbody tr")).to_have_count(2)
    visitor.screenshot(path=artifacts_dir / "signed_verification.png", full_page=True)

    # The same file uploaded is recognised as the portal's own.
    visitor.get_by_label("hoặc chọn tệp PDF để kiểm tra").set_input_files(str(path))
    visitor.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(visitor.locator(".verdict.ok").first).to_contain_text("chính là bản do Cổng phát hành")


def test_the_signer_authorises_a_remote_signature_with_pin_and_otp(
    page, live_server, seed, log_in, artifacts_dir, test_pki, csc_url, settings
):
    from signing.models import SigningKey
    from tests.signing.services import OTP, PIN

    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    SigningKey.objects.filter(user__username="ha-tan-signer").update(
        backend=SigningKey.Backend.CSC, csc_url=csc_url, csc_credential_id="tthc/person", csc_needs_otp=True
    )
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)

    page.goto(f"/ke-hoach/{plan.pk}/")
    log_in("ha-tan-signer")
    page.goto(f"/ke-hoach/{plan.pk}/")
    actions = page.locator("#workflow-actions")
    page.on("dialog", lambda dialog: dialog.accept())
    page.wait_for_function("() => window.htmx !== undefined")
    actions.get_by_label("Ngày ban hành").fill("2024-01-20")
    actions.get_by_role("button", name="Ban hành").click()

    # The document is prepared, then waits for the signer's PIN and OTP.
    expect(page.get_by_role("heading", name="Chờ xác nhận chữ ký số")).to_be_visible(timeout=60_000)
    page.get_by_label("Mã PIN").fill("000000")
    page.get_by_label("Mã OTP").fill(OTP)
    page.get_by_role("button", name="Xác nhận ký số").click()
    expect(page.locator(".authorise .msg-error")).to_contain_text("không chấp nhận mã PIN")
    page.screenshot(path=artifacts_dir / "remote_signing_wrong_pin.png", full_page=False)
    page.get_by_label("Mã PIN").fill(PIN)
    page.get_by_label("Mã OTP").fill(OTP)
    page.get_by_role("button", name="Xác nhận ký số").click()
    expect(page.get_by_role("link", name="Tải văn bản đã ký số")).to_be_visible(timeout=60_000)
