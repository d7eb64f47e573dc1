"""PDF rendering with WeasyPrint, shared by every document (decision + plan, reports).

The fetcher serves only the project's own static files and `data:` URLs: no file://, no network,
no redirects, so no text a user typed can make the renderer read the server's files or the network.
"""

import mimetypes
import os
import re
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.html import UA, UA_COUNTER_STYLE
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in documents resolve against this base; it never reaches the network: the fetcher
# maps it to files found by Django's static finders and refuses everything else.
STATIC_BASE = "https://static.tthc-portal.invalid/"


class ProjectStaticFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.refused = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_BASE):
            relative = url[len(STATIC_BASE) :].split("?")[0].split("#")[0]
            found = finders.find(relative) if ".." not in relative.split("/") else None
            if found:
                with open(found, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"Tài nguyên bị chặn khi tạo PDF: {url}")


PX_PT = 0.75  # a CSS pixel is 1/96 inch, a PDF point 1/72


@dataclass
class PdfResult:
    data: bytes
    pages: int
    refused_urls: list = field(default_factory=list)
    # Where the elements with an id landed: id → (page index, left, top, right, bottom), PDF points from
    # the page's bottom left. Signatures are placed by these (plans.pdf.signing).
    anchors: dict = field(default_factory=dict)


# The print stylesheets a document links to (print/*.css) are parsed once per process, with one font
# configuration (the @font-face fonts loaded once), and reused by every render in that process (a Celery
# worker renders many): about an eighth of a warm render. Keyed by the file's modification time, so an
# edited stylesheet is read again.
_PRINT_LINK = re.compile(r'<link rel="stylesheet" href="(print/[\w-]+\.css)">')
_font_config = None
_stylesheets: dict[tuple[str, float], CSS] = {}


def _stylesheet(href):
    global _font_config
    found = finders.find(href)
    key = (href, os.stat(found).st_mtime if found else 0.0)
    if key not in _stylesheets:
        if _font_config is None:
            _font_config = FontConfiguration()
        _stylesheets[key] = CSS(url=STATIC_BASE + href, url_fetcher=ProjectStaticFetcher(), font_config=_font_config)
    return _stylesheets[key]


# WeasyPrint's user-agent stylesheet styles six pseudo-elements of *every* element through universal
# selectors (::marker, ::footnote-call, ::footnote-marker, ::note-call, ::note-marker, ::note-callback),
# and WeasyPrint computes a style for each of them: 4,346 styles for the Lê Lợi plan's PDF, 356 without
# them, a sixth of a warm render. The documents use no CSS footnotes or notes and no list items, so
# those rules are dropped and ::marker is kept for list items only; the PDF is byte for byte the same
# (tests/test_printing.py).
_UNIVERSAL_PSEUDO = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)


def user_agent_css(stock=UA):
    """WeasyPrint's user-agent stylesheet without those rules; None if a new WeasyPrint changed them (its
    own stylesheet is used then, and a test says so)."""
    text, dropped = _UNIVERSAL_PSEUDO.subn("", stock)
    text, markers = re.subn(r"^::marker \{", "li::marker, summary::marker {", text, flags=re.MULTILINE)
    return text if (dropped, markers) == (5, 1) else None


_print_ua_text = user_agent_css()
_print_ua = CSS(string=_print_ua_text, counter_style=UA_COUNTER_STYLE) if _print_ua_text else None


class PrintHTML(HTML):
    """WeasyPrint's HTML with the user-agent stylesheet above."""

    def _ua_stylesheets(self, forms=False):
        if _print_ua is None or forms:
            return super()._ua_stylesheets(forms=forms)
        return [_print_ua]


def render_pdf(html: str) -> PdfResult:
    fetcher = ProjectStaticFetcher()
    hrefs = _PRINT_LINK.findall(html)
    stylesheets = [_stylesheet(href) for href in hrefs]
    html = _PRINT_LINK.sub("", html) if hrefs else html
    document = PrintHTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=_font_config
    )
    data = document.write_pdf()
    anchors: dict[str, tuple] = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            anchors.setdefault(
                name, (index, x1 * PX_PT, (page.height - y1) * PX_PT, x2 * PX_PT, (page.height - y2) * PX_PT)
            )
    return PdfResult(data=data, pages=len(document.pages), refused_urls=fetcher.refused, anchors=anchors)
