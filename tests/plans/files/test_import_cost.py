"""The import preview's cost is bounded by the upload limits, whatever a file holds: a deadline is
read up to MAX_DEADLINE_CHARS (longer ones are refused with a message). Writing the table costs as many
SQL queries for 1,000 rows as for 10."""

import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Membership
from periods.models import ReportingPeriod
from plans.files.importing import MAX_CELL_CHARS, MAX_DATA_ROWS, import_parsed, parse_plan_file
from plans.files.views import _preview_rows
from tasks import deadlines
from tasks.deadlines import MAX_DEADLINE_CHARS
from tasks.models import ProgressEvidence, Task, TaskProgress
from tests.factories import DecisionFactory, member
from tests.plans.files.test_importing import HEADER, parse_xlsx, xlsx_bytes


def _dense_deadline(rng):
    """A deadline cell of MAX_CELL_CHARS made only of what the parser matches (dates, quarters,
    months, markers), salted so the file stays within the zip's compression-ratio limit."""
    parts, size = [], 0
    while size < MAX_CELL_CHARS:
        part = (
            f"Quý I, quý II/2024; {rng.randint(1, 28)}/{rng.randint(1, 12)}/2024, tháng {rng.randint(1, 12)}/2024 "
            f"thường xuyên {rng.randint(0, 10**6)} "
        )
        parts.append(part)
        size += len(part)
    return "".join(parts)[:MAX_CELL_CHARS]


def _file(deadline_of):
    rows = [
        [i + 1, "Rà soát thủ tục hành chính", "Văn phòng", "Các ngành", deadline_of(i), "Báo cáo"]
        for i in range(MAX_DATA_ROWS)
    ]
    return xlsx_bytes([HEADER, *rows])


def _preview(data):
    parsed = parse_plan_file(name="ke-hoach.xlsx", data=data)
    return parsed, _preview_rows(parsed.sections, 2024)


def test_a_deadline_longer_than_the_limit_is_refused_in_the_preview_with_a_message():
    parsed = parse_xlsx([HEADER, ["1", "Rà soát", "Văn phòng", "", "Quý II/2024 " * 60, "Báo cáo"]])
    [problem] = [problem for problem in parsed.problems if problem.blocking]
    assert "Thời hạn hoàn thành" in problem.message and f"tối đa {MAX_DEADLINE_CHARS} ký tự" in problem.message
    assert parsed.blocking


def test_a_deadline_within_the_limit_is_accepted():
    parsed = parse_xlsx([HEADER, ["1", "Rà soát", "Văn phòng", "", "Quý II/2024; " * 30, "Báo cáo"]])
    assert not parsed.blocking


def test_the_worst_file_the_limits_allow_costs_a_bounded_multiple_of_a_normal_one(monkeypatch):
    rng = random.Random(7)
    worst = _file(lambda _i: _dense_deadline(rng))
    normal = _file(lambda _i: "Quý II/2024")
    read = []
    scan = deadlines._scan
    monkeypatch.setattr(deadlines, "_scan", lambda text, year: read.append(len(text)) or scan(text, year))

    def cost(data):
        started = time.perf_counter()
        _preview(data)
        return time.perf_counter() - started

    cost(normal), cost(worst)  # warm up (imports, regex caches)
    read.clear()
    normal_cost, worst_cost = min(cost(normal) for _ in range(2)), min(cost(worst) for _ in range(2))

    # A count of what the parser read: no more than the limit per row, however long the cells.
    assert len(read) == 4 * MAX_DATA_ROWS and max(read) <= MAX_DEADLINE_CHARS
    # And time, against a normal file of the same size in rows measured in this run (generous: ~5× here;
    # reading the whole 10,000-character cells made it ~25×).
    assert worst_cost < 15 * normal_cost, (worst_cost, normal_cost)


def test_the_row_editor_refuses_a_deadline_longer_than_the_limit_with_the_same_advice():
    from plans.editing.forms import TaskForm

    form = TaskForm(data={"number": "1", "content": "Rà soát", "deadline_text": "x" * (MAX_DEADLINE_CHARS + 1)})
    assert not form.is_valid()
    assert f"tối đa {MAX_DEADLINE_CHARS} ký tự" in form.errors["deadline_text"][0]


# -- writing: as many queries for 1,000 rows as for 10 -----------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _plan_file(rows):
    """A table of `rows` rows: a section every 100 rows, numbered rows, every third a "-" sub-item."""
    body = []
    for index in range(rows):
        if index % 100 == 0:
            body.append([ROMAN[index // 100], f"Mục {index // 100 + 1}"])
        elif index % 3 == 0:
            body.append(["-", "Ý con của nội dung trên", "", "", "Quý III/2024", ""])
        else:
            body.append([str(index), "Rà soát thủ tục hành chính", "Văn phòng", "Các thôn", "Quý II/2024", "Báo cáo"])
    return xlsx_bytes([HEADER, *body])


def _queries_to_write_again(rows):
    """The SQL queries of writing a table of `rows` rows over the same table, whose rows carry progress
    with evidence, as the import's confirm step writes it."""
    plan = DecisionFactory().plan
    editor = member(plan.unit, Membership.Role.EDITOR)
    parsed = parse_plan_file(name="ke-hoach.xlsx", data=_plan_file(rows))
    import_parsed(plan=plan, parsed=parsed, user=editor)
    period = ReportingPeriod.objects.first()
    progress = TaskProgress.objects.bulk_create(
        TaskProgress(task=task, period=period, status="done") for task in Task.objects.filter(section__plan=plan)
    )
    ProgressEvidence.objects.bulk_create(ProgressEvidence(progress=row, number="1/BC-UBND") for row in progress)
    with CaptureQueriesContext(connection) as queries:
        import_parsed(plan=plan, parsed=parsed, user=editor)
    assert Task.objects.filter(section__plan=plan).count() == parsed.task_count
    return len(queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite binds at most 999 parameters a statement: Django splits a bulk insert into batches of ~50 rows",
)
def test_writing_a_table_of_1000_rows_makes_as_many_queries_as_one_of_10(db):
    few, many = _queries_to_write_again(10), _queries_to_write_again(1_000)
    assert many == few, (few, many)
