import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_render_plan_pdf_writes_the_pdf_of_the_named_unit(seed, tmp_path):
    output = tmp_path / "le-loi.pdf"
    call_command("render_plan_pdf", unit="Lê Lợi", year=2024, output=str(output), stdout=io.StringIO())
    assert output.read_bytes().startswith(b"%PDF")


def test_render_plan_pdf_refuses_an_unknown_unit(seed, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command("render_plan_pdf", unit="Xã Không Có", year=2024, output=str(tmp_path / "x.pdf"))


def test_render_plan_pdf_refuses_an_ambiguous_unit(seed, tmp_path):
    UnitFactory(name="Lê Lợi", slug="le-loi-khac")
    with pytest.raises(CommandError, match="Có nhiều đơn vị"):
        call_command("render_plan_pdf", unit="Lê Lợi", year=2024, output=str(tmp_path / "x.pdf"))


def test_render_plan_pdf_refuses_a_year_without_a_plan(seed, tmp_path):
    with pytest.raises(CommandError, match="chưa có kế hoạch năm 2030"):
        call_command("render_plan_pdf", unit="Lê Lợi", year=2030, output=str(tmp_path / "x.pdf"))


def test_parse_deadline_prints_the_meaning_as_json():
    out = io.StringIO()
    call_command("parse_deadline", "Quý II/2024", year=2024, stdout=out)
    assert json.loads(out.getvalue()) == {"kind": "fixed", "due_dates": ["2024-06-30"]}


def test_render_plan_docx_writes_the_word_file_of_the_named_unit(seed, tmp_path):
    import docx

    output = tmp_path / "le-loi.docx"
    out = io.StringIO()
    call_command("render_plan_docx", unit="Lê Lợi", year=2024, output=str(output), stdout=out)
    document = docx.Document(str(output))
    assert "QUYẾT ĐỊNH:" in [paragraph.text for paragraph in document.paragraphs]
    assert out.getvalue().startswith(f"Đã ghi {output}")


def test_render_plan_docx_refuses_a_year_without_a_plan(seed, tmp_path):
    with pytest.raises(CommandError, match="chưa có kế hoạch năm 2030"):
        call_command("render_plan_docx", unit="Lê Lợi", year=2030, output=str(tmp_path / "x.docx"))
