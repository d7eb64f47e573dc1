import pytest
from django.urls import reverse

from orgs.models import Unit
from plans.models import Plan
from tasks.models import Section, Task
from tests.factories import log_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def editor_client(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    return client


def section_i(plan):
    return Section.objects.get(plan=plan, number="I")


def first_task(plan, number="2"):
    return Task.objects.get(section=section_i(plan), number=number)


def row_data(**values):
    data = {"number": "", "content": "", "lead": "", "partners": "", "deadline_text": "", "product": ""}
    data.update(values)
    return data


# --- create ------------------------------------------------------------------------------------------


def test_the_create_page_offers_only_the_units_the_user_may_write_for(client, seed):
    log_in(client, "le-loi-editor")
    body = client.get(reverse("plans:create")).content.decode()
    assert "Xã Lê Lợi" in body and "Xã Hà Tân" not in body and "Huyện Gia Lộc" not in body


def test_creating_a_plan_opens_its_edit_page(client, seed):
    log_in(client, "le-loi-editor")
    unit = Unit.objects.get(slug="le-loi")
    response = client.post(reverse("plans:create"), {"unit": unit.pk, "year": 2025})
    plan = Plan.objects.get(unit=unit, year=2025)
    assert response.url == reverse("plans:edit", args=[plan.pk])
    body = client.get(response.url).content.decode()
    assert "Căn cứ thứ 5 còn chỗ trống “…” cần điền." in body
    assert "Nhiệm vụ khác có liên quan" in body


def test_a_plan_created_from_the_page_records_its_sections_as_created_by_the_user(client, seed):
    log_in(client, "le-loi-editor")
    unit = Unit.objects.get(slug="le-loi")
    client.post(reverse("plans:create"), {"unit": unit.pk, "year": 2025})
    sections = Section.objects.filter(plan__unit=unit, plan__year=2025)
    records = Section.history.filter(id__in=sections.values("pk"))
    assert sections.exists() and records.count() == sections.count()
    assert set(records.values_list("history_type", "history_user__username")) == {("+", "le-loi-editor")}


def test_creating_a_plan_twice_shows_the_reason_next_to_the_year(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = client.post(reverse("plans:create"), {"unit": le_loi_plan.unit_id, "year": 2024})
    assert response.status_code == 200
    assert "Xã Lê Lợi đã có kế hoạch năm 2024" in response.content.decode()
    assert Plan.objects.filter(unit=le_loi_plan.unit).count() == 1


def test_a_reviewer_cannot_open_the_create_page(client, seed):
    log_in(client, "gia-loc-reviewer")
    response = client.get(reverse("plans:create"))
    assert response.status_code == 403
    assert "Bạn chưa được giao soạn kế hoạch" in response.content.decode()


# --- the page and who may open it --------------------------------------------------------------------


def test_the_edit_page_shows_the_decision_cards_and_the_table(editor_client, le_loi_plan):
    body = editor_client.get(reverse("plans:edit", args=[le_loi_plan.pk])).content.decode()
    for text in (
        "Thông tin quyết định",
        "Căn cứ ban hành",
        "Các điều của quyết định",
        "Nơi nhận",
        "Công chức tham mưu",
    ):
        assert text in body
    assert f'id="task-{first_task(le_loi_plan).pk}"' in body
    assert "js/editing.js" in body and "css/editing.css" in body


def test_another_communes_plan_is_not_found(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert client.get(reverse("plans:edit", args=[le_loi_plan.pk])).status_code == 404
    assert client.get(reverse("plans:deadline_preview", args=[le_loi_plan.pk]), {"text": "Quý II"}).status_code == 404


def test_a_reviewer_who_sees_the_plan_gets_a_vietnamese_403(client, le_loi_plan):
    log_in(client, "gia-loc-reviewer")
    response = client.get(reverse("plans:edit", args=[le_loi_plan.pk]))
    assert response.status_code == 403
    assert "Bạn không có quyền sửa kế hoạch này" in response.content.decode()
    task = first_task(le_loi_plan)
    response = client.post(reverse("plans:edit_task_delete", args=[le_loi_plan.pk, task.pk]), headers=HTMX)
    assert response.status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_submitted_plan_cannot_be_edited(editor_client, le_loi_plan):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.SUBMITTED)
    response = editor_client.get(reverse("plans:edit", args=[le_loi_plan.pk]))
    assert response.status_code == 403
    assert "Đã gửi thẩm định" in response.content.decode()


# --- deadline preview --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Quý II/2024", "→ hạn 30/06/2024"),
        ("Thường xuyên", "→ thường xuyên, hạn 31/12/2024"),
        ("Khi có phát sinh", "→ khi có phát sinh"),
        ("abc xyz", "⚠ Chưa hiểu thời hạn này"),
        ("15/9/2020", "⚠ Thời hạn 15/9/2020 nằm ngoài năm kế hoạch 2024."),
    ],
)
def test_the_deadline_preview_says_what_the_text_means(editor_client, le_loi_plan, text, shown):
    response = editor_client.get(reverse("plans:deadline_preview", args=[le_loi_plan.pk]), {"text": text}, headers=HTMX)
    assert shown in response.content.decode()


def test_the_deadline_preview_reads_the_textareas_own_name_too(editor_client, le_loi_plan):
    url = reverse("plans:deadline_preview", args=[le_loi_plan.pk])
    assert "→ hạn 30/06/2024" in editor_client.get(url, {"deadline_text": "Quý II"}).content.decode()
    assert editor_client.get(url, {"text": "  "}).content.decode().strip() == ""


# --- a row, inline -------------------------------------------------------------------------------------


def test_editing_a_row_swaps_in_a_form_with_the_first_field_focused_and_a_live_preview(editor_client, le_loi_plan):
    task = first_task(le_loi_plan)
    body = editor_client.get(
        reverse("plans:edit_task_form", args=[le_loi_plan.pk, task.pk]), headers=HTMX
    ).content.decode()
    assert body.lstrip().startswith(f'<tr id="task-{task.pk}"')
    assert 'name="number"' in body and "autofocus" in body.split('name="number"')[1].split(">")[0]
    assert 'hx-trigger="input changed delay:300ms"' in body
    assert "→ hạn 30/06/2024" in body
    assert "data-save" in body and "data-cancel" in body


def test_saving_a_row_returns_the_printed_row(editor_client, le_loi_plan):
    task = first_task(le_loi_plan)
    data = row_data(number="2", content="Xây dựng Đề án mới", deadline_text="Tháng 9/2024")
    response = editor_client.post(reverse("plans:edit_task_form", args=[le_loi_plan.pk, task.pk]), data, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "Xây dựng Đề án mới" in body and "→ hạn 30/09/2024" in body
    assert "data-row" in body and "autofocus" in body
    task.refresh_from_db()
    assert task.due_dates == ["2024-09-30"]


def test_a_refused_save_keeps_the_users_text_and_puts_messages_by_the_fields(editor_client, le_loi_plan):
    task = first_task(le_loi_plan)
    data = row_data(number="3", content="", lead="Văn phòng đã gõ lại", deadline_text="15/9/2022")
    response = editor_client.post(reverse("plans:edit_task_form", args=[le_loi_plan.pk, task.pk]), data, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Văn phòng đã gõ lại" in body and "15/9/2022" in body
    assert "Nội dung công việc không được để trống." in body
    assert "Số thứ tự “3” đã dùng trong mục I." in body
    assert "Thời hạn 15/9/2022 nằm ngoài năm kế hoạch 2024." in body
    assert 'aria-invalid="true"' in body
    task.refresh_from_db()
    assert task.number == "2"


def test_cancel_returns_the_row_unchanged(editor_client, le_loi_plan):
    task = first_task(le_loi_plan)
    body = editor_client.get(
        reverse("plans:edit_task_row", args=[le_loi_plan.pk, task.pk]), headers=HTMX
    ).content.decode()
    assert f'<tr id="task-{task.pk}"' in body and task.content[:30] in body


def test_adding_a_row_after_another_suggests_the_next_number_and_renders_the_section(editor_client, le_loi_plan):
    section, after = section_i(le_loi_plan), first_task(le_loi_plan, "3")
    url = reverse("plans:edit_task_add", args=[le_loi_plan.pk, section.pk])
    form = editor_client.get(url, {"after": after.pk}, headers=HTMX).content.decode()
    assert 'value="4"' in form and f'name="after" value="{after.pk}"' in form
    response = editor_client.post(
        url, row_data(after=after.pk, number="4", content="Nội dung thứ tư", key="ab12"), headers=HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tbody id="section-{section.pk}"')
    assert list(section.tasks.filter(parent=None).order_by("order").values_list("number", flat=True)) == [
        "1",
        "2",
        "3",
        "4",
    ]
    new = section.tasks.get(number="4")
    assert f'id="task-{new.pk}"' in body and "autofocus" in body.split(f'id="task-{new.pk}"')[1].split(">")[0]


def test_a_refused_new_row_replaces_only_itself(editor_client, le_loi_plan):
    section = section_i(le_loi_plan)
    url = reverse("plans:edit_task_add", args=[le_loi_plan.pk, section.pk])
    response = editor_client.post(url, row_data(number="1", content="Trùng số", key="ab12"), headers=HTMX)
    assert response["HX-Retarget"] == "#new-task-ab12" and response["HX-Reswap"] == "outerHTML"
    assert "Trùng số" in response.content.decode() and "đã dùng trong mục I" in response.content.decode()


def test_adding_a_sub_item_prefills_a_bullet(editor_client, le_loi_plan):
    section, parent = section_i(le_loi_plan), first_task(le_loi_plan, "1")
    url = reverse("plans:edit_task_add", args=[le_loi_plan.pk, section.pk])
    assert 'value="-"' in editor_client.get(url, {"parent": parent.pk}, headers=HTMX).content.decode()
    editor_client.post(url, row_data(parent=parent.pk, number="-", content="Văn bản chỉ đạo"), headers=HTMX)
    assert parent.children.get().content == "Văn bản chỉ đạo"


def test_moving_and_deleting_rows_rerender_the_section(editor_client, le_loi_plan):
    section, task = section_i(le_loi_plan), first_task(le_loi_plan, "3")
    response = editor_client.post(
        reverse("plans:edit_task_move", args=[le_loi_plan.pk, task.pk]), {"direction": "up"}, headers=HTMX
    )
    assert response.content.decode().lstrip().startswith(f'<tbody id="section-{section.pk}"')
    assert list(section.tasks.order_by("order").values_list("number", flat=True)) == ["1", "3", "2"]
    editor_client.post(reverse("plans:edit_task_delete", args=[le_loi_plan.pk, task.pk]), headers=HTMX)
    assert list(section.tasks.order_by("order").values_list("number", flat=True)) == ["1", "2"]


def test_a_row_of_another_plan_is_not_found(editor_client, le_loi_plan):
    other = Task.objects.exclude(section__plan=le_loi_plan).first()
    response = editor_client.get(reverse("plans:edit_task_form", args=[le_loi_plan.pk, other.pk]), headers=HTMX)
    assert response.status_code == 404


# --- sections ----------------------------------------------------------------------------------------


def test_a_section_is_added_after_another_and_edited_inline(editor_client, le_loi_plan):
    first = section_i(le_loi_plan)
    url = reverse("plans:edit_section_add", args=[le_loi_plan.pk])
    assert 'class="new-section"' in editor_client.get(url, {"after": first.pk}, headers=HTMX).content.decode()
    response = editor_client.post(url, row_data(after=first.pk, number="IA", title="Mục chen"), headers=HTMX)
    new = Section.objects.get(plan=le_loi_plan, number="IA")
    assert response.content.decode().lstrip().startswith(f'<tbody id="section-{new.pk}"')
    assert list(le_loi_plan.sections.values_list("number", flat=True))[:3] == ["I", "IA", "II"]
    refused = editor_client.post(
        reverse("plans:edit_section_form", args=[le_loi_plan.pk, new.pk]),
        row_data(number="II", title="Mục chen"),
        headers=HTMX,
    )
    assert "Mục “II” đã có trong kế hoạch." in refused.content.decode()


def test_moving_and_deleting_a_section_rerenders_the_table(editor_client, le_loi_plan):
    first = section_i(le_loi_plan)
    body = editor_client.post(
        reverse("plans:edit_section_move", args=[le_loi_plan.pk, first.pk]), {"direction": "down"}, headers=HTMX
    ).content.decode()
    assert body.lstrip().startswith('<div id="plan-table"')
    assert list(le_loi_plan.sections.values_list("number", flat=True))[:2] == ["II", "I"]
    editor_client.post(reverse("plans:edit_section_delete", args=[le_loi_plan.pk, first.pk]), headers=HTMX)
    assert not Section.objects.filter(pk=first.pk).exists()


# --- the decision's cards ---------------------------------------------------------------------------


def _list_post(plan, prefix, items):
    data = {f"{prefix}-TOTAL_FORMS": len(items), f"{prefix}-INITIAL_FORMS": len(items)}
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


def test_the_list_buttons_rearrange_without_saving_and_save_stores_the_order(editor_client, le_loi_plan):
    url = reverse("plans:edit_legal_bases", args=[le_loi_plan.pk])
    stored = list(le_loi_plan.decision.legal_bases.values_list("text", flat=True))
    data = _list_post(le_loi_plan, "bases", [{"text": "Căn cứ A;"}, {"text": "Căn cứ B;"}])
    body = editor_client.post(url, {**data, "op": "down-0"}, headers=HTMX).content.decode()
    assert body.index("Căn cứ B;") < body.index("Căn cứ A;") and "chưa được lưu" in body
    assert list(le_loi_plan.decision.legal_bases.values_list("text", flat=True)) == stored
    data = _list_post(le_loi_plan, "bases", [{"text": "Căn cứ B;"}, {"text": "Căn cứ A;"}])
    body = editor_client.post(url, {**data, "op": "save"}, headers=HTMX).content.decode()
    assert "Đã lưu." in body and 'id="plan-warnings" hx-swap-oob="true"' in body
    assert list(le_loi_plan.decision.legal_bases.values_list("text", flat=True)) == ["Căn cứ B;", "Căn cứ A;"]


def test_an_empty_list_item_is_refused_next_to_it_and_kept_on_screen(editor_client, le_loi_plan):
    url = reverse("plans:edit_recipients", args=[le_loi_plan.pk])
    data = _list_post(
        le_loi_plan, "recipients", [{"text": "Như Điều 3;", "level": 1}, {"text": "", "group": "Để biết", "level": 1}]
    )
    body = editor_client.post(url, {**data, "op": "save"}, headers=HTMX).content.decode()
    assert "Nơi nhận không được để trống." in body and "Để biết" in body
    assert le_loi_plan.decision.recipients.count() == 7


def test_adding_a_list_item_focuses_its_field(editor_client, le_loi_plan):
    url = reverse("plans:edit_articles", args=[le_loi_plan.pk])
    data = _list_post(le_loi_plan, "articles", [{"label": "Điều 1.", "body": "Ban hành."}])
    body = editor_client.post(url, {**data, "op": "add"}, headers=HTMX).content.decode()
    assert 'name="articles-1-label"' in body
    assert "autofocus" in body.split('name="articles-1-label"')[1].split(">")[0]


def test_the_decision_card_saves_and_refuses_with_messages(editor_client, le_loi_plan):
    url = reverse("plans:edit_decision", args=[le_loi_plan.pk])
    decision = le_loi_plan.decision
    data = {
        "issuing_body": decision.issuing_body,
        "number_suffix": "QĐ-UBND",
        "place": "Lê Lợi",
        "doc_type": "QUYẾT ĐỊNH",
        "summary": decision.summary,
        "authority": decision.authority,
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Người Mới",
        "number": "7",
        "issued_on": "2024-01-23",
    }
    assert "Đã lưu." in editor_client.post(url, data, headers=HTMX).content.decode()
    decision.refresh_from_db()
    assert (decision.number, decision.signer_name) == (7, "Người Mới")
    body = editor_client.post(url, {**data, "summary": "", "signer_name": "Khác"}, headers=HTMX).content.decode()
    assert "Trích yếu không được để trống." in body and "Khác" in body
    decision.refresh_from_db()
    assert decision.signer_name == "Người Mới"


def test_the_table_heading_card_updates_the_caption_and_the_column_headers(editor_client, le_loi_plan):
    url = reverse("plans:edit_table_heading", args=[le_loi_plan.pk])
    data = {"table_heading": "KẾ HOẠCH", "table_title": "Tên mới", "table_attachment_line": "(Ban hành kèm theo …)"}
    data.update({f"column_{key}": label for key, label in le_loi_plan.column_labels.items()})
    data["column_lead"] = "Chủ trì"
    body = editor_client.post(url, data, headers=HTMX).content.decode()
    assert 'id="table-caption" class="table-caption" hx-swap-oob="true"' in body and "Tên mới" in body
    assert '<thead id="plan-grid-head" hx-swap-oob="true">' in body
    le_loi_plan.refresh_from_db()
    assert le_loi_plan.column_labels["lead"] == "Chủ trì"
