"""record_measurement's validation, set_target's rule, and who may write."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from indicators import services
from indicators.models import Indicator, Measurement, PlanTarget
from orgs.models import Membership, User
from periods.models import ReportingPeriod
from plans.models import Plan
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(seed):
    return User.objects.get(username="le-loi-editor")


@pytest.fixture
def nine_months(seed):
    return ReportingPeriod.objects.get(code="9M")


@pytest.fixture
def digitised(seed):
    return Indicator.objects.get(code="results_digitised")


def record(plan, indicator, period, user, numerator, denominator, **kwargs):
    return services.record_measurement(
        plan=plan, indicator=indicator, period=period, numerator=numerator, denominator=denominator, user=user, **kwargs
    )


def errors_of(call):
    with pytest.raises(ValidationError) as refused:
        call()
    return {field: messages[0] for field, messages in refused.value.message_dict.items()}


# --- measurements -------------------------------------------------------------------------------------


def test_the_counts_are_stored_with_who_entered_them(le_loi_plan, digitised, nine_months, editor):
    m = record(le_loi_plan, digitised, nine_months, editor, 406, 412, note="Theo Hệ thống một cửa")
    m.refresh_from_db()
    assert (m.numerator, m.denominator, m.note, m.updated_by) == (406, 412, "Theo Hệ thống một cửa", editor)


def test_typed_text_is_accepted_including_thousands_groups(le_loi_plan, digitised, nine_months, editor):
    m = record(le_loi_plan, digitised, nine_months, editor, " 1.206 ", "1 412")
    assert (m.numerator, m.denominator) == (1206, 1412)


def test_a_second_entry_replaces_the_first(le_loi_plan, digitised, nine_months, editor):
    record(le_loi_plan, digitised, nine_months, editor, 1, 2)
    record(le_loi_plan, digitised, nine_months, editor, 406, 412)
    assert Measurement.objects.filter(plan=le_loi_plan, indicator=digitised, period=nine_months).count() == 1
    assert Measurement.objects.get(plan=le_loi_plan, indicator=digitised).numerator == 406


def test_a_zero_denominator_is_refused(le_loi_plan, digitised, nine_months, editor):
    assert errors_of(lambda: record(le_loi_plan, digitised, nine_months, editor, 0, 0)) == {
        "denominator": "Mẫu số phải lớn hơn 0."
    }
    assert not Measurement.objects.exists()


def test_a_numerator_above_the_denominator_is_refused(le_loi_plan, digitised, nine_months, editor):
    assert errors_of(lambda: record(le_loi_plan, digitised, nine_months, editor, "413", "412")) == {
        "numerator": "Tử số (413) không được lớn hơn mẫu số (412)."
    }


def test_a_numerator_equal_to_the_denominator_is_accepted(le_loi_plan, digitised, nine_months, editor):
    assert record(le_loi_plan, digitised, nine_months, editor, 412, 412).numerator == 412


def test_negative_numbers_are_refused_on_each_field(le_loi_plan, digitised, nine_months, editor):
    assert errors_of(lambda: record(le_loi_plan, digitised, nine_months, editor, "-1", -5)) == {
        "numerator": "Số liệu không được âm.",
        "denominator": "Số liệu không được âm.",
    }


@pytest.mark.parametrize("value", ["12,5", "12.5", "abc", "1e3", "", None, 12.0, True])
def test_anything_but_a_whole_number_is_refused(le_loi_plan, digitised, nine_months, editor, value):
    errors = errors_of(lambda: record(le_loi_plan, digitised, nine_months, editor, value, 412))
    assert set(errors) == {"numerator"}
    assert errors["numerator"] in {
        "Tử số phải là số nguyên (số hồ sơ, số lượt…), không có phần thập phân.",
        "Tử số phải là số nguyên.",
        "Chưa nhập tử số.",
    }


def test_a_count_beyond_the_databases_limit_is_refused(le_loi_plan, digitised, nine_months, editor):
    assert errors_of(lambda: record(le_loi_plan, digitised, nine_months, editor, 1, 10**10)) == {
        "denominator": "Mẫu số quá lớn."
    }


def test_the_database_refuses_what_the_service_would(le_loi_plan, digitised, nine_months):
    for numerator, denominator in ((5, 4), (0, 0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Measurement.objects.create(
                plan=le_loi_plan, indicator=digitised, period=nine_months, numerator=numerator, denominator=denominator
            )


@pytest.mark.parametrize(
    "username", ["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer", "gia-loc-admin", "ha-tan-editor"]
)
def test_only_the_communes_editor_or_admin_records_figures(le_loi_plan, digitised, nine_months, username):
    user = User.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        record(le_loi_plan, digitised, nine_months, user, 1, 2)


def test_the_communes_admin_records_figures_and_an_issued_plan_still_takes_them(le_loi_plan, digitised, nine_months):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.ISSUED)
    le_loi_plan.refresh_from_db()
    admin = User.objects.get(username="le-loi-admin")
    assert record(le_loi_plan, digitised, nine_months, admin, 1, 2).pk


def test_clearing_removes_the_figures(le_loi_plan, digitised, nine_months, editor):
    record(le_loi_plan, digitised, nine_months, editor, 1, 2)
    services.clear_measurement(plan=le_loi_plan, indicator=digitised, period=nine_months, user=editor)
    assert not Measurement.objects.exists()


# --- targets ------------------------------------------------------------------------------------------


def save_target(plan, user, indicator_code="online_dossiers", **changes):
    values = {
        "value": "60",
        "qualifier": "min",
        "responsible": "Bộ phận Một cửa xã",
        "last_year_result": "52,5",
        "higher_target": "50",
    } | changes
    return services.set_target(plan=plan, indicator=Indicator.objects.get(code=indicator_code), user=user, **values)


def test_a_target_is_saved_with_its_basis_and_the_rules_proposal(le_loi_plan, editor):
    version = le_loi_plan.version
    target, proposal = save_target(le_loi_plan, editor)
    target.refresh_from_db()
    assert (target.value, target.qualifier, target.responsible) == (Decimal(60), "min", "Bộ phận Một cửa xã")
    assert (target.last_year_result, target.higher_target) == (Decimal("52.5"), Decimal(50))
    assert proposal.value == Decimal("62.5")
    assert "cộng 10 điểm" in proposal.reason
    le_loi_plan.refresh_from_db()
    assert le_loi_plan.version == version + 1


def test_a_target_below_the_higher_levels_is_refused(le_loi_plan, editor):
    errors = errors_of(lambda: save_target(le_loi_plan, editor, value="45"))
    assert errors == {"value": "Chỉ tiêu 45% thấp hơn chỉ tiêu cấp trên giao (50%)."}
    assert PlanTarget.objects.get(plan=le_loi_plan, indicator__code="online_dossiers").value == Decimal(50)


def test_a_target_equal_to_the_higher_levels_is_accepted(le_loi_plan, editor):
    assert save_target(le_loi_plan, editor, value="50").target.value == Decimal(50)


def test_without_a_higher_target_any_value_in_range_is_accepted_and_nothing_is_proposed(le_loi_plan, editor):
    target, proposal = save_target(le_loi_plan, editor, value="30", higher_target="")
    assert target.higher_target is None and proposal.value is None


def test_the_proposal_is_capped_at_100(le_loi_plan, editor):
    _, proposal = save_target(le_loi_plan, editor, value="100", higher_target="90", last_year_result="95")
    assert proposal.value == Decimal(100)


def test_a_new_indicator_target_is_added(le_loi_plan, editor):
    target, _ = save_target(le_loi_plan, editor, indicator_code="digitised_on_receipt", value="100", qualifier="exact")
    assert target.plan == le_loi_plan and target.indicator.code == "digitised_on_receipt"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "", "Chưa nhập chỉ tiêu."),
        ("value", "101", "Chỉ tiêu phải nằm trong khoảng 0–100%."),
        ("value", "năm mươi", "Chỉ tiêu phải là một số (ví dụ 85 hoặc 88,5)."),
        ("value", "60,125", "Chỉ tiêu chỉ được có tối đa 2 chữ số thập phân."),
        ("last_year_result", "-3", "Kết quả năm trước phải nằm trong khoảng 0–100%."),
        ("higher_target", "120", "Chỉ tiêu cấp trên giao phải nằm trong khoảng 0–100%."),
        ("qualifier", "max", "Mức chỉ tiêu không hợp lệ."),
    ],
)
def test_wrong_target_input_is_refused_with_its_message(le_loi_plan, editor, field, value, message):
    assert errors_of(lambda: save_target(le_loi_plan, editor, **{field: value}))[field] == message


def test_a_percent_sign_and_a_decimal_comma_are_understood(le_loi_plan, editor):
    assert save_target(le_loi_plan, editor, value="62,5 %").target.value == Decimal("62.5")


def test_targets_are_not_edited_once_the_plan_is_submitted(le_loi_plan, editor):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.SUBMITTED)
    le_loi_plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="không sửa được chỉ tiêu"):
        save_target(le_loi_plan, editor)


def test_a_reviewer_above_does_not_edit_the_communes_targets(le_loi_plan):
    with pytest.raises(PermissionDenied, match="không có quyền sửa chỉ tiêu"):
        save_target(le_loi_plan, User.objects.get(username="gia-loc-reviewer"))


def test_any_editor_of_the_commune_may_edit_its_targets(le_loi_plan):
    user = member(le_loi_plan.unit, Membership.Role.EDITOR)
    assert save_target(le_loi_plan, user).target.pk


def test_removing_a_target(le_loi_plan, editor):
    target = PlanTarget.objects.get(plan=le_loi_plan, indicator__code="online_dossiers")
    services.remove_target(plan=le_loi_plan, target=target, user=editor)
    assert not PlanTarget.objects.filter(pk=target.pk).exists()


def test_the_live_proposal_ignores_what_is_not_a_number_yet():
    assert services.proposal_for(higher_target="50", last_year_result="6x").value == Decimal(50)
    assert services.proposal_for(higher_target="", last_year_result="70").value is None
