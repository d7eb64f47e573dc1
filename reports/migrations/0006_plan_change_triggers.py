"""Triggers that count every change to a plan's rows, progress and KPI targets in reports_planchange
(reports.models.PlanChange), so the dashboard knows when its stored figures are out of date whatever
wrote the change. PostgreSQL and SQLite each get their own dialect."""

from django.db import migrations

# (table, how to find the plan of NEW or OLD: a SQL expression with {row} for NEW / OLD)
SOURCES = [
    ("tasks_task", "(SELECT plan_id FROM tasks_section WHERE id = {row}.section_id)"),
    (
        "tasks_taskprogress",
        "(SELECT s.plan_id FROM tasks_task t JOIN tasks_section s ON s.id = t.section_id WHERE t.id = {row}.task_id)",
    ),
    ("indicators_plantarget", "{row}.plan_id"),
]

BUMP = (
    "INSERT INTO reports_planchange (plan_id, epoch) SELECT p, 1 FROM (SELECT {plan} AS p) AS changed "
    "WHERE p IS NOT NULL ON CONFLICT (plan_id) DO UPDATE SET epoch = reports_planchange.epoch + 1"
)


def _postgresql(table, plan):
    """([statements that create], [statements that drop]) the trigger of `table`."""
    function = f"reports_bump_{table}"
    old, new = BUMP.format(plan=plan.format(row="OLD")), BUMP.format(plan=plan.format(row="NEW"))
    body = (
        f"BEGIN IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {new}; END IF; RETURN NULL; END"
    )
    return (
        [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ],
        [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"],
    )


def _sqlite(table, plan):
    creates, drops = [], []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        name = f"reports_bump_{table}_{event.lower()}"
        body = " ".join(BUMP.format(plan=plan.format(row=row)) + ";" for row in rows)
        creates.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END")
        drops.append(f"DROP TRIGGER IF EXISTS {name}")
    return creates, drops


def _run(schema_editor, *, forward):
    dialect = {"postgresql": _postgresql, "sqlite": _sqlite}.get(schema_editor.connection.vendor)
    if dialect is None:
        raise RuntimeError(f"No plan-change triggers for {schema_editor.connection.vendor}")
    for table, plan in SOURCES:
        creates, drops = dialect(table, plan)
        for statement in creates if forward else drops:
            schema_editor.execute(statement, params=None)


def create(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_plan_figures"),
        ("tasks", "0005_first_due"),
        ("indicators", "0004_period_moved_to_periods"),
    ]
    operations = [migrations.RunPython(create, drop)]
