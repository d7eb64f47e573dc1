import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgs.models import Membership, Unit, User
from plans.editing import services as editing
from plans.models import Plan
from tasks.models import Section, Task
from tests.factories import DecisionFactory, SectionFactory, UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(seed):
    return User.objects.get(username="le-loi-editor")


@pytest.fixture
def new_plan(editor):
    return editing.create_plan(unit=Unit.objects.get(slug="le-loi"), year=2025, user=editor)


@pytest.fixture
def plan():
    """A small draft plan of a commune, its editor, and one section."""
    unit = UnitFactory(name="Thử Nghiệm")
    decision = DecisionFactory(plan__unit=unit, plan__year=2025)
    return decision.plan


@pytest.fixture
def user(plan):
    return member(plan.unit, Membership.Role.EDITOR)


@pytest.fixture
def section(plan):
    return SectionFactory(plan=plan, number="II", order=1)


def row(content="Rà soát thủ tục hành chính", number="1", deadline="Quý II/2025", **cells):
    return {"number": number, "content": content, "deadline_text": deadline, **cells}


def numbers(section, parent=None):
    return list(Task.objects.filter(section=section, parent=parent).order_by("order").values_list("number", flat=True))


# --- creating --------------------------------------------------------------------------------------


def test_creating_a_plan_fills_the_decision_and_the_table_with_the_defaults(new_plan):
    decision = new_plan.decision
    assert (new_plan.year, new_plan.status) == (2025, Plan.Status.DRAFT)
    assert decision.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ LÊ LỢI"
    assert decision.legal_bases.count() == 6
    assert [a.label for a in decision.articles.all()] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert decision.recipients.last().text == "Lưu: VT, VP."
    assert list(new_plan.sections.values_list("number", flat=True)) == ["I", "II", "III", "IV"]
    assert not Task.objects.filter(section__plan=new_plan).exists()


def test_a_second_plan_for_the_same_unit_and_year_is_refused(new_plan, editor):
    with pytest.raises(ValidationError) as refused:
        editing.create_plan(unit=new_plan.unit, year=2025, user=editor)
    assert refused.value.message_dict["year"] == ["Xã Lê Lợi đã có kế hoạch năm 2025; hãy mở kế hoạch đó để sửa."]


def test_only_the_units_editor_may_create_its_plan(seed):
    reviewer = User.objects.get(username="gia-loc-reviewer")
    with pytest.raises(PermissionDenied, match="không có quyền tạo kế hoạch"):
        editing.create_plan(unit=Unit.objects.get(slug="le-loi"), year=2025, user=reviewer)


def test_a_new_plan_lists_its_blanks_as_warnings(new_plan):
    assert editing.plan_warnings(new_plan) == [
        "Căn cứ thứ 5 còn chỗ trống “…” cần điền.",
        "Căn cứ thứ 6 còn chỗ trống “…” cần điền.",
        "Chưa có họ tên người ký.",
    ]


# --- rows --------------------------------------------------------------------------------------------


def test_adding_rows_appends_them_and_parses_the_deadline_with_the_plans_year(section, user):
    first = editing.add_task(section=section, data=row(number="1"), user=user)
    second = editing.add_task(section=section, data=row(number="2", deadline="Thường xuyên"), user=user)
    assert numbers(section) == ["1", "2"]
    assert (first.deadline_kind, first.due_dates) == ("fixed", ["2025-06-30"])
    assert (second.deadline_kind, second.due_dates) == ("ongoing", ["2025-12-31"])


def test_a_row_added_after_another_goes_right_below_it(section, user):
    one = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=section, data=row(number="3"), user=user)
    editing.add_task(section=section, data=row(number="2"), after=one, user=user)
    assert numbers(section) == ["1", "2", "3"]


def test_a_sub_item_goes_under_its_row_and_bullets_may_repeat(section, user):
    parent = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=section, parent=parent, data=row("Lĩnh vực hộ tịch", number="-"), user=user)
    editing.add_task(section=section, parent=parent, data=row("Lĩnh vực đất đai", number="-"), user=user)
    assert numbers(section, parent) == ["-", "-"]
    assert numbers(section) == ["1"]


def test_rows_without_a_number_may_repeat(section, user):
    editing.add_task(section=section, data=row(number=""), user=user)
    editing.add_task(section=section, data=row(number=""), user=user)
    assert numbers(section) == ["", ""]


def test_empty_content_is_refused(section, user):
    with pytest.raises(ValidationError) as refused:
        editing.add_task(section=section, data=row(content="   "), user=user)
    assert refused.value.message_dict == {"content": ["Nội dung công việc không được để trống."]}
    assert not Task.objects.exists()


def test_a_number_used_twice_in_one_section_is_refused(section, user):
    editing.add_task(section=section, data=row(number="2"), user=user)
    with pytest.raises(ValidationError) as refused:
        editing.add_task(section=section, data=row(number="2."), user=user)
    assert refused.value.message_dict["number"] == ["Số thứ tự “2.” đã dùng trong mục II."]


def test_the_same_number_in_another_section_or_level_is_allowed(plan, section, user):
    other = SectionFactory(plan=plan, number="III", order=2)
    parent = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=other, data=row(number="1"), user=user)
    editing.add_task(section=section, parent=parent, data=row(number="1"), user=user)
    assert Task.objects.filter(number="1").count() == 3


def test_a_due_date_outside_the_plans_year_range_is_refused(section, user):
    with pytest.raises(ValidationError) as refused:
        editing.add_task(section=section, data=row(deadline="15/9/2023"), user=user)
    assert refused.value.message_dict["deadline_text"] == ["Thời hạn 15/9/2023 nằm ngoài năm kế hoạch 2025."]


def test_due_dates_in_the_year_before_or_after_are_accepted(section, user):
    editing.add_task(section=section, data=row(number="1", deadline="Trước 20/12/2024"), user=user)
    editing.add_task(section=section, data=row(number="2", deadline="Quý I/2026"), user=user)
    assert Task.objects.count() == 2


def test_every_problem_of_a_refused_row_is_reported_at_once(section, user):
    editing.add_task(section=section, data=row(number="1"), user=user)
    with pytest.raises(ValidationError) as refused:
        editing.add_task(section=section, data=row(content="", number="1", deadline="Tháng 3/2030"), user=user)
    assert set(refused.value.message_dict) == {"content", "number", "deadline_text"}


def test_updating_a_row_keeps_its_own_number_and_reparses_the_deadline(section, user):
    task = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.update_task(task=task, data=row("Nội dung mới", number="1", deadline="Tháng 3, 6, 9, 12/2025"), user=user)
    task.refresh_from_db()
    assert (task.content, task.deadline_kind, len(task.due_dates)) == ("Nội dung mới", "recurring", 4)


def test_a_refused_update_changes_nothing(section, user):
    task = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=section, data=row(number="2"), user=user)
    version = section.plan.__class__.objects.get(pk=section.plan_id).version
    with pytest.raises(ValidationError):
        editing.update_task(task=task, data=row("Đã sửa", number="2"), user=user)
    task.refresh_from_db()
    assert (task.content, task.number) == ("Rà soát thủ tục hành chính", "1")
    assert Plan.objects.get(pk=section.plan_id).version == version


def test_moving_a_row_swaps_it_with_its_neighbour_and_keeps_the_numbers(section, user):
    one = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=section, data=row(number="2"), user=user)
    three = editing.add_task(section=section, data=row(number="3"), user=user)
    assert editing.move_task(task=three, direction="up", user=user) is True
    assert numbers(section) == ["1", "3", "2"]
    assert editing.move_task(task=one, direction="up", user=user) is False
    assert numbers(section) == ["1", "3", "2"]


def test_moving_a_row_carries_its_sub_items(section, user):
    one = editing.add_task(section=section, data=row(number="1"), user=user)
    two = editing.add_task(section=section, data=row(number="2"), user=user)
    child = editing.add_task(section=section, parent=two, data=row("Ý con", number="-"), user=user)
    editing.move_task(task=one, direction="down", user=user)
    assert numbers(section) == ["2", "1"]
    assert Task.objects.get(pk=child.pk).parent_id == two.pk


def test_deleting_a_row_deletes_its_sub_items(section, user):
    parent = editing.add_task(section=section, data=row(number="1"), user=user)
    editing.add_task(section=section, parent=parent, data=row("Ý con", number="-"), user=user)
    editing.delete_task(task=parent, user=user)
    assert not Task.objects.exists()


def test_every_change_bumps_the_plans_version(plan, section, user):
    start = plan.version
    task = editing.add_task(section=section, data=row(), user=user)
    editing.update_task(task=task, data={"content": "Khác"}, user=user)
    editing.delete_task(task=task, user=user)
    assert Plan.objects.get(pk=plan.pk).version == start + 3


# --- permissions -------------------------------------------------------------------------------------


def test_a_reviewer_may_not_change_a_communes_plan(plan, section):
    reviewer = member(plan.unit, Membership.Role.REVIEWER)
    with pytest.raises(PermissionDenied, match="không có quyền sửa kế hoạch này"):
        editing.add_task(section=section, data=row(), user=reviewer)


def test_a_submitted_plan_may_not_be_changed(plan, section, user):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED)
    section.plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="Đã gửi thẩm định"):
        editing.add_section(plan=section.plan, data={"number": "III", "title": "Mục mới"}, user=user)


# --- sections ----------------------------------------------------------------------------------------


def test_sections_are_added_updated_moved_and_deleted(plan, section, user):
    last = editing.add_section(plan=plan, data={"number": "IV", "title": "Nhiệm vụ khác"}, user=user)
    third = editing.add_section(
        plan=plan, data={"number": "III", "title": "Công nghệ thông tin"}, after=section, user=user
    )
    order = lambda: list(Section.objects.filter(plan=plan).order_by("order").values_list("number", flat=True))  # noqa: E731
    assert order() == ["II", "III", "IV"]
    editing.update_section(section=third, data={"title": "Ứng dụng công nghệ thông tin"}, user=user)
    editing.move_section(section=last, direction="up", user=user)
    assert order() == ["II", "IV", "III"]
    editing.delete_section(section=last, user=user)
    assert order() == ["II", "III"]
    assert Section.objects.get(pk=third.pk).title == "Ứng dụng công nghệ thông tin"


def test_a_section_needs_a_number_and_title_and_its_number_once(plan, section, user):
    with pytest.raises(ValidationError) as refused:
        editing.add_section(plan=plan, data={"number": "", "title": ""}, user=user)
    assert set(refused.value.message_dict) == {"number", "title"}
    with pytest.raises(ValidationError) as refused:
        editing.add_section(plan=plan, data={"number": "II", "title": "Trùng số"}, user=user)
    assert refused.value.message_dict["number"] == ["Mục “II” đã có trong kế hoạch."]


def test_a_section_rows_deadline_is_checked_like_a_tasks(plan, section, user):
    with pytest.raises(ValidationError) as refused:
        editing.update_section(section=section, data={"deadline_text": "Tháng 6/2020"}, user=user)
    assert refused.value.message_dict["deadline_text"] == ["Thời hạn 30/6/2020 nằm ngoài năm kế hoạch 2025."]


def test_the_suggested_number_follows_the_row_it_goes_after_when_free(section, user):
    one = editing.add_task(section=section, data=row(number="1"), user=user)
    assert editing.suggest_number(section=section) == "2"
    assert editing.suggest_number(section=section, after=one) == "2"
    editing.add_task(section=section, data=row(number="2"), user=user)
    assert editing.suggest_number(section=section, after=one) == ""
    assert editing.suggest_number(section=section, parent=one) == "-"


# --- the decision's parts ------------------------------------------------------------------------------


def test_legal_bases_are_replaced_in_the_given_order(new_plan, editor):
    texts = [b.text for b in new_plan.decision.legal_bases.all()]
    texts[4] = texts[4].replace("…/QĐ-UBND ngày …", "12/QĐ-UBND ngày 05/01/2025")
    texts.reverse()
    editing.set_legal_bases(plan=new_plan, texts=texts, user=editor)
    assert [b.text for b in new_plan.decision.legal_bases.all()] == texts
    assert "Căn cứ thứ 2 còn chỗ trống “…” cần điền." not in editing.plan_warnings(new_plan)
    assert "Căn cứ thứ 1 còn chỗ trống “…” cần điền." in editing.plan_warnings(new_plan)


def test_an_empty_legal_basis_is_refused(new_plan, editor):
    with pytest.raises(ValidationError) as refused:
        editing.set_legal_bases(plan=new_plan, texts=["Căn cứ A;", " "], user=editor)
    assert refused.value.messages == ["Căn cứ thứ 2 không được để trống."]
    assert new_plan.decision.legal_bases.count() == 6


def test_articles_and_recipients_are_replaced(new_plan, editor):
    editing.set_articles(
        plan=new_plan,
        articles=[
            {"label": "Điều 1.", "heading": "", "body": "Ban hành.", "clauses": []},
            {"label": "Điều 2.", "heading": "Tổ chức thực hiện", "body": "", "clauses": ["1. A.", " ", "2. B."]},
        ],
        user=editor,
    )
    editing.set_recipients(
        plan=new_plan, recipients=[{"text": "Như Điều 3;"}, {"text": "Lưu: VT, VP.", "level": 1}], user=editor
    )
    assert new_plan.decision.articles.get(label="Điều 2.").clauses == ["1. A.", "2. B."]
    assert list(new_plan.decision.recipients.values_list("text", flat=True)) == ["Như Điều 3;", "Lưu: VT, VP."]


def test_an_article_without_content_is_refused(new_plan, editor):
    with pytest.raises(ValidationError, match="Nội dung của điều thứ 1 không được để trống"):
        editing.set_articles(plan=new_plan, articles=[{"label": "Điều 1.", "body": ""}], user=editor)


def test_the_decision_is_updated_and_a_refused_update_keeps_the_stored_one(new_plan, editor):
    editing.update_decision(plan=new_plan, data={"signer_name": "Nguyễn Văn A", "number": 5}, user=editor)
    assert new_plan.decision.number_text == "05/QĐ-UBND"
    with pytest.raises(ValidationError) as refused:
        editing.update_decision(
            plan=new_plan, data={"place": "", "issued_on": datetime.date(2020, 1, 5), "signer_name": "B"}, user=editor
        )
    assert refused.value.message_dict == {
        "place": ["Địa danh không được để trống."],
        "issued_on": ["Ngày ban hành 05/01/2020 không khớp với năm kế hoạch 2025."],
    }
    new_plan.refresh_from_db()
    assert (new_plan.decision.place, new_plan.decision.signer_name) == ("Lê Lợi", "Nguyễn Văn A")
    assert "Chưa có họ tên người ký." not in editing.plan_warnings(new_plan)


def test_the_table_heading_and_column_labels_are_updated(new_plan, editor):
    editing.update_table_heading(
        plan=new_plan,
        data={"table_title": "Kế hoạch KSTTHC năm 2025", "column_labels": {"lead": "Công chức tham mưu"}},
        user=editor,
    )
    new_plan.refresh_from_db()
    assert new_plan.table_title == "Kế hoạch KSTTHC năm 2025"
    assert new_plan.column_labels["lead"] == "Công chức tham mưu"
    assert new_plan.column_labels["number"] == "STT"
    with pytest.raises(ValidationError):
        editing.update_table_heading(plan=new_plan, data={"column_labels": {"content": ""}}, user=editor)
