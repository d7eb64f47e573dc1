"""On PostgreSQL, the plan-change triggers of 0006 count once per statement and plan instead of once per
row. A row-level trigger made a bulk write of n rows bump the same reports_planchange row n times in one
transaction: n dead versions of one row that every following bump walks past, so each import of a table
was slower than the one before until a vacuum (inserting 1,000 rows: 0.10 s, 0.17 s, then 0.39 s on the
bench's machine). A statement-level trigger
reads the rows the statement changed from its transition tables (new_rows, old_rows) and bumps each plan
they belong to once. The count still moves with every change, which is all the dashboard asks of it
(reports.dashboard: figures are computed again when the count moved). SQLite has no statement-level
triggers; its row-level ones stay (an upsert there leaves no dead versions behind)."""

import importlib

from django.db import migrations

ROW_LEVEL = importlib.import_module("reports.migrations.0006_plan_change_triggers")

# The plans of the rows in a transition table {rows}: one join over all of them (0006 looked the plan up
# row by row).
PLANS = {
    "tasks_task": "SELECT s.plan_id AS p FROM {rows} r JOIN tasks_section s ON s.id = r.section_id",
    "tasks_taskprogress": (
        "SELECT s.plan_id AS p FROM {rows} r JOIN tasks_task t ON t.id = r.task_id "
        "JOIN tasks_section s ON s.id = t.section_id"
    ),
    "indicators_plantarget": "SELECT r.plan_id AS p FROM {rows} r",
}
BUMP = (
    "INSERT INTO reports_planchange (plan_id, epoch) SELECT DISTINCT p, 1 FROM ({plans}) AS changed "
    "WHERE p IS NOT NULL ON CONFLICT (plan_id) DO UPDATE SET epoch = reports_planchange.epoch + 1"
)
# (event, transition tables, which of them hold the rows changed)
EVENTS = [
    ("insert", "REFERENCING NEW TABLE AS new_rows", ["new_rows"]),
    ("update", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", ["old_rows", "new_rows"]),
    ("delete", "REFERENCING OLD TABLE AS old_rows", ["old_rows"]),
]


def _statement_level(table):
    """([statements that create], [statements that drop]) the statement-level triggers of `table`."""
    function = f"reports_bump_{table}"
    bumps = {
        event: BUMP.format(plans=" UNION ".join(PLANS[table].format(rows=rows) for rows in tables))
        for event, _, tables in EVENTS
    }
    body = (
        f"BEGIN IF TG_OP = 'INSERT' THEN {bumps['insert']}; "
        f"ELSIF TG_OP = 'UPDATE' THEN {bumps['update']}; "
        f"ELSE {bumps['delete']}; END IF; RETURN NULL; END"
    )
    creates = [f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$"]
    drops = []
    for event, transition, _ in EVENTS:
        trigger = f"{function}_{event}"
        creates.append(
            f"CREATE TRIGGER {trigger} AFTER {event.upper()} ON {table} {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        drops.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    return creates, drops


def _run(schema_editor, *, forward):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, plan in ROW_LEVEL.SOURCES:
        row_creates, row_drops = ROW_LEVEL._postgresql(table, plan)
        statement_creates, statement_drops = _statement_level(table)
        if forward:
            # The row-level trigger goes; its function is replaced by the statement-level one.
            statements = [row_drops[0], *statement_creates]
        else:
            statements = [*statement_drops, *row_creates]
        for statement in statements:
            schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, forward=True)


def backward(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_consolidated_report")]
    operations = [migrations.RunPython(forward, backward)]
