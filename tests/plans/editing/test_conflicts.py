"""Two people editing the same thing: the second save is refused with the other change shown, and the
second person's text is kept (optimistic locking in plans.editing.services, the htmx editor)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import User
from plans.editing import conflicts
from plans.editing import services as editing
from plans.models import Decision, Plan
from tasks.models import Section, Task
from tests.factories import log_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def first(seed):
    return User.objects.get(username="le-loi-editor")


@pytest.fixture
def second(seed):
    return User.objects.get(username="le-loi-admin")  # the commune's administrator may edit too


def row(plan, section="I", number="2"):
    return Task.objects.select_related("section__plan").get(section__plan=plan, section__number=section, number=number)


def cells(task, **values):
    data = {name: getattr(task, name) for name in editing.TASK_FIELDS}
    data.update(values)
    return data


def hidden(body, name):
    return re.search(rf'name="{name}" value="([^"]*)"', body).group(1)


# --- the services ----------------------------------------------------------------------------------


def test_the_second_save_of_a_row_is_refused_with_the_other_change(le_loi_plan, first, second):
    loaded = row(le_loi_plan)
    revision = loaded.revision  # both opened the row at this revision
    editing.update_task(task=row(le_loi_plan), data={"deadline_text": "Quý III/2024"}, user=first, revision=revision)
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_task(
            task=row(le_loi_plan), data={"deadline_text": "Tháng 10/2024"}, user=second, revision=revision
        )
    conflict = refused.value
    assert conflict.by == first.full_name and conflict.at is not None
    [change] = conflict.changes
    assert (change.name, change.before, change.after) == ("deadline_text", "Quý II/2024", "Quý III/2024")
    assert f"vừa được {first.full_name} sửa lúc" in conflict.message
    assert "“Quý III/2024” (lúc bạn mở: “Quý II/2024”)" in conflict.message
    assert row(le_loi_plan).deadline_text == "Quý III/2024"  # nothing overwritten


def test_saving_again_with_the_current_revision_replaces_the_other_change_knowingly(le_loi_plan, first, second):
    revision = row(le_loi_plan).revision
    editing.update_task(task=row(le_loi_plan), data={"lead": "Văn phòng"}, user=first, revision=revision)
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_task(task=row(le_loi_plan), data={"lead": "Công chức Tư pháp"}, user=second, revision=revision)
    editing.update_task(
        task=row(le_loi_plan), data={"lead": "Công chức Tư pháp"}, user=second, revision=refused.value.current
    )
    assert (row(le_loi_plan).lead, row(le_loi_plan).revision) == ("Công chức Tư pháp", revision + 2)


def test_a_move_does_not_make_an_open_row_stale(le_loi_plan, first, second):
    task = row(le_loi_plan)
    editing.move_task(task=task, direction="down", user=first)
    editing.update_task(task=row(le_loi_plan), data={"product": "Đề án"}, user=second, revision=task.revision)
    assert row(le_loi_plan).product == "Đề án"


def test_a_row_deleted_meanwhile_is_reported_not_recreated(le_loi_plan, first, second):
    task = row(le_loi_plan, "IV", "3")
    editing.delete_task(task=Task.objects.get(pk=task.pk), user=first)
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_task(task=task, data={"content": "Học tập kinh nghiệm"}, user=second, revision=task.revision)
    assert refused.value.deleted and f"đã bị {first.full_name} xóa" in refused.value.message
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_row_changed_meanwhile_is_not_deleted(le_loi_plan, first, second):
    task = row(le_loi_plan)
    editing.update_task(task=row(le_loi_plan), data={"content": "Nội dung mới"}, user=first, revision=task.revision)
    with pytest.raises(conflicts.EditConflict):
        editing.delete_task(task=task, user=second, revision=task.revision)
    assert Task.objects.filter(pk=task.pk).exists()


def test_the_second_save_of_a_section_is_refused(le_loi_plan, first, second):
    section = Section.objects.get(plan=le_loi_plan, number="I")
    editing.update_section(section=section, data={"title": "Hoàn thiện thể chế"}, user=first, revision=1)
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_section(
            section=Section.objects.get(pk=section.pk), data={"title": "Thể chế"}, user=second, revision=1
        )
    assert [c.name for c in refused.value.changes] == ["title"]
    assert Section.objects.get(pk=section.pk).title == "Hoàn thiện thể chế"


def test_the_second_save_of_the_decision_is_refused(le_loi_plan, first, second):
    editing.update_decision(plan=le_loi_plan, data={"signer_name": "Nguyễn Văn Bình"}, user=first, revision=1)
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_decision(
            plan=Plan.objects.get(pk=le_loi_plan.pk), data={"signer_name": "Trần Thị Lan"}, user=second, revision=1
        )
    [change] = refused.value.changes
    assert (change.name, change.after) == ("signer_name", "Nguyễn Văn Bình")
    assert Decision.objects.get(plan=le_loi_plan).signer_name == "Nguyễn Văn Bình"


def test_the_second_save_of_a_decision_list_is_refused_with_the_items_that_differ(le_loi_plan, first, second):
    token = conflicts.list_token(le_loi_plan.decision, "bases")
    texts = list(le_loi_plan.decision.legal_bases.values_list("text", flat=True))
    editing.set_legal_bases(
        plan=le_loi_plan, texts=[*texts, "Căn cứ Kế hoạch số 12/KH-UBND của UBND huyện;"], user=first, token=token
    )
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.set_legal_bases(plan=le_loi_plan, texts=texts[:-1], user=second, token=token)
    [item] = refused.value.changes
    assert (item.kind, item.after) == ("added", "Căn cứ Kế hoạch số 12/KH-UBND của UBND huyện;")
    assert le_loi_plan.decision.legal_bases.count() == len(texts) + 1


def test_the_second_save_of_the_table_heading_is_refused(le_loi_plan, first, second):
    token = conflicts.heading_token(le_loi_plan)
    editing.update_table_heading(
        plan=le_loi_plan, data={"table_title": "Kế hoạch KSTTHC năm 2024"}, user=first, token=token
    )
    with pytest.raises(conflicts.EditConflict) as refused:
        editing.update_table_heading(
            plan=Plan.objects.get(pk=le_loi_plan.pk), data={"table_title": "Kế hoạch"}, user=second, token=token
        )
    assert refused.value.by == first.full_name
    assert [c.after for c in refused.value.changes] == ["Kế hoạch KSTTHC năm 2024"]


# --- the htmx editor -------------------------------------------------------------------------------


def test_two_people_in_the_editor_the_second_save_is_refused_and_their_text_kept(le_loi_plan, first, second):
    task = row(le_loi_plan)
    url = reverse("plans:edit_task_form", args=[le_loi_plan.pk, task.pk])
    one, two = log_in(Client(), first), log_in(Client(), second)
    revision_one = hidden(one.get(url, headers=HTMX).content.decode(), "revision")
    revision_two = hidden(two.get(url, headers=HTMX).content.decode(), "revision")
    assert revision_one == revision_two == str(task.revision)

    saved = one.post(
        url, cells(task, content="Ban hành Đề án kiện toàn Bộ phận Một cửa", revision=revision_one), headers=HTMX
    )
    assert f'id="task-{task.pk}"' in saved.content.decode() and "data-row-form" not in saved.content.decode()

    mine = "Xây dựng Đề án Bộ phận Một cửa cấp xã theo Nghị định 107"
    refused = two.post(url, cells(task, content=mine, revision=revision_two), headers=HTMX)
    body = refused.content.decode()
    assert refused.status_code == 200 and "data-row-form" in body
    assert "Chưa lưu" in body and first.full_name in body
    assert "Ban hành Đề án kiện toàn Bộ phận Một cửa" in body.replace("<ins>", "").replace(
        "</ins>", ""
    )  # theirs, shown
    assert f"{mine}</textarea>" in body  # mine, kept in the box
    assert row(le_loi_plan).content == "Ban hành Đề án kiện toàn Bộ phận Một cửa"

    again = two.post(url, cells(task, content=mine, revision=hidden(body, "revision")), headers=HTMX)
    assert "data-row-form" not in again.content.decode()
    assert row(le_loi_plan).content == mine


def test_the_editor_reports_a_row_deleted_meanwhile_with_the_typed_text(le_loi_plan, first, second):
    task = row(le_loi_plan, "IV", "3")
    url = reverse("plans:edit_task_form", args=[le_loi_plan.pk, task.pk])
    two = log_in(Client(), second)
    two.get(url, headers=HTMX)
    log_in(Client(), first).post(
        reverse("plans:edit_task_delete", args=[le_loi_plan.pk, task.pk]), {"revision": task.revision}, headers=HTMX
    )
    body = two.post(
        url, cells(task, content="Học tập kinh nghiệm ở tỉnh bạn", revision=task.revision), headers=HTMX
    ).content.decode()
    assert f"đã bị {first.full_name} xóa" in body and "Học tập kinh nghiệm ở tỉnh bạn" in body


def test_a_delete_of_a_row_changed_meanwhile_is_refused_in_the_editor(le_loi_plan, first, second):
    task = row(le_loi_plan)
    shown = task.revision
    editing.update_task(task=row(le_loi_plan), data={"content": "Nội dung đã sửa"}, user=first, revision=shown)
    url = reverse("plans:edit_task_delete", args=[le_loi_plan.pk, task.pk])
    body = log_in(Client(), second).post(url, {"revision": shown}, headers=HTMX).content.decode()
    assert "Chưa xóa" in body and first.full_name in body and "Nội dung đã sửa" in body
    assert Task.objects.filter(pk=task.pk).exists()


def test_the_decision_card_refuses_a_stale_save_and_keeps_the_typed_values(le_loi_plan, first, second):
    url = reverse("plans:edit_decision", args=[le_loi_plan.pk])
    page = log_in(Client(), second).get(reverse("plans:edit", args=[le_loi_plan.pk])).content.decode()
    assert 'name="revision" value="1"' in page
    editing.update_decision(plan=le_loi_plan, data={"signer_name": "Nguyễn Văn Bình"}, user=first, revision=1)
    decision = Decision.objects.get(plan=le_loi_plan)
    data = {
        name: getattr(decision, name) or ""
        for name in ("issuing_body", "place", "doc_type", "summary", "signer_title", "number_suffix")
    }
    body = (
        log_in(Client(), second)
        .post(url, {**data, "signer_name": "Trần Thị Lan", "revision": 1}, headers=HTMX)
        .content.decode()
    )
    assert "Chưa lưu" in body and "Bản " + first.full_name + " đã lưu" in body and "Nguyễn Văn Bình" in body
    assert 'value="Trần Thị Lan"' in body
    assert Decision.objects.get(plan=le_loi_plan).signer_name == "Nguyễn Văn Bình"


def test_the_legal_bases_card_refuses_a_stale_save(le_loi_plan, first, second):
    token = conflicts.list_token(le_loi_plan.decision, "bases")
    page = log_in(Client(), second).get(reverse("plans:edit", args=[le_loi_plan.pk])).content.decode()
    assert f'name="bases-token" value="{token}"' in page
    texts = list(le_loi_plan.decision.legal_bases.values_list("text", flat=True))
    editing.set_legal_bases(plan=le_loi_plan, texts=texts[:-1], user=first, token=token)
    data = {
        "bases-TOTAL_FORMS": "1",
        "bases-INITIAL_FORMS": "0",
        "bases-0-text": "Căn cứ riêng của tôi;",
        "bases-token": token,
        "op": "save",
    }
    body = (
        log_in(Client(), second)
        .post(reverse("plans:edit_legal_bases", args=[le_loi_plan.pk]), data, headers=HTMX)
        .content.decode()
    )
    assert "Chưa lưu" in body and "Căn cứ riêng của tôi;" in body and "Bỏ" in body
    assert le_loi_plan.decision.legal_bases.count() == len(texts) - 1


def test_a_deleted_row_of_another_unit_s_plan_is_a_404_that_tells_nothing(le_loi_plan, first):
    """The probe's cross-unit leak: the "row gone" answer named who deleted another commune's row."""
    other_plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    theirs = Task.objects.filter(section__plan=other_plan).first()
    editing.delete_task(task=theirs, user=User.objects.get(username="ha-tan-editor"))
    url = reverse("plans:edit_task_form", args=[le_loi_plan.pk, theirs.pk])
    response = log_in(Client(), first).post(url, cells(theirs, content="x"), headers=HTMX)
    assert response.status_code == 404 and "xóa" not in response.content.decode()
    never = reverse("plans:edit_task_form", args=[le_loi_plan.pk, 99_999_999])
    assert log_in(Client(), first).post(never, cells(theirs, content="x"), headers=HTMX).status_code == 404


def test_a_deleted_section_of_another_unit_s_plan_is_a_404(le_loi_plan, first):
    other_plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    theirs = Section.objects.filter(plan=other_plan).first()
    editing.delete_section(section=theirs, user=User.objects.get(username="ha-tan-editor"))
    url = reverse("plans:edit_section_form", args=[le_loi_plan.pk, theirs.pk])
    response = log_in(Client(), first).post(url, {"number": "I", "title": "x"}, headers=HTMX)
    assert response.status_code == 404
