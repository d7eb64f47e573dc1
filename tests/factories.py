import factory

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
