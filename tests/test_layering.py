"""The apps depend one way (README, "Layout"): each app imports only the apps below it, never one above,
so the import graph has no cycle. Every import counts, at the top of a module or inside a function;
migrations and tests are left out. tthc_portal is the bottom (settings, Celery, jobs, printing) and
imports no app, except its urls.py, which routes to all of them."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Bottom to top.
LAYERS = ["tthc_portal", "orgs", "signing", "periods", "tasks", "plans", "indicators", "reports", "reminders", "demo"]
ROUTING = {Path("tthc_portal/urls.py")}


def _modules(app):
    root = Path(settings.BASE_DIR)
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" not in relative.parts:
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


def _imported_apps(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def _violations():
    found = []
    for rank, app in enumerate(LAYERS):
        for path, tree in _modules(app):
            if path in ROUTING:
                continue
            for line, target in _imported_apps(tree):
                if target in LAYERS and target != app and LAYERS.index(target) > rank:
                    found.append(f"{path}:{line} imports {target}, a layer above {app}")
    return found


def test_every_app_imports_only_the_apps_below_it():
    assert _violations() == []


def test_every_project_app_has_its_layer():
    project_apps = {
        config.name for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)
    }
    assert project_apps == set(LAYERS)


def test_an_import_from_above_is_found(tmp_path, monkeypatch):
    """The check itself: a module of orgs importing plans is reported."""
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "bad.py").write_text("def f():\n    from plans.models import Plan\n")
    monkeypatch.setattr(settings, "BASE_DIR", tmp_path)
    assert _violations() == ["orgs/bad.py:2 imports plans, a layer above orgs"]
