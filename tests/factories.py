from dataclasses import dataclass

import factory
from django.urls import reverse

from orgs.models import Membership, Unit, User
from plans.models import Decision, Plan
from tasks.models import Section, Task


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    slug = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = Unit.Kind.COMMUNE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(unit, role, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    unit = factory.SubFactory(UnitFactory)
    year = 2024


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    plan = factory.SubFactory(PlanFactory)
    issuing_body = "ỦY BAN NHÂN DÂN\nXÃ THỬ NGHIỆM"
    place = "Thử Nghiệm"
    summary = "Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2024"
    authority = "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"
    signer_name = "Nguyễn Văn A"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = "I"
    title = "Công tác chỉ đạo, điều hành"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    section = factory.SubFactory(SectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.Sequence(lambda n: str(n + 1))
    content = "Ban hành Kế hoạch kiểm soát thủ tục hành chính"
    deadline_text = "Quý II/2024"


def make_plan(unit, *, year=2024, rows=1, status=Plan.Status.DRAFT, revision=1):
    """A plan of `unit` with its decision and one section of `rows` rows."""
    plan = PlanFactory(unit=unit, year=year, status=status, revision=revision)
    DecisionFactory(plan=plan)
    section = SectionFactory(plan=plan)
    for _ in range(rows):
        TaskFactory(section=section)
    return plan


@dataclass
class Tree:
    """tỉnh Thử Nghiệm → huyện Thử → xã An Thử (a draft plan of one row, a user per role) and xã Bên
    Cạnh; huyện Khác → one commune with its own editor and reviewer; a province reviewer."""

    province: Unit
    district: Unit
    commune: Unit
    neighbour: Unit
    other_district: Unit
    other_commune: Unit
    plan: Plan
    editor: User
    signer: User
    commune_reviewer: User
    district_reviewer: User
    province_reviewer: User
    other_editor: User
    other_reviewer: User


def build_tree():
    Role = Membership.Role
    province = UnitFactory(kind=Unit.Kind.PROVINCE, name="Thử Nghiệm")
    district = UnitFactory(kind=Unit.Kind.DISTRICT, name="Thử", parent=province)
    commune = UnitFactory(kind=Unit.Kind.COMMUNE, name="An Thử", parent=district)
    other_district = UnitFactory(kind=Unit.Kind.DISTRICT, name="Huyện Khác", parent=province)
    other_commune = UnitFactory(kind=Unit.Kind.COMMUNE, parent=other_district)
    return Tree(
        province=province,
        district=district,
        commune=commune,
        neighbour=UnitFactory(kind=Unit.Kind.COMMUNE, name="Bên Cạnh", parent=district),
        other_district=other_district,
        other_commune=other_commune,
        plan=make_plan(commune),
        editor=member(commune, Role.EDITOR, email="editor@xa.example", full_name="Công chức Xã"),
        signer=member(commune, Role.SIGNER, email="signer@xa.example"),
        commune_reviewer=member(commune, Role.REVIEWER, email="reviewer@xa.example"),
        district_reviewer=member(district, Role.REVIEWER, email="reviewer@huyen.example", full_name="Thẩm định Huyện"),
        province_reviewer=member(province, Role.REVIEWER, email="reviewer@tinh.example"),
        other_editor=member(other_commune, Role.EDITOR),
        other_reviewer=member(other_district, Role.REVIEWER),
    )


def log_in(client, who):
    """`client` logged in as `who` (a User or a username), without the login form; returns it."""
    client.force_login(who if isinstance(who, User) else User.objects.get(username=who))
    return client


def post_login(client, username, password, **meta):
    """Log in through the real login form (throttling, audit log); returns the response."""
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def approved_on(plan, day):
    """Move the plan's workflow steps back in time, in order, so that its last approval was on `day`
    (08:00 local), as if the workflow had run then: the portal refuses an issue date before the
    approval, and tests issue the seed plans with their real dates."""
    from datetime import datetime, time

    from django.db.models import F
    from django.utils import timezone

    approval = plan.transitions.filter(to_status=Plan.Status.APPROVED).order_by("-created_at", "-pk").first()
    shift = timezone.make_aware(datetime.combine(day, time(8))) - approval.created_at
    plan.transitions.update(created_at=F("created_at") + shift)
    return plan


def pdf_bytes(pages=1):
    """A small real PDF (blank A4 pages), as an evidence upload or a document to verify."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()
