"""A session's browser in words (orgs.user_agents.describe)."""

import pytest

from orgs.user_agents import UNKNOWN, describe

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    "user_agent, expected",
    [
        (CHROME_WINDOWS, "Chrome 126 trên Windows"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "coc_coc_browser/128.0.230 Chrome/122.0.6261.230 Safari/537.36",
            "Cốc Cốc 128 trên Windows",
        ),
        (CHROME_WINDOWS + " Edg/125.0.2535.92", "Microsoft Edge 125 trên Windows"),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox 127 trên Linux"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 trên iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet 25 trên Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.4 Safari/605.1.15",
            "Safari 17 trên macOS",
        ),
    ],
)
def test_a_known_browser_is_named_with_its_version_and_system(user_agent, expected):
    assert describe(user_agent) == expected


def test_an_unknown_browser_on_a_known_system_names_the_system():
    assert describe("SomeBot/1.0 (Windows NT 10.0)") == "Trình duyệt trên Windows"


@pytest.mark.parametrize("user_agent", ["", "curl/8.5.0"])
def test_nothing_recognised_says_so(user_agent):
    assert describe(user_agent) == UNKNOWN
