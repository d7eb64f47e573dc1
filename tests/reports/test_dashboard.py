"""The district dashboard: every commune below a reviewer's unit with its plan of the year."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, PlanTarget
from orgs.models import AuditEvent, Membership, Unit
from periods.models import ReportingPeriod
from plans.models import Plan
from reports.dashboard import NO_PLAN, district_dashboard
from reports.models import PlanChange, PlanFigures
from tasks.models import Task, TaskProgress
from tests.factories import PlanFactory, SectionFactory, TaskFactory, UnitFactory, member

pytestmark = pytest.mark.django_db
Status = Plan.Status
Progress = TaskProgress.Status
TODAY = date(2024, 7, 1)
URL = reverse("dashboard")


def unit(kind, name, parent=None):
    return UnitFactory(kind=kind, name=name, parent=parent)


def plan_with_rows(commune, *, year=2024, status=Status.DRAFT, due=(), results=(), revision=1, submitted_at=None):
    """A plan with one leaf row per entry of `due` (a list of ISO dates, or [] for no date);
    `results` maps a row's index to the status recorded for it."""
    plan = PlanFactory(unit=commune, year=year, status=status, revision=revision, submitted_at=submitted_at)
    section = SectionFactory(plan=plan)
    period = ReportingPeriod.objects.order_by("order").first()
    for index, dates in enumerate(due):
        task = TaskFactory(section=section, due_dates=list(dates))
        if index in results:
            TaskProgress.objects.create(task=task, period=period, status=results[index])
    return plan


def target(plan, code, value, higher, direction=Indicator.Direction.HIGHER):
    indicator, _ = Indicator.objects.get_or_create(
        code=code, defaults={"name": code, "direction": direction, "numerator": "a", "denominator": "b"}
    )
    return PlanTarget.objects.create(
        plan=plan, indicator=indicator, value=Decimal(value), higher_target=higher and Decimal(higher)
    )


@pytest.fixture
def communes():
    """A province and two districts with communes of every kind (xã, phường, thị trấn)."""
    province = unit(Unit.Kind.PROVINCE, "Thử Nghiệm")
    district = unit(Unit.Kind.DISTRICT, "Gia Thử", province)
    other_district = unit(Unit.Kind.DISTRICT, "Huyện Khác", province)
    return {
        "province": province,
        "district": district,
        "other_district": other_district,
        "an": unit(Unit.Kind.COMMUNE, "An Thử", district),
        "binh": unit(Unit.Kind.WARD, "Bình Minh", district),
        "dong": unit(Unit.Kind.TOWNSHIP, "Đông Tiến", district),
        "xa_khac": unit(Unit.Kind.COMMUNE, "Xã Khác", other_district),
    }


def rows_by_name(board):
    return {row.unit.name: row for row in board.rows}


# --- the selector --------------------------------------------------------------------------------


def test_every_commune_below_is_listed_and_one_without_a_plan_shows_as_such(communes):
    plan_with_rows(communes["an"])
    board = district_dashboard(unit=communes["district"], year=2024, today=TODAY)
    rows = rows_by_name(board)
    assert set(rows) == {"An Thử", "Bình Minh", "Đông Tiến"}  # commune, ward, township; not the other district's
    assert rows["Bình Minh"].status == NO_PLAN and rows["Bình Minh"].status_label == "Chưa có kế hoạch"
    assert rows["Bình Minh"].rows is None and rows["Bình Minh"].submitted_at is None
    assert rows["An Thử"].status == Status.DRAFT


def test_a_province_sees_communes_at_any_depth(communes):
    direct = unit(Unit.Kind.COMMUNE, "Xã Sau Sáp Nhập", communes["province"])  # tỉnh → xã since 2025
    board = district_dashboard(unit=communes["province"], year=2024, today=TODAY)
    assert {row.unit.name for row in board.rows} == {"An Thử", "Bình Minh", "Đông Tiến", "Xã Khác", direct.name}
    assert board.shows_parent


def test_status_submitted_date_and_days_waiting(communes):
    submitted = timezone.make_aware(datetime(2024, 6, 21, 9, 30))
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=submitted)
    plan_with_rows(communes["binh"], status=Status.APPROVED, submitted_at=submitted)
    rows = rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))
    assert rows["An Thử"].submitted_at == submitted
    assert rows["An Thử"].days_waiting == 6  # working days: Friday 21/6 → Monday 1/7 (weekends not counted)
    assert rows["Bình Minh"].days_waiting is None  # no longer waiting for review


def test_rows_count_leaves_and_overdue_rows_have_a_passed_due_date_and_no_result(communes):
    plan = plan_with_rows(
        communes["an"],
        due=[
            ["2024-03-31"],  # passed, nothing recorded → overdue
            ["2024-03-31"],  # passed, done → not
            ["2024-03-31"],  # passed, nothing arose → not
            ["2024-03-31"],  # passed, in progress → overdue (no result yet)
            ["2024-03-31"],  # passed, not started → overdue
            ["2024-12-31"],  # not yet due
            [],  # on demand: no date
            ["2024-03-31", "2024-09-30"],  # one of several dates passed → overdue
        ],
        results={1: Progress.DONE, 2: Progress.NOT_ARISEN, 3: Progress.IN_PROGRESS, 4: Progress.NOT_STARTED},
    )
    parent = TaskFactory(section=plan.sections.get(), due_dates=["2024-01-31"])  # has sub-items: not a leaf
    TaskFactory(section=parent.section, parent=parent, due_dates=["2024-01-31"])  # a leaf, overdue
    row = rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))["An Thử"]
    assert row.rows == 9
    assert row.overdue_rows == 5


def test_a_result_in_any_period_counts(communes):
    plan = plan_with_rows(communes["an"], due=[["2024-03-31"]])
    task = plan.sections.get().tasks.get()
    late_period = ReportingPeriod.objects.order_by("order").last()
    TaskProgress.objects.create(task=task, period=late_period, status=Progress.DONE)
    assert (
        rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))["An Thử"].overdue_rows == 0
    )


def test_for_a_past_year_every_due_date_of_the_year_has_passed(communes):
    plan_with_rows(communes["an"], year=2023, due=[["2023-12-31"], ["2023-06-30"]], results={1: Progress.DONE})
    row = rows_by_name(district_dashboard(unit=communes["district"], year=2023, today=TODAY))["An Thử"]
    assert row.overdue_rows == 1


def test_kpi_targets_weaker_than_the_higher_level_s(communes):
    plan = plan_with_rows(communes["an"])
    target(plan, "online", "40", "50")  # below → counted
    target(plan, "satisfaction", "95", "90")  # above → fine
    target(plan, "reuse", "80", "80")  # equal → fine
    target(plan, "digitised", "10", None)  # no higher target given → not judged
    target(plan, "late", "8", "5", direction=Indicator.Direction.LOWER)  # lower is better: 8 > 5 is weaker
    target(plan, "errors", "3", "5", direction=Indicator.Direction.LOWER)  # stricter → fine
    rows = rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))
    assert rows["An Thử"].kpi_below == 2


def test_a_revised_plan_shows_its_latest_revision(communes):
    plan_with_rows(communes["an"], status=Status.ISSUED, due=[[]])
    plan_with_rows(communes["an"], status=Status.DRAFT, revision=2, due=[[], []])
    row = rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))["An Thử"]
    assert (row.plan.revision, row.status, row.rows) == (2, Status.DRAFT, 2)


def test_other_years_plans_are_not_this_year_s(communes):
    plan_with_rows(communes["an"], year=2023)
    assert (
        rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))["An Thử"].status == NO_PLAN
    )


def test_counts_per_status_cover_every_commune_whatever_the_filters(communes):
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=timezone.now())
    plan_with_rows(communes["binh"], status=Status.SUBMITTED, submitted_at=timezone.now())
    board = district_dashboard(unit=communes["district"], year=2024, status=Status.ISSUED, today=TODAY)
    counts = {key: count for key, _, count in board.counts}
    assert counts == {NO_PLAN: 1, "draft": 0, "returned": 0, "submitted": 2, "approved": 0, "issued": 0}
    assert board.rows == [] and board.total == 3


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": "submitted"}, ["An Thử"]),
        ({"status": NO_PLAN}, ["Đông Tiến"]),
        ({"query": "an thu"}, ["An Thử"]),  # no accents, any case
        ({"query": "ĐÔNG"}, ["Đông Tiến"]),
        ({"overdue_only": True}, ["Bình Minh"]),
    ],
)
def test_filters(communes, filters, expected):
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=timezone.now())
    plan_with_rows(communes["binh"], due=[["2024-01-31"]])
    board = district_dashboard(unit=communes["district"], year=2024, today=TODAY, **filters)
    assert [row.unit.name for row in board.rows] == expected


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["An Thử", "Bình Minh", "Đông Tiến"]),
        ("-name", ["Đông Tiến", "Bình Minh", "An Thử"]),
        ("status", ["Đông Tiến", "Bình Minh", "An Thử"]),  # none, draft, submitted
        ("waiting", ["An Thử", "Bình Minh", "Đông Tiến"]),  # longest wait first
        ("overdue", ["Bình Minh", "An Thử", "Đông Tiến"]),  # most overdue first; no plan last
        ("-overdue", ["An Thử", "Bình Minh", "Đông Tiến"]),  # fewest first; still no plan last
        ("-waiting", ["An Thử", "Bình Minh", "Đông Tiến"]),
        ("nonsense", ["An Thử", "Bình Minh", "Đông Tiến"]),
    ],
)
def test_sorting(communes, sort, expected):
    plan_with_rows(
        communes["an"], status=Status.SUBMITTED, submitted_at=timezone.make_aware(datetime(2024, 6, 1)), due=[[]]
    )
    plan_with_rows(communes["binh"], due=[["2024-01-31"], ["2024-02-29"]])
    board = district_dashboard(unit=communes["district"], year=2024, sort=sort, today=TODAY)
    assert [row.unit.name for row in board.rows] == expected


def _district_with(communes):
    district = unit(Unit.Kind.DISTRICT, f"Huyện {communes}")
    for n in range(communes):
        commune = unit(Unit.Kind.COMMUNE, f"Xã {n}", district)
        if n % 3:  # every third commune has no plan yet
            plan = plan_with_rows(
                commune,
                status=Status.SUBMITTED,
                submitted_at=timezone.now(),
                due=[["2024-01-31"], ["2024-12-31"], []],
                results={0: Progress.DONE},
            )
            target(plan, f"kpi-{n % 2}", "40", "50")
    return district


def test_the_number_of_queries_does_not_grow_with_the_communes():
    counts = []
    for communes in (3, 6):
        district = _district_with(communes)
        with CaptureQueriesContext(connection) as queries:
            board = district_dashboard(unit=district, year=2024, today=TODAY)
        assert board.total == communes
        counts.append(len(queries))
    # communes, their parents, plans, their stored figures with their change counts, the change counts of
    # those to compute, computing them (rows, targets, storing), the units in between, the recorded
    # working-day changes (periods.CalendarDay) of the days waiting
    assert counts[0] == counts[1] == 10


def test_the_page_s_number_of_queries_does_not_grow_with_the_communes(client):
    counts = []
    for communes in (3, 6):
        district = _district_with(communes)
        client.force_login(member(district, Membership.Role.REVIEWER))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"nam": 2024})
        assert response.status_code == 200 and len(response.context["board"].rows) == communes
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- the page ----------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.SIGNER, Membership.Role.ADMIN])
def test_the_dashboard_is_for_reviewers(client, communes, role):
    client.force_login(member(communes["district"], role))
    assert client.get(URL).status_code == 403


def test_a_district_reviewer_sees_its_communes_only(client, communes):
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=timezone.now())
    plan_with_rows(communes["xa_khac"], status=Status.SUBMITTED, submitted_at=timezone.now())
    client.force_login(member(communes["district"], Membership.Role.REVIEWER))
    response = client.get(URL, {"nam": 2024})
    html = response.content.decode()
    assert response.status_code == 200
    assert "An Thử" in html and "Bình Minh" in html and "Phường" in html and "Xã Khác" not in html
    assert "Chưa có kế hoạch" in html
    assert 'name="don_vi"' not in html  # one unit: no unit select


def test_a_reviewer_may_not_open_another_unit_s_dashboard(client, communes):
    client.force_login(member(communes["district"], Membership.Role.REVIEWER))
    assert client.get(URL, {"don_vi": communes["other_district"].pk}).status_code == 404
    assert client.get(URL, {"don_vi": communes["province"].pk}).status_code == 404
    assert client.get(URL, {"don_vi": "999999"}).status_code == 404
    assert client.get(URL, {"don_vi": "abc"}).status_code == 404
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_HIDDEN).order_by("pk")
    assert [event.unit for event in refused] == [
        communes["other_district"],
        communes["province"],
    ]  # existing units only


def test_a_province_reviewer_may_choose_a_district_below(client, communes):
    client.force_login(member(communes["province"], Membership.Role.REVIEWER))
    response = client.get(URL, {"don_vi": communes["other_district"].pk, "nam": 2024})
    assert response.status_code == 200
    assert [row.unit.name for row in response.context["board"].rows] == ["Xã Khác"]
    assert 'name="don_vi"' in response.content.decode()


def test_a_reviewer_of_two_districts_gets_a_choice(client, communes):
    reviewer = member(communes["district"], Membership.Role.REVIEWER)
    Membership.objects.create(user=reviewer, unit=communes["other_district"], role=Membership.Role.REVIEWER)
    client.force_login(reviewer)
    response = client.get(URL)
    assert [u.pk for u in response.context["units"]] == [communes["district"].pk, communes["other_district"].pk]
    assert response.context["unit"] == communes["district"]


def test_the_page_passes_filters_and_sorting_to_the_selector(client, communes):
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=timezone.now())
    plan_with_rows(communes["binh"], due=[["2024-01-31"]])
    client.force_login(member(communes["district"], Membership.Role.REVIEWER))
    by_status = client.get(URL, {"nam": 2024, "trang_thai": "submitted"})
    assert [row.unit.name for row in by_status.context["board"].rows] == ["An Thử"]
    searched = client.get(URL, {"nam": 2024, "q": "binh"})
    assert [row.unit.name for row in searched.context["board"].rows] == ["Bình Minh"]
    overdue = client.get(URL, {"nam": 2024, "qua_han": "1"})
    assert [row.unit.name for row in overdue.context["board"].rows] == ["Bình Minh"]
    sorted_ = client.get(URL, {"nam": 2024, "sap_xep": "-name"})
    assert [row.unit.name for row in sorted_.context["board"].rows] == ["Đông Tiến", "Bình Minh", "An Thử"]
    assert "sap_xep=name" in sorted_.content.decode()  # the heading link reverses again


def test_the_year_defaults_to_this_year(client, communes):
    client.force_login(member(communes["district"], Membership.Role.REVIEWER))
    assert client.get(URL).context["year"] == timezone.localdate().year


def test_seed_reviewers(client, seed):
    from orgs.models import User

    client.force_login(User.objects.get(username="gia-loc-reviewer"))
    response = client.get(URL, {"nam": 2024})
    rows = response.context["board"].rows
    assert [(row.unit.name, row.status) for row in rows] == [("Lê Lợi", Status.DRAFT)]
    assert rows[0].rows > 0
    client.force_login(User.objects.get(username="le-loi-editor"))
    assert client.get(URL).status_code == 403


def test_without_a_chosen_year_the_dashboard_opens_on_the_latest_year_with_plans(client, seed):
    from orgs.models import User

    client.force_login(User.objects.get(username="gia-loc-reviewer"))
    response = client.get("/ke-hoach/bang-dieu-khien/")
    assert response.context["year"] == 2024  # the seed plans are 2024's; this year has none yet


def test_a_province_with_districts_drills_down_to_each_district(client, communes):
    plan_with_rows(communes["an"], status=Status.SUBMITTED, submitted_at=timezone.now(), due=[["2024-01-31"]])
    plan_with_rows(communes["xa_khac"], status=Status.ISSUED, due=[[]])
    client.force_login(member(communes["province"], Membership.Role.REVIEWER))
    response = client.get(URL, {"nam": 2024})
    below = {row.unit.name: row for row, _ in response.context["below"]}
    assert (below["Gia Thử"].communes, below["Gia Thử"].planned, below["Gia Thử"].waiting) == (3, 1, 1)
    assert below["Gia Thử"].overdue_rows == 1
    assert (below["Huyện Khác"].communes, below["Huyện Khác"].by_status) == (1, {Status.ISSUED: 1})
    link = dict((row.unit.name, url) for row, url in response.context["below"])["Gia Thử"]
    assert f"don_vi={communes['district'].pk}" in link
    assert client.get(link).context["unit"] == communes["district"]


def test_a_district_has_no_units_in_between(communes):
    assert district_dashboard(unit=communes["district"], year=2024, today=TODAY).below == []


def test_the_page_shows_fifty_communes_at_a_time(client):
    district = unit(Unit.Kind.DISTRICT, "Huyện Đông")
    for n in range(60):
        unit(Unit.Kind.COMMUNE, f"Xã {n:02d}", district)
    client.force_login(member(district, Membership.Role.REVIEWER))
    first, second = client.get(URL), client.get(URL, {"trang": 2})
    assert len(first.context["page"].object_list) == 50 and len(second.context["page"].object_list) == 10
    assert "60 đơn vị cấp xã, trang 1/2" in first.content.decode()
    assert first.content.decode().count('class="unit-name"') == 50


# --- stored figures: never older than the last change ---------------------------------------------------


def test_the_stored_figures_follow_every_change_to_rows_progress_and_targets(communes):
    plan = plan_with_rows(communes["an"], due=[["2024-01-31"], ["2024-02-28"]])
    board = lambda: rows_by_name(district_dashboard(unit=communes["district"], year=2024, today=TODAY))["An Thử"]  # noqa: E731
    assert (board().rows, board().overdue_rows) == (2, 2)
    first = plan.sections.get().tasks.order_by("pk").first()
    TaskProgress.objects.create(task=first, period=ReportingPeriod.objects.first(), status=Progress.DONE)
    assert board().overdue_rows == 1  # a result recorded
    TaskFactory(section=plan.sections.get(), due_dates=["2024-03-31"])
    assert (board().rows, board().overdue_rows) == (3, 2)  # a row added
    Task.objects.filter(pk=first.pk).update(due_dates=["2024-12-31"])  # a bulk path, no save()
    assert board().overdue_rows == 2
    target(plan, "kpi-a", "40", "50")
    assert board().kpi_below == 1  # a weaker target


def test_a_bulk_write_of_many_rows_moves_the_change_count_once(communes):
    """Once per statement and plan (PostgreSQL's statement-level triggers): a count moved once per row made
    a bulk import bump one reports_planchange row a thousand times in one transaction."""
    plan = plan_with_rows(communes["an"], due=[["2024-01-31"]])
    section = plan.sections.get()
    count = lambda: PlanChange.objects.get(plan_id=plan.pk).epoch  # noqa: E731
    before = count()
    Task.objects.bulk_create(Task(section=section, order=n, content=f"Việc {n}") for n in range(2, 52))
    assert count() == before + 1
    Task.objects.filter(section=section).update(product="Báo cáo")
    assert count() == before + 2
    Task.objects.filter(section=section).delete()
    assert count() > before + 2


def test_figures_are_computed_once_until_something_changes(communes):
    plan_with_rows(communes["an"], due=[["2024-01-31"]])
    district_dashboard(unit=communes["district"], year=2024, today=TODAY)
    computed = PlanFigures.objects.get()
    with CaptureQueriesContext(connection) as queries:
        district_dashboard(unit=communes["district"], year=2024, today=TODAY)
    assert not any("INSERT" in query["sql"] or "tasks_task" in query["sql"] for query in queries.captured_queries)
    assert PlanFigures.objects.get().computed_at == computed.computed_at


def test_the_country_shows_its_provinces_and_no_commune_until_one_is_chosen(client):
    nation = unit(Unit.Kind.NATION, "Cả nước")
    north, south = unit(Unit.Kind.PROVINCE, "Tỉnh Bắc", nation), unit(Unit.Kind.PROVINCE, "Tỉnh Nam", nation)
    plan_with_rows(unit(Unit.Kind.COMMUNE, "Xã Một", north), status=Status.SUBMITTED, due=[["2024-01-31"], []])
    unit(Unit.Kind.COMMUNE, "Xã Hai", north)
    plan_with_rows(unit(Unit.Kind.WARD, "Phường Ba", south), status=Status.ISSUED, due=[[]])
    board = district_dashboard(unit=nation, year=2024, today=TODAY)
    assert board.summary_only and board.rows == [] and board.total == 3
    below = {row.unit.name: row for row in board.below}
    assert (below["Tỉnh Bắc"].communes, below["Tỉnh Bắc"].planned, below["Tỉnh Bắc"].waiting) == (2, 1, 1)
    assert (below["Tỉnh Bắc"].rows, below["Tỉnh Bắc"].overdue_rows) == (2, 1)
    assert below["Tỉnh Nam"].by_status == {Status.ISSUED: 1}
    assert dict((key, count) for key, _, count in board.counts)[NO_PLAN] == 1
    client.force_login(member(nation, Membership.Role.REVIEWER))
    page = client.get(URL, {"nam": 2024})
    assert "Chọn một đơn vị ở trên" in page.content.decode()
    province = client.get(dict((row.unit.name, url) for row, url in page.context["below"])["Tỉnh Bắc"])
    assert [row.unit.name for row in province.context["board"].rows] == ["Xã Hai", "Xã Một"]


def test_a_search_at_the_national_level_lists_the_communes_it_finds(communes):
    nation = unit(Unit.Kind.NATION, "Cả nước")
    communes["province"].parent = nation
    communes["province"].save()
    board = district_dashboard(unit=nation, year=2024, query="an thu", today=TODAY)
    assert [row.unit.name for row in board.rows] == ["An Thử"]
