from datetime import date

import pytest

from orgs.models import Membership, Unit
from plans.models import Plan
from tasks.models import Task
from tests.factories import DecisionFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, member


class Province:
    """Tỉnh Mẫu (2026, no districts): its issued plan — I.1 for communes, I.2 not; II.1 a heading
    whose sub-items carry the cells (1.1 for communes, 1.2 not) — and three communes, the first with
    a draft plan of one section."""

    def __init__(self):
        self.unit = UnitFactory(kind=Unit.Kind.PROVINCE, name="Mẫu Thử")
        self.communes = [
            UnitFactory(kind=Unit.Kind.COMMUNE, name=name, parent=self.unit)
            for name in ("An Hòa", "Bình Minh", "Cát Tiên")
        ]
        self.plan = self.issued_plan(self.unit, number=5)
        self.section_one = SectionFactory(plan=self.plan, order=1, number="I", title="Công tác chỉ đạo, điều hành")
        self.for_communes = TaskFactory(
            section=self.section_one,
            order=1,
            number="1",
            content="Ban hành Kế hoạch kiểm soát TTHC năm 2026",
            lead="UBND cấp xã",
            partners="Văn phòng UBND tỉnh",
            deadline_text="Trước ngày 31/01/2026",
        )
        self.not_for_communes = TaskFactory(
            section=self.section_one,
            order=2,
            number="2",
            content="Kiện toàn đội ngũ công chức đầu mối",
            lead="Văn phòng UBND tỉnh",
            partners="Các sở, ban, ngành",
            deadline_text="Quý I/2026",
        )
        self.section_two = SectionFactory(plan=self.plan, order=2, number="II", title="Rà soát, đơn giản hóa TTHC")
        self.heading = TaskFactory(
            section=self.section_two,
            order=1,
            number="1",
            content="Thực hiện rà soát TTHC",
            lead="",
            partners="",
            deadline_text="",
        )
        self.child_for_communes = TaskFactory(
            section=self.section_two,
            parent=self.heading,
            order=1,
            number="1.1",
            content="Rà soát TTHC thuộc thẩm quyền",
            lead="UBND các xã, phường",
            deadline_text="Trước ngày 30/6/2026",
        )
        self.child_not = TaskFactory(
            section=self.section_two,
            parent=self.heading,
            order=2,
            number="1.2",
            content="Thẩm định phương án đơn giản hóa",
            lead="Sở Tư pháp",
            deadline_text="Quý III/2026",
        )
        for row in Task.objects.filter(section__plan=self.plan):  # the due dates, as every write path keeps them
            row.set_deadline(row.deadline_text, 2026)
            row.save()
        for name in ("for_communes", "not_for_communes", "heading", "child_for_communes", "child_not"):
            getattr(self, name).refresh_from_db()
        self.commune_plan = self.draft_plan(self.communes[0])
        self.editor = member(self.communes[0], Membership.Role.EDITOR)
        self.reviewer = member(self.unit, Membership.Role.REVIEWER)

    @staticmethod
    def issued_plan(unit, *, number, year=2026):
        plan = PlanFactory(unit=unit, year=year, status=Plan.Status.ISSUED)
        DecisionFactory(
            plan=plan,
            number=number,
            number_suffix="KH-UBND",
            doc_type="KẾ HOẠCH",
            issued_on=date(year, 1, 10),
            summary=f"Kiểm soát thủ tục hành chính năm {year}",
        )
        return plan

    @staticmethod
    def draft_plan(unit, year=2026):
        plan = PlanFactory(unit=unit, year=year)
        DecisionFactory(plan=plan, summary=f"Ban hành Kế hoạch kiểm soát thủ tục hành chính năm {year}")
        SectionFactory(plan=plan, order=1, number="I", title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
        return plan


@pytest.fixture
def province(db):
    return Province()
