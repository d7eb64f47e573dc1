from datetime import date
from decimal import Decimal

from reports.tally import Leaf, tally

CUTOFF = date(2023, 9, 14)


def leaves(*statuses, **extra):
    return [Leaf(key=str(n), status=status, **extra) for n, status in enumerate(statuses, 1)]


def test_in_progress_and_nothing_arose_count_as_carried_out():
    result = tally(leaves("done", "in_progress", "not_arisen", "not_started"), CUTOFF)
    assert (result.total, result.done) == (4, 3)


def test_the_rate_is_exact_as_communes_print_it():
    result = tally(leaves(*["done"] * 29, *["not_started"] * 3), CUTOFF)
    assert result.rate == Decimal("90.625")


def test_a_full_rate_prints_as_100():
    assert str(tally(leaves("done"), CUTOFF).rate) == "100"


def test_an_empty_plan_has_a_zero_rate():
    assert tally([], CUTOFF).rate == 0


def test_the_split_by_status_is_kept():
    result = tally(leaves("done", "done", "in_progress", "not_started"), CUTOFF)
    assert result.by_status == {"done": 2, "in_progress": 1, "not_arisen": 0, "not_started": 1}


def test_a_row_not_started_after_its_due_date_is_late():
    late = Leaf(key="II.5", status="not_started", due_dates=(date(2023, 6, 30),), deadline_kind="fixed")
    assert tally([late], CUTOFF).late == [late]


def test_a_row_due_after_the_cutoff_is_not_late():
    leaf = Leaf(key="1", status="not_started", due_dates=(date(2023, 12, 31),), deadline_kind="ongoing")
    assert tally([leaf], CUTOFF).late == []


def test_a_one_off_row_still_in_progress_after_its_due_date_is_late():
    leaf = Leaf(key="1", status="in_progress", due_dates=(date(2023, 3, 31),), deadline_kind="fixed")
    assert tally([leaf], CUTOFF).late == [leaf]


def test_periodic_work_in_progress_is_not_late():
    leaf = Leaf(
        key="1", status="in_progress", due_dates=(date(2023, 3, 31), date(2023, 6, 30)), deadline_kind="recurring"
    )
    assert tally([leaf], CUTOFF).late == []


def test_done_and_nothing_arose_are_never_late():
    past = (date(2023, 1, 31),)
    assert tally(leaves("done", "not_arisen", due_dates=past, deadline_kind="fixed"), CUTOFF).late == []
