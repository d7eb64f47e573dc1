"""`python manage.py import_plan FILE --unit … --year … [--dry-run] [--json]`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from plans.files.exporting import plan_xlsx
from plans.models import Plan
from plans.serializing import table_to_data
from tests.plans.files.test_importing import HEADER, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

TABLE = [
    HEADER,
    ["I", "Công tác chỉ đạo"],
    ["1", "Ban hành Kế hoạch", "Văn phòng", "Các ngành", "Quý I/2025", "Kế hoạch"],
    ["-", "Gửi các thôn"],
]


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def table_file(tmp_path):
    path = tmp_path / "ke-hoach-2025.xlsx"
    path.write_bytes(xlsx_bytes(TABLE, title_rows=["KẾ HOẠCH", "Kiểm soát TTHC năm 2025"]))
    return path


def test_json_prints_the_sections_in_the_nested_shape(seed, table_file):
    out, _ = _run(table_file, "--unit", "Lê Lợi", "--year", 2025, "--dry-run", "--json")
    assert json.loads(out) == {
        "sections": [
            {
                "number": "I",
                "title": "Công tác chỉ đạo",
                "lead": "",
                "partners": "",
                "deadline": "",
                "product": "",
                "tasks": [
                    {
                        "number": "1",
                        "content": "Ban hành Kế hoạch",
                        "lead": "Văn phòng",
                        "partners": "Các ngành",
                        "deadline": "Quý I/2025",
                        "product": "Kế hoạch",
                        "children": [
                            {
                                "number": "-",
                                "content": "Gửi các thôn",
                                "lead": "",
                                "partners": "",
                                "deadline": "",
                                "product": "",
                                "children": [],
                            }
                        ],
                    }
                ],
            }
        ]
    }


def test_a_dry_run_writes_nothing(seed, table_file):
    count = Plan.objects.count()
    out, _ = _run(table_file, "--unit", "Lê Lợi", "--year", 2025, "--dry-run")
    assert "1 mục, 2 nội dung" in out and "chưa ghi gì" in out
    assert Plan.objects.count() == count


def test_a_missing_plan_is_created_with_a_minimal_decision(seed, table_file):
    _, _ = _run(table_file, "--unit", "Lê Lợi", "--year", 2025)
    plan = Plan.objects.get(unit__slug="le-loi", year=2025)
    assert plan.decision.issuing_body == "ỦY BAN NHÂN DÂN\nXÃ LÊ LỢI"
    assert plan.decision.place == "Lê Lợi"
    assert plan.decision.summary == "Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2025"
    assert plan.decision.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ LÊ LỢI"
    assert (plan.table_heading, plan.table_title, plan.source) == (
        "KẾ HOẠCH",
        "Kiểm soát TTHC năm 2025",
        "ke-hoach-2025.xlsx",
    )
    assert plan.column_labels["lead"] == "Công chức tham mưu"
    assert [t["content"] for t in table_to_data(plan)[0]["tasks"]] == ["Ban hành Kế hoạch"]


def test_an_existing_draft_plan_gets_its_table_replaced(le_loi_plan, tmp_path):
    path = tmp_path / "le-loi.docx"
    path.write_bytes(docx_bytes(TABLE))
    version = le_loi_plan.version
    out, _ = _run(path, "--unit", "le-loi", "--year", 2024)
    assert "Đã thay bảng" in out
    le_loi_plan.refresh_from_db()
    assert [s["title"] for s in table_to_data(le_loi_plan)] == ["Công tác chỉ đạo"]
    assert le_loi_plan.version == version + 1


def test_a_seed_plan_exported_then_imported_by_the_command_is_unchanged(le_loi_plan, tmp_path):
    path = tmp_path / "le-loi-2024.xlsx"
    path.write_bytes(plan_xlsx(le_loi_plan))
    before = table_to_data(le_loi_plan)
    _run(path, "--unit", "Lê Lợi", "--year", 2024)
    assert table_to_data(le_loi_plan) == before


def test_an_issued_plan_is_refused_and_kept(le_loi_plan, table_file):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.ISSUED)
    before = table_to_data(le_loi_plan)
    with pytest.raises(CommandError, match="Đã ban hành"):
        _run(table_file, "--unit", "Lê Lợi", "--year", 2024)
    assert table_to_data(le_loi_plan) == before


def test_blocking_problems_go_to_stderr_and_fail(seed, tmp_path):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["I", "Mục"], ["1", "x" * 40_000]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="còn lỗi"):
        call_command("import_plan", str(path), "--unit", "Lê Lợi", "--year", "2025", stdout=io.StringIO(), stderr=err)
    assert "Dòng 3: Ô “Nội dung công việc” dài" in err.getvalue() and "vượt giới hạn 10.000 ký tự" in err.getvalue()
    assert not Plan.objects.filter(unit__slug="le-loi", year=2025).exists()


def test_a_refused_file_fails_with_its_message(seed, tmp_path):
    path = tmp_path / "cu.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(CommandError, match="Excel 97-2003"):
        _run(path, "--unit", "Lê Lợi", "--year", 2025)


def test_an_unknown_unit_fails(seed, table_file):
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        _run(table_file, "--unit", "Không Có", "--year", 2025)


def test_a_missing_file_fails(seed, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        _run(tmp_path / "khong-co.xlsx", "--unit", "Lê Lợi", "--year", 2025)
