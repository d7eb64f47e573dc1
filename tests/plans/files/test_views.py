"""The export downloads and the upload → preview → confirm/cancel pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from plans.files.exporting import XLSX_CONTENT_TYPE
from plans.models import Plan
from plans.serializing import table_to_data
from tests.factories import log_in
from tests.plans.files.test_importing import HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db

NEW_TABLE = [
    HEADER,
    ["I", "Công tác chỉ đạo"],
    ["1", "Ban hành Kế hoạch năm 2024", "Văn phòng", "", "Quý I/2024", "Kế hoạch"],
    ["-", "Gửi các thôn"],
]


def _upload(client, plan, data=None, name="bang-moi.xlsx"):
    data = xlsx_bytes(NEW_TABLE) if data is None else data
    return client.post(reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile(name, data)})


def _token(response):
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def _contents(plan):
    def walk(rows):
        for row in rows:
            yield row["content"]
            yield from walk(row["children"])

    return [content for section in table_to_data(plan) for content in walk(section["tasks"])]


# -- export ---------------------------------------------------------------------------------------


def test_a_visible_plan_downloads_as_xlsx(client, le_loi_plan):
    log_in(client, "gia-loc-reviewer")  # a reviewer reads, and may export
    response = client.get(reverse("plans:export_xlsx", args=[le_loi_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="ke-hoach-le-loi-2024.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "KẾ HOẠCH"


def test_another_communes_plan_is_not_found_for_export(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert client.get(reverse("plans:export_xlsx", args=[le_loi_plan.pk])).status_code == 404
    assert client.get(reverse("plans:export_csv", args=[le_loi_plan.pk])).status_code == 404


def test_the_flat_rows_download_as_csv(client, le_loi_plan):
    log_in(client, "le-loi-signer")
    response = client.get(reverse("plans:export_csv", args=[le_loi_plan.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("Mục,Tên mục,STT,Nội dung công việc")


def test_the_empty_template_downloads(client, seed):
    log_in(client, "le-loi-editor")
    response = client.get(reverse("plans:template_xlsx"))
    assert response.status_code == 200
    assert "mau-ke-hoach" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["B5"].value == "Nội dung công việc"


def test_an_anonymous_visitor_gets_no_export(client, le_loi_plan):
    response = client.get(reverse("plans:export_xlsx", args=[le_loi_plan.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- who may import --------------------------------------------------------------------------------


def test_the_editor_sees_the_upload_form(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = client.get(reverse("plans:import", args=[le_loi_plan.pk])).content.decode()
    assert "Nhập bảng kế hoạch từ Excel hoặc Word" in body
    assert 'enctype="multipart/form-data"' in body
    assert reverse("plans:template_xlsx") in body


@pytest.mark.parametrize("username", ["le-loi-signer", "gia-loc-reviewer"])
def test_users_who_may_not_edit_get_403_with_a_message(client, le_loi_plan, username):
    log_in(client, username)
    response = client.get(reverse("plans:import", args=[le_loi_plan.pk]))
    assert response.status_code == 403
    assert "Không thể nhập bảng vào kế hoạch này" in response.content.decode()
    assert _upload(client, le_loi_plan).status_code == 403


def test_another_communes_plan_is_not_found_for_import(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert client.get(reverse("plans:import", args=[le_loi_plan.pk])).status_code == 404
    assert _upload(client, le_loi_plan).status_code == 404


def test_a_submitted_plan_cannot_be_imported_into(client, le_loi_plan):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.SUBMITTED)
    log_in(client, "le-loi-editor")
    assert client.get(reverse("plans:import", args=[le_loi_plan.pk])).status_code == 403


# -- upload → preview → confirm / cancel ---------------------------------------------------------


def test_an_upload_leads_to_a_preview_and_writes_nothing(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    before = table_to_data(le_loi_plan)
    response = _upload(client, le_loi_plan)
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert "Xem trước bảng nhập từ “bang-moi.xlsx”" in body
    assert "Công tác chỉ đạo" in body and "Ban hành Kế hoạch năm 2024" in body and "Gửi các thôn" in body
    assert "Xác nhận nhập" in body and "Hủy" in body
    assert table_to_data(le_loi_plan) == before


def test_confirming_replaces_the_table_in_one_go(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    version = le_loi_plan.version
    token = _token(_upload(client, le_loi_plan))
    response = client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[le_loi_plan.pk])
    assert "Đã nhập 1 mục, 2 nội dung từ tệp “bang-moi.xlsx”" in response.content.decode()
    le_loi_plan.refresh_from_db()
    assert _contents(le_loi_plan) == ["Ban hành Kế hoạch năm 2024", "Gửi các thôn"]
    assert le_loi_plan.version == version + 1
    assert token not in client.session.get("plan_imports", {})


def test_cancelling_drops_the_preview_and_keeps_the_plan(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    before = table_to_data(le_loi_plan)
    token = _token(_upload(client, le_loi_plan))
    response = client.post(reverse("plans:import_cancel", args=[le_loi_plan.pk]), {"token": token}, follow=True)
    assert "Đã hủy nhập tệp" in response.content.decode()
    assert token not in client.session.get("plan_imports", {})
    response = client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": token}, follow=True)
    assert "hết hạn" in response.content.decode()
    assert table_to_data(le_loi_plan) == before


def test_problems_are_listed_with_their_rows_and_the_confirm_button_is_disabled(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    before = table_to_data(le_loi_plan)
    data = xlsx_bytes([HEADER, ["I", "Mục"], ["1", "Việc"], ["2", "=1+1"]])
    response = _upload(client, le_loi_plan, data)
    body = client.get(response.url).content.decode()
    assert "Dòng 4:" in body and "có công thức" in body
    assert "disabled" in body.split("Xác nhận nhập")[0].rsplit("<button", 1)[1]
    client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": _token(response)})
    assert table_to_data(le_loi_plan) == before


def test_the_preview_says_which_deadline_spelling_it_assumed(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    data = xlsx_bytes([HEADER, ["I", "Mục"], ["1", "Niêm yết", "Văn phòng", "", "Thuờng xuyên trong năm 2024", ""]])
    body = client.get(_upload(client, le_loi_plan, data).url).content.decode()
    assert "→ thường xuyên, hạn 31/12/2024" in body
    assert "đã hiểu “thuờng xuyên” là “thường xuyên”" in body


def test_the_preview_shows_the_lead_and_partners_split_from_one_cell(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    data = xlsx_bytes(
        [
            ["STT", "Nội dung công việc", "Cơ quan thực hiện", "Thời hạn"],
            ["I", "Mục"],
            ["1", "Niêm yết", "Bưu điện xã chủ trì; Trưởng thôn phối hợp xử lý hồ sơ", "Quý II/2024"],
        ]
    )
    body = client.get(_upload(client, le_loi_plan, data).url).content.decode()
    row = body.split("Niêm yết", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert cells[:2] == ["Bưu điện xã", "Trưởng thôn"]
    assert "tách từ ô “Bưu điện xã chủ trì; Trưởng thôn phối hợp xử lý hồ sơ”" in row
    assert "người chủ trì và người phối hợp được tách" in body


def test_a_refused_file_shows_its_message_on_the_form(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = _upload(client, le_loi_plan, b"%PDF-1.7 ...", name="ke-hoach.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel (.xlsx) hoặc Word (.docx)" in response.content.decode()
    assert "plan_imports" not in client.session


def test_a_plan_changed_after_the_preview_is_not_overwritten(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    token = _token(_upload(client, le_loi_plan))
    Plan.objects.filter(pk=le_loi_plan.pk).update(version=le_loi_plan.version + 1)  # someone edited meanwhile
    before = table_to_data(le_loi_plan)
    response = client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": token}, follow=True)
    assert "đã được sửa sau khi xem trước" in response.content.decode()
    assert table_to_data(le_loi_plan) == before


def test_a_preview_token_works_only_for_its_own_plan(client, seed):
    log_in(client, "le-loi-editor")
    plan = Plan.objects.get(unit__slug="le-loi", year=2024)
    other = Plan.objects.create(unit=plan.unit, year=2025)
    token = _token(_upload(client, plan))
    response = client.post(reverse("plans:import_confirm", args=[other.pk]), {"token": token}, follow=True)
    assert "hết hạn" in response.content.decode()
    assert not other.sections.exists()


def test_an_unknown_token_sends_back_to_the_form(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = client.get(reverse("plans:import_preview", args=[le_loi_plan.pk, "khong-co"]))
    assert response.status_code == 302 and response.url == reverse("plans:import", args=[le_loi_plan.pk])


def test_only_the_latest_previews_are_kept_in_the_session(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    tokens = [_token(_upload(client, le_loi_plan)) for _ in range(5)]
    kept = client.session["plan_imports"]
    assert len(kept) == 3 and set(kept) == set(tokens[-3:])


def test_a_word_file_imports_through_the_page(client, le_loi_plan):
    from tests.plans.files.test_importing import docx_bytes

    log_in(client, "le-loi-editor")
    data = docx_bytes(
        [
            ["TT", "Nội dung công việc", "Cơ quan chủ trì"],
            ["I. Công khai TTHC", "", ""],
            ["1", "Niêm yết", "Văn phòng"],
        ],
        merge_rows=[1],
    )
    token = _token(_upload(client, le_loi_plan, data, name="ke-hoach.docx"))
    client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": token})
    assert [(s["number"], s["title"]) for s in table_to_data(le_loi_plan)] == [("I", "Công khai TTHC")]
