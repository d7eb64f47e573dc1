import pytest

from orgs.models import Membership, Unit
from orgs.scoping import roles_for, units_visible_to
from orgs.services import UnitLookupError, find_unit
from plans.models import Plan
from tests.factories import UnitFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_a_commune_editor_sees_only_its_own_unit(tree):
    commune = tree.commune
    editor = member(commune, Membership.Role.EDITOR)
    assert list(units_visible_to(editor)) == [commune]


def test_a_district_reviewer_sees_its_unit_and_every_commune_below(tree):
    district = tree.district
    commune = tree.commune
    neighbour = tree.neighbour
    reviewer = member(district, Membership.Role.REVIEWER)
    assert set(units_visible_to(reviewer)) == {district, commune, neighbour}


def test_a_province_reviewer_sees_units_at_any_depth(tree):
    province = tree.province
    district = tree.district
    commune = tree.commune
    neighbour = tree.neighbour
    hamlet_level = UnitFactory(parent=commune)
    reviewer = member(province, Membership.Role.REVIEWER)
    assert set(units_visible_to(reviewer)) == {
        province,
        district,
        commune,
        neighbour,
        tree.other_district,
        tree.other_commune,
        hamlet_level,
    }


def test_a_user_without_membership_sees_nothing(tree):
    assert not units_visible_to(UserFactory()).exists()


def test_a_reviewer_inherits_its_role_on_units_below(tree):
    district = tree.district
    commune = tree.commune
    reviewer = member(district, Membership.Role.REVIEWER)
    assert roles_for(reviewer, commune) == {Membership.Role.REVIEWER}


def test_an_editor_has_no_role_on_a_neighbour(tree):
    commune = tree.commune
    neighbour = tree.neighbour
    editor = member(commune, Membership.Role.EDITOR)
    assert roles_for(editor, neighbour) == set()


def test_moving_a_unit_moves_its_subtree(tree):
    district = tree.district
    commune = tree.commune
    new_province = UnitFactory(kind=Unit.Kind.PROVINCE)
    district.parent = new_province
    district.save()
    commune.refresh_from_db()
    assert commune.path.startswith(new_province.path)
    assert set(new_province.descendants()) >= {district, commune}


def test_a_unit_cannot_be_placed_under_itself(tree):
    province = tree.province
    commune = tree.commune
    province.parent = commune
    with pytest.raises(ValueError):
        province.save()


def test_plans_are_scoped_by_the_same_rule(tree):
    district = tree.district
    commune = tree.commune
    neighbour = tree.neighbour
    mine, theirs = tree.plan, Plan.objects.create(unit=neighbour, year=2024)
    editor = member(commune, Membership.Role.EDITOR)
    assert list(Plan.objects.visible_to(editor)) == [mine]
    assert set(Plan.objects.visible_to(member(district, Membership.Role.REVIEWER))) == {mine, theirs}


def test_find_unit_by_name_code_or_slug(tree):
    province = tree.province
    commune = tree.commune
    province.official_code = "30"
    province.save()
    assert find_unit("xã an thử") == commune
    assert find_unit("30") == province
    assert find_unit(commune.slug) == commune


def test_find_unit_refuses_an_ambiguous_name(tree):
    UnitFactory(name="An Thử", parent=None)
    with pytest.raises(UnitLookupError, match="Có nhiều đơn vị"):
        find_unit("Xã An Thử")


def test_find_unit_refuses_an_unknown_name(tree):
    with pytest.raises(UnitLookupError, match="Không tìm thấy"):
        find_unit("Xã Không Có")
