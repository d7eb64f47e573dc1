"""A browser's User-Agent header in words a user recognises ("Cốc Cốc 128 trên Windows"), for the list
of a user's sessions. Pure: no Django."""

import re

# Checked in this order: browsers built on Chromium name Chrome (and Safari) too, Chrome names Safari.
BROWSERS = [
    ("Cốc Cốc", r"coc_coc_browser/(\d+)"),
    ("Microsoft Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"(?:OPR|Opera)/(\d+)"),
    ("Samsung Internet", r"SamsungBrowser/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/"),
]
SYSTEMS = [
    ("iPad", r"iPad"),
    ("iPhone", r"iPhone"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux|X11"),
]
UNKNOWN = "Trình duyệt không rõ"


def describe(user_agent: str) -> str:
    """ "Chrome 126 trên Windows", "Safari 17 trên iPhone", "Firefox trên Linux" when the version is
    missing, the system alone when the browser is not recognised, UNKNOWN when neither is."""
    text = user_agent or ""
    browser = ""
    for name, pattern in BROWSERS:
        found = re.search(pattern, text)
        if found:
            version = found.group(1)
            browser = f"{name} {version}" if version else name
            break
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, text)), "")
    if browser and system:
        return f"{browser} trên {system}"
    if browser:
        return browser
    if system:
        return f"Trình duyệt trên {system}"
    return UNKNOWN
