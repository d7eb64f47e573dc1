"""Content-Security-Policy: the header on every page, and templates with nothing inline for it to
block (no inline script, event-handler attribute, style attribute or javascript: address). The
templates under documents/ are rendered to PDF by WeasyPrint, never served as pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import log_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PAGE_TEMPLATES = sorted(
    path for path in TEMPLATES.rglob("*.html") if "documents" not in path.relative_to(TEMPLATES).parts
)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "javascript: address": re.compile(r"javascript:", re.I),
    "htmx handler": re.compile(r"\shx-on[:-]", re.I),
}


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_carries_anything_inline(template):
    text = template.read_text(encoding="utf-8")
    found = [
        f"{what}: {match.group(0).strip()}" for what, pattern in INLINE.items() for match in pattern.finditer(text)
    ]
    assert found == []


def test_the_policy_allows_the_portals_own_files_only():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)


@pytest.mark.django_db
def test_pages_carry_the_policy(client, seed):
    for response in (client.get(reverse("login")), log_in(client, "le-loi-editor").get(reverse("plans:list"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
