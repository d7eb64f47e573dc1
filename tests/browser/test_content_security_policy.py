"""In a real Chromium, the pages a commune editor uses most run under the Content-Security-Policy with
nothing refused (Chromium reports each refusal on the console), and the behaviours moved out of
inline handlers still work: the redraft button asks first."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_editors_pages_run_with_nothing_refused(page, live_server, seed, log_in):
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    log_in("thanh-thuy-editor")
    for path in (
        "/ke-hoach/",
        f"/ke-hoach/{plan.pk}/",
        f"/ke-hoach/{plan.pk}/sua/",
        f"/chi-tieu/{plan.pk}/",
        f"/tien-do/{plan.pk}/",
        f"/bao-cao/{plan.pk}/9M/",
        "/nhac-viec/lich/",
    ):
        response = page.goto(path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_function("() => window.htmx !== undefined")
    assert refused == []


def test_the_redraft_button_asks_before_replacing_the_text(page, live_server, seed, log_in):
    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    log_in("thanh-thuy-editor")
    page.goto(f"/bao-cao/{plan.pk}/9M/")
    page.wait_for_function("() => window.htmx !== undefined")
    questions, posts = [], []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Soạn lại bản nháp").click()
    expect(page.get_by_role("button", name="Soạn lại bản nháp")).to_be_visible()
    assert questions and "Soạn lại toàn bộ nội dung" in questions[0]
    assert not any(url.endswith("/soan-lai/") for url in posts)

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_request(lambda request: request.method == "POST" and request.url.endswith("/soan-lai/")):
        page.get_by_role("button", name="Soạn lại bản nháp").click()
