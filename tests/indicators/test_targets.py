from decimal import Decimal

from indicators.targets import propose_target, target_problem


def test_without_last_years_result_the_target_is_the_higher_levels():
    assert propose_target(higher_target=50).value == Decimal(50)


def test_a_result_below_the_higher_target_keeps_the_higher_target():
    proposal = propose_target(higher_target=50, last_year_result=42.5)
    assert proposal.value == Decimal(50)
    assert "chưa đạt" in proposal.reason


def test_a_result_that_reached_the_target_adds_ten_points():
    proposal = propose_target(higher_target=50, last_year_result=62)
    assert proposal.value == Decimal(72)
    assert "cộng 10 điểm" in proposal.reason


def test_a_result_exactly_at_the_target_counts_as_reached():
    assert propose_target(higher_target=80, last_year_result=80).value == Decimal(90)


def test_the_proposal_is_capped_at_100():
    proposal = propose_target(higher_target=90, last_year_result=95)
    assert proposal.value == Decimal(100)
    assert "tối đa 100%" in proposal.reason


def test_decimal_results_are_kept_exactly():
    assert propose_target(higher_target=85, last_year_result="88.6").value == Decimal("98.6")


def test_no_higher_target_gives_no_proposal():
    assert propose_target(higher_target=None, last_year_result=70).value is None


def test_a_target_below_the_higher_levels_is_refused():
    assert target_problem(value=45, higher_target=50) == "Chỉ tiêu 45% thấp hơn chỉ tiêu cấp trên giao (50%)."


def test_a_target_above_100_is_refused():
    assert "0–100%" in target_problem(value=101, higher_target=50)


def test_a_target_at_or_above_the_higher_levels_is_accepted():
    assert target_problem(value=50, higher_target=50) is None
