"""Downloading the plan as a Word file: for whoever may download its PDF (the full matrix is in
tests/test_authorization_matrix.py)."""

import io

import docx
import pytest
from django.urls import reverse

from plans.models import Plan
from tests.factories import log_in

pytestmark = pytest.mark.django_db


def _url(plan):
    return reverse("plans:word_download", args=[plan.pk])


def test_the_editor_downloads_the_decision_and_plan_as_a_docx_attachment(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = client.get(_url(le_loi_plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-le-loi-2024.docx"'
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert "QUYẾT ĐỊNH:" in [paragraph.text for paragraph in document.paragraphs]


def test_a_reviewer_of_the_district_above_downloads_it_too(client, le_loi_plan):
    log_in(client, "gia-loc-reviewer")
    assert client.get(_url(le_loi_plan)).status_code == 200


def test_another_communes_user_finds_no_such_plan(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert client.get(_url(le_loi_plan)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, le_loi_plan):
    response = client.get(_url(le_loi_plan))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_plan_page_offers_it_beside_the_pdf(client, seed):
    plan = Plan.objects.get(unit__slug="ha-tan")
    log_in(client, "ha-tan-signer")
    body = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'href="{_url(plan)}" download>Tải Word</a>' in body
    assert body.index("Tải PDF") < body.index("Tải Word")
