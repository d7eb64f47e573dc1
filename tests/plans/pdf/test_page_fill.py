"""Printing without holes: a table row runs on to the next page at a line boundary (as Word lets it),
with at least two lines of a cell on each side of the break and the header row repeated; a section
heading stays with the row after it; so a page of a table followed by more of the same table ends at
most 15 mm above its bottom margin. Checked on WeasyPrint's layout of generated tables with tall rows
and of the seed plans."""

import random

import pytest
from weasyprint.formatting_structure import boxes

from plans.models import Plan
from plans.pdf.documents import plan_document_html
from tasks.models import Section
from tasks.services import create_table
from tests.factories import make_plan, member
from tthc_portal.printing import STATIC_BASE, PrintHTML, ProjectStaticFetcher

PX_MM = 25.4 / 96
MAX_GAP_MM = 15

pytestmark = pytest.mark.django_db


def _layout(html):
    return PrintHTML(string=html, base_url=STATIC_BASE, url_fetcher=ProjectStaticFetcher()).render()


def _tables(page):
    """The tables laid out on a page: their element → the TableBox (its fragment on this page)."""
    return {box.element: box for box in page._page_box.descendants() if isinstance(box, boxes.TableBox)}


def _body_rows(table):
    return [row for group in table.children if not group.is_header and not group.is_footer for row in group.children]


def _classes(row):
    return (row.element.get("class") or "").split()


def table_breaks(document):
    """For each page whose table goes on to the next page: (page number, gap in mm between its last row
    and the bottom of the page's content area, that last row, the first body row on the next page)."""
    found = []
    for index, (page, following) in enumerate(zip(document.pages, document.pages[1:], strict=False)):
        here, there = _tables(page), _tables(following)
        for element in here.keys() & there.keys():
            rows = [row for group in here[element].children for row in group.children]
            bottom = max(row.position_y + row.margin_height() for row in rows)
            content = page._page_box
            gap = (content.content_box_y() + content.height - bottom) * PX_MM
            last, next_rows = _body_rows(here[element]), _body_rows(there[element])
            found.append((index + 1, gap, last[-1] if last else None, next_rows[0] if next_rows else None))
    return found


def _tall_plan(unit, *, rows=40, seed=3):
    """A plan of `rows` rows of 3 to 22 lines, in four sections."""
    rng = random.Random(seed)
    words = "rà soát đánh giá thủ tục hành chính công khai niêm yết tiếp nhận giải quyết hồ sơ trực tuyến".split()

    def text(lines):
        return " ".join(rng.choice(words) for _ in range(lines * 14))

    plan = make_plan(unit, year=2025, rows=0)
    Section.objects.filter(plan=plan).delete()
    sections = [
        {
            "number": roman,
            "title": f"Nhóm nhiệm vụ {roman}",
            "tasks": [
                {
                    "number": str(n),
                    "content": text(rng.randint(3, 22)),
                    "lead": "Văn phòng HĐND và UBND",
                    "partners": text(rng.randint(1, 4)),
                    "deadline": "Thường xuyên",
                    "product": text(rng.randint(1, 3)),
                }
                for n in range(1, rows // 4 + 1)
            ],
        }
        for roman in ("I", "II", "III", "IV")
    ]
    create_table(plan=plan, sections=sections)
    return plan


@pytest.fixture
def commune(tree):
    member(tree.commune, "editor")
    return tree.commune


@pytest.mark.parametrize("seed", [3, 11])
def test_a_table_of_tall_rows_leaves_no_page_more_than_15_mm_short(commune, seed):
    breaks = table_breaks(_layout(plan_document_html(_tall_plan(commune, seed=seed))))
    assert len(breaks) >= 5
    assert [(page, round(gap, 1)) for page, gap, _, _ in breaks if gap > MAX_GAP_MM] == []


def test_a_tall_row_runs_on_with_at_least_two_lines_of_a_cell_on_each_side(commune):
    split = 0
    for page, _gap, last, first in table_breaks(_layout(plan_document_html(_tall_plan(commune)))):
        if last is None or first is None or last.element is not first.element:
            continue  # the page ends between rows
        split += 1
        for fragment in (last, first):
            for cell in fragment.children:
                lines = [box for box in cell.descendants() if isinstance(box, boxes.LineBox)]
                assert len(lines) != 1 or _one_line_cell(cell), (page, [len(lines)])
    assert split >= 3


def _one_line_cell(cell):
    """A cell whose whole text is one line (the row number, the lead) is not split: it stays whole in
    one of the fragments."""
    return len(" ".join(cell.element.itertext()).split()) <= 6


def test_a_section_heading_is_never_the_last_row_of_a_page(commune):
    for page, _gap, last, _first in table_breaks(_layout(plan_document_html(_tall_plan(commune, rows=60)))):
        assert "section" not in _classes(last), page


def test_the_header_row_is_repeated_on_every_page_of_the_table(commune):
    document = _layout(plan_document_html(_tall_plan(commune)))
    plan_tables = [
        table
        for page in document.pages
        for element, table in _tables(page).items()
        if "tasks" in (element.get("class") or "").split()
    ]
    assert len(plan_tables) > 3
    for table in plan_tables:
        assert any(group.is_header for group in table.children)


def test_the_seed_plans_print_their_tables_without_holes(seed):
    """The four seed plans: at most 15 mm, or, where the next page opens with a section heading kept with
    its row, that heading's height more (the heading may not end a page)."""
    for plan in Plan.objects.filter(unit__slug__in=["le-loi", "ha-tan", "bac-giang", "thanh-thuy"]):
        assert _holes(table_breaks(_layout(plan_document_html(plan)))) == [], plan.unit.slug


def _holes(breaks):
    """(page, gap) of the pages that end more than 15 mm short, beyond the height of a section heading
    that opens the next page (kept with its row, it may not end a page)."""
    holes = []
    for page, gap, _last, first in breaks:
        heading = first is not None and "section" in _classes(first)
        if gap > MAX_GAP_MM + (first.margin_height() * PX_MM if heading else 0):
            holes.append((page, round(gap, 1)))
    return holes


def test_the_9_month_report_of_thanh_thuy_prints_its_appendix_without_holes(seed):
    from periods.models import ReportingPeriod
    from reports.documents import report_document_html
    from reports.models import Report

    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    period = ReportingPeriod.objects.get(code="9M")
    report = Report.objects.filter(plan=plan, period=period).first() or Report(plan=plan, period=period)
    breaks = table_breaks(_layout(report_document_html(report)))
    assert breaks
    assert _holes(breaks) == []


def test_the_print_stylesheets_are_parsed_once_per_process_and_print_the_same(seed):
    """tthc_portal.printing reuses the parsed print/*.css and its fonts between renders; the pages are
    the same as with the stylesheets read afresh."""
    from tthc_portal import printing

    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    html = plan_document_html(plan)
    first = printing.render_pdf(html)
    parsed = dict(printing._stylesheets)
    second = printing.render_pdf(html)
    assert parsed and printing._stylesheets == parsed  # nothing parsed again
    fresh = PrintHTML(string=html, base_url=STATIC_BASE, url_fetcher=ProjectStaticFetcher()).render()
    assert first.pages == second.pages == len(fresh.pages)
    assert first.anchors == second.anchors
