"""Pages stay the same size in SQL whatever the number of communes: each list page makes the same number
of queries for 3 and for 12 communes below the reviewer (and pages, so it never carries them all)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import Membership, Unit
from periods.models import ReportingPeriod
from plans.models import Plan
from tasks.models import TaskProgress
from tests.factories import DecisionFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, log_in, member

pytestmark = pytest.mark.django_db


def province_with(communes, *, rows=4):
    """A province (2025 shape: communes directly under it), each commune with a plan of `rows` rows,
    every status in turn, some progress; its reviewer, also its administrator (for the audit log)."""
    province = UnitFactory(kind=Unit.Kind.PROVINCE, name=f"Tỉnh {communes} xã")
    statuses = list(Plan.Status)
    period = ReportingPeriod.objects.get(code="9M")
    for index in range(communes):
        commune = UnitFactory(kind=Unit.Kind.COMMUNE, parent=province)
        plan = PlanFactory(unit=commune, status=statuses[index % len(statuses)])
        DecisionFactory(plan=plan)
        section = SectionFactory(plan=plan)
        tasks = [TaskFactory(section=section) for _ in range(rows)]
        TaskProgress.objects.create(task=tasks[0], period=period, status=TaskProgress.Status.DONE)
    reviewer = member(province, Membership.Role.REVIEWER)
    Membership.objects.create(user=reviewer, unit=province, role=Membership.Role.ADMIN)
    return province, reviewer


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


LIST_PAGES = ["plans:list", "reports:index", "dashboard", "plans:inbox", "orgs:audit_log"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_makes_the_same_queries_for_3_and_12_communes(client, name):
    _, few_reviewer = province_with(3)
    _, many_reviewer = province_with(12)
    url = reverse(name)
    queries(log_in(client, few_reviewer), url)  # warm-up: sessions, content types, stored figures
    queries(log_in(client, many_reviewer), url)
    few = queries(log_in(client, few_reviewer), url)
    many = queries(log_in(client, many_reviewer), url)
    assert few == many


def test_the_plan_list_pages_the_communes_of_a_province(client):
    _, reviewer = province_with(60, rows=1)
    log_in(client, reviewer)
    first = client.get(reverse("plans:list")).content.decode()
    second = client.get(reverse("plans:list"), {"trang": 2}).content.decode()
    assert "60 kế hoạch, trang 1/2" in first and first.count('href="/ke-hoach/') - first.count("/ke-hoach/tao") >= 50
    assert "trang 2/2" in second


def test_the_plan_list_filters_by_status_and_name(client):
    province, reviewer = province_with(10, rows=1)
    log_in(client, reviewer)
    body = client.get(reverse("plans:list"), {"trang_thai": Plan.Status.SUBMITTED}).content.decode()
    submitted = Plan.objects.filter(unit__parent=province, status=Plan.Status.SUBMITTED)
    assert f"{submitted.count()} kế hoạch" in body
    one = Plan.objects.filter(unit__parent=province).select_related("unit").first()
    body = client.get(reverse("plans:list"), {"q": one.unit.name}).content.decode()
    assert "1 kế hoạch" in body and one.unit.name in body


PLAN_PAGES = {  # name: the URL's arguments besides the plan
    "plans:detail": {},
    "progress:sheet": {"period_code": "9M"},
    "indicators:plan_kpis": {},
    "reports:report": {"period_code": "9M"},
}


@pytest.mark.parametrize("name", PLAN_PAGES)
def test_a_plan_page_makes_the_same_queries_for_3_and_12_communes(client, name):
    def url(province):
        plan = Plan.objects.filter(unit__parent=province).order_by("pk").first()
        return reverse(name, kwargs={"pk" if name == "plans:detail" else "plan_pk": plan.pk, **PLAN_PAGES[name]})

    few_province, few_reviewer = province_with(3)
    many_province, many_reviewer = province_with(12)
    few_url, many_url = url(few_province), url(many_province)
    queries(log_in(client, few_reviewer), few_url)  # what is computed once per plan version is then kept
    queries(log_in(client, many_reviewer), many_url)
    assert queries(log_in(client, few_reviewer), few_url) == queries(log_in(client, many_reviewer), many_url)
