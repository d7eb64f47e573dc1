"""Results kept by database state (tthc_portal.caching): shown again only while nothing was committed,
never older than the last saved change. These tests commit, so the database is transactional here."""

from datetime import date

import pytest
from django.db import transaction

from orgs.models import Unit
from plans.models import Plan
from reports.dashboard import district_dashboard
from tests.factories import PlanFactory, UnitFactory
from tthc_portal.caching import StateCache, database_state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TODAY = date(2024, 6, 30)


def counting_cache():
    calls = []
    kept = StateCache(size=4)
    return kept, calls, lambda: kept.get(("key",), lambda: calls.append(1) or len(calls))


def test_a_result_is_computed_once_while_nothing_is_committed():
    _, calls, read = counting_cache()
    assert read() == read() == 1
    assert len(calls) == 1


def test_a_commit_anywhere_computes_the_result_again():
    _, calls, read = counting_cache()
    read()
    UnitFactory(kind=Unit.Kind.PROVINCE)  # autocommit: a committed write
    assert read() == 2


def test_nothing_is_kept_inside_a_transaction_whose_own_writes_the_state_does_not_name():
    _, calls, read = counting_cache()
    with transaction.atomic():
        assert database_state() is None
        read()
        read()
    assert len(calls) == 2


def test_the_oldest_result_is_dropped_first():
    kept = StateCache(size=2)
    for key in ("a", "b", "c"):
        kept.get((key,), lambda key=key: key)
    assert [entry[0] for entry in kept.entries] == ["b", "c"]


def test_the_dashboard_shows_a_status_change_at_once():
    province = UnitFactory(kind=Unit.Kind.PROVINCE, name="Tỉnh Thử")
    commune = UnitFactory(kind=Unit.Kind.COMMUNE, name="Xã Một", parent=province)
    plan = PlanFactory(unit=commune, year=2024, status=Plan.Status.DRAFT)

    def status():
        return district_dashboard(unit=province, year=2024, today=TODAY).rows[0].status

    assert status() == status() == Plan.Status.DRAFT
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED)
    assert status() == Plan.Status.SUBMITTED
