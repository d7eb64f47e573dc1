"""tthc_portal.printing: the user-agent stylesheet the documents are rendered with."""

import re

import pytest
from weasyprint.html import UA

from plans.models import Plan
from plans.pdf.documents import plan_document_html
from tthc_portal import printing


def test_the_user_agent_stylesheet_styles_no_pseudo_element_of_every_element():
    text = printing.user_agent_css()
    assert text is not None  # WeasyPrint's stylesheet still has the rules this trims
    assert printing._print_ua is not None
    assert re.findall(r"^::", text, flags=re.MULTILINE) == []
    assert re.findall(r"^::", UA, flags=re.MULTILINE)  # what was there
    assert "li::marker, summary::marker {" in text
    assert len(UA.splitlines()) - len(text.splitlines()) == 5  # the five footnote and note rules, nothing else


def test_a_changed_weasyprint_stylesheet_is_used_as_it_is():
    assert printing.user_agent_css(UA.replace("::note-callback", "::note-back-link")) is None


@pytest.mark.django_db
@pytest.mark.parametrize("slug, year", [("thanh-thuy", 2023), ("le-loi", 2024)])
def test_a_plan_prints_byte_for_byte_as_with_weasyprints_own_stylesheet(seed, monkeypatch, slug, year):
    html = plan_document_html(Plan.objects.get(unit__slug=slug, year=year))
    trimmed = printing.render_pdf(html)
    monkeypatch.setattr(printing, "_print_ua", None)
    stock = printing.render_pdf(html)
    assert trimmed.data == stock.data
    assert trimmed.anchors == stock.anchors


@pytest.mark.django_db
def test_a_report_prints_byte_for_byte_as_with_weasyprints_own_stylesheet(seed, monkeypatch):
    from periods.models import ReportingPeriod
    from reports.documents import report_document_html
    from reports.models import Report

    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    period = ReportingPeriod.objects.get(code="9M")
    report = Report.objects.filter(plan=plan, period=period).first() or Report(plan=plan, period=period)
    html = report_document_html(report)
    trimmed = printing.render_pdf(html)
    monkeypatch.setattr(printing, "_print_ua", None)
    assert printing.render_pdf(html).data == trimmed.data
