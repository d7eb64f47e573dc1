import json

import pytest
from django.conf import settings

from orgs.models import Unit
from plans.loading import load_plan
from plans.models import Plan
from plans.serializing import plan_to_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["le-loi-2024", "ha-tan-2024", "bac-giang-2024"])
def test_a_seed_plan_read_back_equals_its_fixture(seed, name):
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "plans" / f"{name}.json").read_text(encoding="utf-8"))
    plan = Plan.objects.get(unit__slug=fixture["unit"], year=fixture["year"])
    data = plan_to_data(plan)
    assert data["table"] == fixture["table"]
    assert data["appendices"] == fixture["appendices"]
    for key, value in fixture["document"].items():
        assert data["document"].get(key, value) == value, key


def test_loading_what_was_read_gives_the_same_plan(seed):
    original = Plan.objects.get(unit__slug="le-loi", year=2024)
    data = plan_to_data(original)
    copy = load_plan({**data, "year": 2025}, unit=Unit.objects.get(slug="le-loi"))
    assert plan_to_data(copy)["table"] == data["table"]
