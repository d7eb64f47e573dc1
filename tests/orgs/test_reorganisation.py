"""Reorganising the unit tree: every operation, the memberships, the scoping afterwards, the refused files."""

import json
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from orgs.models import AuditEvent, Membership, Unit
from orgs.reorganisation import ReorganisationError, kind_of, reorganise
from orgs.scoping import units_visible_to
from plans.models import Plan
from plans.permissions import can_edit_plan, ensure_plan_editable
from tests.factories import UnitFactory, make_plan, member

pytestmark = pytest.mark.django_db

EFFECTIVE = "2025-07-01"


def plan(operations, **extra):
    return {"effective": EFFECTIVE, "operations": operations, **extra}


def fresh(unit):
    return Unit.objects.get(pk=unit.pk)


# --- the operations -----------------------------------------------------------------------------------


def test_dissolving_a_district_moves_its_communes_to_the_province_and_ends_it(tree):
    result = reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    assert result.applied
    assert fresh(tree.commune).parent == tree.province and fresh(tree.neighbour).parent == tree.province
    assert fresh(tree.commune).path.startswith(tree.province.path)
    assert fresh(tree.district).valid_until == date(2025, 7, 1)
    assert Plan.objects.get(pk=tree.plan.pk).unit == tree.commune  # nothing deleted


def test_merging_communes_into_a_new_one_makes_them_its_predecessors(tree):
    reorganise(
        plan(
            [
                {
                    "op": "merge",
                    "units": [tree.commune.slug, tree.neighbour.slug],
                    "into": {"name": "An Bình", "kind": "xã", "parent": tree.district.slug},
                }
            ]
        )
    )
    new = Unit.objects.get(name="An Bình")
    assert (new.kind, new.parent, new.valid_from) == (Unit.Kind.COMMUNE, tree.district, date(2025, 7, 1))
    assert set(new.predecessors.all()) == {tree.commune, tree.neighbour}
    assert fresh(tree.commune).has_ended() and fresh(tree.neighbour).has_ended()


def test_merging_into_an_existing_unit_moves_the_children_under_it(tree):
    reorganise(plan([{"op": "merge", "units": [tree.other_district.slug], "into": tree.district.slug}]))
    assert fresh(tree.other_commune).parent == tree.district
    assert tree.other_district in fresh(tree.district).predecessors.all()


def test_moving_and_renaming(tree):
    reorganise(
        plan(
            [
                {"op": "move", "unit": tree.commune.slug, "parent": tree.other_district.slug},
                {"op": "rename", "unit": tree.other_district.slug, "name": "Kinh Bắc", "kind": "đặc khu"},
            ]
        )
    )
    assert fresh(tree.commune).parent == tree.other_district
    renamed = fresh(tree.other_district)
    assert (renamed.name, renamed.kind) == ("Kinh Bắc", Unit.Kind.SPECIAL_ZONE)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("tỉnh", "tinh"),
        ("Thành phố", "thanh_pho"),
        ("xã", "xa"),
        ("phường", "phuong"),
        ("đặc khu", "dac_khu"),
        ("xa", "xa"),
    ],
)
def test_kinds_take_the_documents_words_and_the_codes(word, kind):
    assert kind_of(word, "Thao tác 1") == kind


def test_the_tree_of_an_earlier_day_is_kept_in_the_history(tree):
    reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    commune = fresh(tree.commune)
    assert [unit.name for unit in commune.chain_as_of(date(2024, 12, 31))] == ["An Thử", "Thử", "Thử Nghiệm"]
    assert [unit.name for unit in commune.chain_as_of(date(2025, 7, 1))] == ["An Thử", "Thử Nghiệm"]
    assert commune.as_of(date(2024, 12, 31)).parent_id == tree.district.pk


def test_a_reorganisation_is_audited(tree):
    reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNITS_REORGANISED)
    assert "Giải thể Huyện Thử" in event.details["changes"][0]


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(tree):
    result = reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]), dry_run=True)
    assert not result.applied and result.changes and "Giải thể" in result.changes[0]
    assert fresh(tree.commune).parent == tree.district and fresh(tree.district).valid_until is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UNITS_REORGANISED).exists()


# --- memberships and what users see afterwards ------------------------------------------------------------


def test_a_dissolved_districts_reviewer_sees_nothing_and_the_province_reviewer_sees_its_communes(tree):
    reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    assert Membership.objects.get(user=tree.district_reviewer).ended_on == date(2025, 7, 1)
    assert list(units_visible_to(tree.district_reviewer)) == []
    assert {tree.commune, tree.neighbour} <= set(units_visible_to(tree.province_reviewer))


def test_mapped_memberships_move_to_the_successor(tree):
    reorganise(
        plan(
            [
                {
                    "op": "merge",
                    "units": [tree.commune.slug],
                    "into": {"name": "An Bình", "kind": "xã", "parent": tree.district.slug},
                }
            ],
            memberships=[{"from": tree.commune.slug, "to": "An Bình"}],
        )
    )
    new = Unit.objects.get(name="An Bình")
    assert Membership.objects.filter(user=tree.editor, unit=new, role=Membership.Role.EDITOR, ended_on=None).exists()
    # The merged commune's editor sees its successor and, through it, the old commune's plan, read-only.
    assert set(units_visible_to(tree.editor)) == {new, tree.commune}
    assert list(Plan.objects.visible_to(tree.editor)) == [tree.plan]
    old_plan = Plan.objects.get(pk=tree.plan.pk)
    assert not can_edit_plan(tree.editor, old_plan)
    with pytest.raises(Exception, match="hết hiệu lực"):
        ensure_plan_editable(old_plan)


def test_unmapped_memberships_of_a_merged_unit_end(tree):
    reorganise(plan([{"op": "merge", "units": [tree.commune.slug], "into": tree.neighbour.slug}]))
    assert not Membership.objects.filter(unit=tree.commune, ended_on=None).exists()
    assert list(units_visible_to(tree.editor)) == []


# --- refused files: a clear message, nothing changed -------------------------------------------------------


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        ([{"op": "dissolve", "unit": "Không Có"}], "Thao tác 1 (dissolve): Không tìm thấy đơn vị"),
        ([{"op": "explode", "unit": "x"}], "Thao tác 1 (explode): không có thao tác này"),
        ([{"op": "move", "unit": "THE_DISTRICT", "parent": "THE_COMMUNE"}], "không thể nằm dưới chính nó"),
        (
            [
                {"op": "merge", "units": ["THE_COMMUNE"], "into": "THE_NEIGHBOUR"},
                {"op": "merge", "units": ["THE_COMMUNE"], "into": "THE_NEIGHBOUR"},
            ],
            "Thao tác 2 (merge)",
        ),
        ([{"op": "rename", "unit": "THE_COMMUNE", "kind": "làng"}], "không hiểu cấp đơn vị “làng”"),
        ([{"op": "merge", "units": [], "into": "THE_NEIGHBOUR"}], "cần danh sách “units”"),
    ],
)
def test_a_bad_file_is_refused_with_the_operation_named_and_changes_nothing(tree, operations, message):
    names = {"THE_DISTRICT": tree.district.slug, "THE_COMMUNE": tree.commune.slug, "THE_NEIGHBOUR": tree.neighbour.slug}
    text = json.dumps(operations)
    for placeholder, slug in names.items():
        text = text.replace(placeholder, slug)
    before = sorted(Unit.objects.values_list("pk", "parent_id", "path", "valid_until"))
    with pytest.raises(ReorganisationError, match=re.escape(message)):
        reorganise(plan(json.loads(text)))
    assert sorted(Unit.objects.values_list("pk", "parent_id", "path", "valid_until")) == before
    assert not Membership.objects.exclude(ended_on=None).exists()


def test_a_date_before_a_units_start_is_refused(tree):
    tree.commune.valid_from = date(2026, 1, 1)
    tree.commune.save()
    with pytest.raises(ReorganisationError, match="trước ngày Xã An Thử bắt đầu"):
        reorganise(plan([{"op": "dissolve", "unit": tree.commune.slug}]))


def test_a_unit_that_already_ended_is_refused(tree):
    reorganise(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    with pytest.raises(ReorganisationError, match="đã hết hiệu lực"):
        reorganise({"effective": "2025-08-01", "operations": [{"op": "dissolve", "unit": tree.district.slug}]})


def test_a_half_applied_file_leaves_nothing_behind(tree):
    operations = [{"op": "dissolve", "unit": tree.district.slug}, {"op": "dissolve", "unit": "Không Có"}]
    with pytest.raises(ReorganisationError):
        reorganise(plan(operations))
    assert fresh(tree.commune).parent == tree.district and fresh(tree.district).valid_until is None


# --- the command -----------------------------------------------------------------------------------------


def test_the_command_applies_a_file_and_prints_the_changes(tree, tmp_path, capsys):
    path = tmp_path / "to-chuc-lai.json"
    path.write_text(json.dumps(plan([{"op": "dissolve", "unit": tree.district.slug}])), encoding="utf-8")
    call_command("reorganise", str(path), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["applied"] and printed["changes"][0].startswith("Giải thể Huyện Thử")


def test_the_command_refuses_a_bad_file_with_a_non_zero_exit(tree, tmp_path):
    path = tmp_path / "hong.json"
    path.write_text("{ không phải json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON"):
        call_command("reorganise", str(path))
    other = UnitFactory(kind=Unit.Kind.COMMUNE)
    make_plan(other)
    assert fresh(tree.commune).parent == tree.district
    assert member(other, Membership.Role.EDITOR).memberships.get().ended_on is None


def test_a_plan_issued_before_a_reorganisation_shows_the_units_as_they_were(client, seed):
    from tests.factories import log_in

    le_loi = Plan.objects.get(unit__slug="le-loi", year=2024)
    reorganise(plan([{"op": "dissolve", "unit": "gia-loc"}]))
    body = log_in(client, "hai-duong-reviewer").get(f"/ke-hoach/{le_loi.pk}/").content.decode()
    assert (
        "Xã Lê Lợi, Huyện Gia Lộc, Tỉnh Hải Dương (theo đơn vị hành chính khi ban hành; nay: Xã Lê Lợi, Tỉnh Hải Dương)"
        in body
    )


# --- the admin -------------------------------------------------------------------------------------------


def test_the_admin_previews_then_applies_a_reorganisation(client, tree, django_user_model):
    admin = django_user_model.objects.create_superuser("quan-tri", "qt@example.org", "mat-khau-rat-dai-2025")
    client.force_login(admin)
    url = "/quan-tri/orgs/unit/to-chuc-lai/"
    text = json.dumps(plan([{"op": "dissolve", "unit": tree.district.slug}]))
    preview = client.post(url, {"text": text, "preview": "1"})
    assert preview.status_code == 200 and "Giải thể Huyện Thử" in preview.content.decode()
    assert fresh(tree.commune).parent == tree.district  # nothing written by the preview
    applied = client.post(url, {"text": text, "apply": "1"})
    assert applied.status_code == 302 and fresh(tree.commune).parent == tree.province


def test_the_admin_shows_why_a_file_is_refused(client, tree, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quan-tri", "qt@example.org", "mat-khau-rat-dai"))
    response = client.post(
        "/quan-tri/orgs/unit/to-chuc-lai/",
        {"text": '{"effective": "2025-07-01", "operations": [{"op": "dissolve", "unit": "Không Có"}]}', "preview": "1"},
    )
    assert "Thao tác 1 (dissolve): Không tìm thấy đơn vị" in response.content.decode()


def test_only_a_superuser_reorganises(client, tree):
    staff = member(tree.province, Membership.Role.ADMIN, is_staff=True)
    client.force_login(staff)
    assert client.get("/quan-tri/orgs/unit/to-chuc-lai/").status_code == 403
