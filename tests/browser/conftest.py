"""A real Chromium (the system's /usr/bin/chromium) driven by Playwright's sync API, against
pytest-django's live_server.

Playwright's sync API keeps an asyncio event loop running in the test thread, so Django's
"you cannot call this from an async context" guard would refuse every ORM call a test or a fixture
makes (the live server answers from its own thread and is not affected). The guard is switched off
(DJANGO_ALLOW_ASYNC_UNSAFE) only while the browser tests' Playwright is running: the fixture sets
it before starting Playwright and restores the previous value after stopping it.

The tests run on live_server's transactional database with `serialized_rollback=True`: the flush
that ends a transactional test also empties the rows the data migrations wrote (the reporting
periods seed_demo needs), and serialized rollback restores them before the next test.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots for people to look at; the folder is git-ignored.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def playwright(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright runs, asyncio sees a running loop in this thread, and asgiref's thread-critical
    # Local (Django's `connections`) then keeps its objects in a context variable: the test thread
    # gets *new* DatabaseWrapper objects, not the ones django_db_setup used. Those new objects lack
    # the data serialized when the test database was created, so `serialized_rollback` would
    # silently restore nothing; hand it over.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM} (set CHROMIUM_PATH to use another).", pytrace=False)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        accept_downloads=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    from playwright.sync_api import expect

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)  # assertions wait as long as actions (a busy CI machine)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that records the browser's console errors and failed requests in `page.problems`."""
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")  # reported with its URL below
            and page.problems.append(f"console: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")  # the portal has none; the browser always asks
            and page.problems.append(f"HTTP {response.status} {response.url}")
        ),
    )
    yield page
    page.close()


@pytest.fixture
def log_in(page, live_server):
    """`log_in(username)` through the real login form; returns the page, now on the landing page."""
    from playwright.sync_api import expect

    def log_in(username, password=settings.DEMO_PASSWORD):
        if "/dang-nhap/" not in page.url:
            page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))
        return page

    return log_in


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
