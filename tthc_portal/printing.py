"""PDF rendering with WeasyPrint, shared by every document (decision + plan, reports).

The fetcher serves only the project's own static files and `data:` URLs: no file://, no network,
no redirects, so no text a user typed can make the renderer read the server's files or the network.
"""

import mimetypes
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from weasyprint import HTML
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


def render_pdf(html: str) -> PdfResult:
    fetcher = ProjectStaticFetcher()
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render()
    data = document.write_pdf()
    anchors: dict[str, tuple] = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            anchors.setdefault(
                name, (index, x1 * PX_PT, (page.height - y1) * PX_PT, x2 * PX_PT, (page.height - y2) * PX_PT)
            )
    return PdfResult(data=data, pages=len(document.pages), refused_urls=fetcher.refused, anchors=anchors)
