"""The plan above drives the plans below: a commune (or, before 2025, a district) takes rows of its
higher units' plans into its own draft, each keeping a link to the row it came from (Task.source);
a copy from last year keeps the links whose row still exists in this year's higher plan.

The higher plans of a unit for a year are those of the units above it as the tree stood on 1 January
of that year (a 2024 commune: its district, then its province; a 2026 commune: its province): for
each, the issued plan of that year (its latest revision), or, when none is issued yet, its latest.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from orgs.models import PROVINCE_LEVEL_KINDS
from plans.editing.services import add_section, add_task, set_legal_bases, suggest_number
from plans.models import Plan
from tasks.models import Section, Task
from tasks.selectors import plan_table

from .rules import Match, concerns_communes, normalise, rule_phrases, section_key

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def higher_units(unit, year):
    """The units above `unit` as the tree stood on 1 January of `year`, nearest first."""
    return unit.chain_as_of(date(year, 1, 1))[1:]


def plan_of(unit, year):
    """The unit's issued plan of that year (latest revision), or its latest plan; None when it has none."""
    plans = Plan.objects.filter(unit_id=unit.pk, year=year).select_related("unit", "decision")
    return plans.filter(status=Plan.Status.ISSUED).order_by("-revision").first() or plans.order_by("-revision").first()


def higher_plans(unit, year):
    """[(higher unit as it stood then, its plan or None)], nearest first."""
    return [(higher, plan_of(higher, year)) for higher in higher_units(unit, year)]


# --- what the page lists ------------------------------------------------------------------------------


def has_cells(row):
    return bool(row.lead.strip() or row.partners.strip())


def offer_rows(section):
    """The rows of a section that can be taken, in order, as (row, is_group): a top-level row with its
    own lead or partners (or no sub-items) is taken whole, sub-items included; a top-level row that only
    groups sub-items carrying the cells (seed 001's "1. Công bố, công khai TTHC" → 1.1 … 1.5) is a
    heading (is_group) and each of its sub-items can be taken on its own."""
    for row in section.rows:
        if row.subitems and not has_cells(row):
            yield row, True
            for child in row.subitems:
                yield child, False
        else:
            yield row, False


@dataclass
class Offer:
    """A row of a higher plan, as "Lấy từ kế hoạch cấp trên" lists it."""

    row: Task
    section: Section
    match: Match | None  # why it is pre-selected (the rule); None: not for communes
    is_group: bool = False  # a heading over sub-items that are offered one by one
    taken: Task | None = None  # the row of this plan already linked to it

    @property
    def preselected(self):
        return self.match is not None and self.taken is None

    @property
    def is_subitem(self):
        return self.row.parent_id is not None


@dataclass
class HigherPlan:
    unit: object
    plan: Plan | None
    phrases: list[str] = field(default_factory=list)  # the rule, for the page
    sections: list[tuple[Section, list[Offer]]] = field(default_factory=list)


def offers_for(plan):
    """Each higher plan of `plan` with its rows and why each is (or is not) pre-selected."""
    taken = {row.source_id: row for row in Task.objects.filter(section__plan=plan, source__isnull=False)}
    result = []
    for unit, higher in higher_plans(plan.unit, plan.year):
        is_province = unit.kind in PROVINCE_LEVEL_KINDS
        phrases = [label for label, _ in rule_phrases(source_is_province=is_province, year=plan.year)]
        listed = HigherPlan(unit=unit, plan=higher, phrases=phrases)
        if higher is not None:
            for section in plan_table(higher):
                offers = []
                for row, is_group in offer_rows(section):
                    match = None
                    if not is_group:
                        match = concerns_communes(
                            row.lead or section.lead,
                            row.partners or section.partners,
                            source_is_province=is_province,
                            year=plan.year,
                        )
                    offers.append(
                        Offer(row=row, section=section, match=match, is_group=is_group, taken=taken.get(row.pk))
                    )
                listed.sections.append((section, offers))
        result.append(listed)
    return result


# --- taking rows ----------------------------------------------------------------------------------------


@dataclass
class Taken:
    added: list[Task] = field(default_factory=list)  # the rows chosen, as added
    created: int = 0  # every row written: the chosen ones, their sub-items, the headings they needed
    already: list[Task] = field(default_factory=list)  # source rows the plan had taken before
    cited: list[str] = field(default_factory=list)  # legal bases added
    not_cited: list[Plan] = field(default_factory=list)  # higher plans not issued yet: nothing to cite


def _row_data(row, number):
    return {
        "number": number,
        "content": row.content,
        "lead": row.lead,
        "partners": row.partners,
        "deadline_text": row.deadline_text,
        "product": row.product,
    }


def _next_roman(sections):
    used = {normalise(section.number).upper().rstrip(".") for section in sections}
    return next((numeral for numeral in ROMAN if numeral not in used), "")


@transaction.atomic
def take_rows(*, plan, row_ids, user):
    """Add the chosen rows of the higher plans to `plan`, under the section of the same title (a new
    one when it has none), each linked to its source: a top-level row with its sub-items, or a sub-item
    under the row taken from its heading (added once). Cite the higher plans in the decision's legal
    bases when they are not cited yet. All or nothing; ValidationError for a row that is not in a
    higher plan of `plan`."""
    allowed = {higher.pk for _, higher in higher_plans(plan.unit, plan.year) if higher is not None}
    wanted = set(row_ids)
    sources = list(
        Task.objects.filter(pk__in=wanted, section__plan_id__in=allowed)
        .select_related("section__plan__unit", "section__plan__decision", "parent")
        .order_by("section__plan__unit__path", "section__order", "parent__order", "order", "pk")
    )
    if len(sources) != len(wanted):
        raise ValidationError("Có nội dung không thuộc kế hoạch cấp trên của đơn vị; không thêm nội dung nào.")
    result = Taken()
    linked = {row.source_id: row for row in Task.objects.filter(section__plan=plan, source__isnull=False)}
    sections = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    used_plans: list[Plan] = []

    def section_for(source):
        section = next((s for s in sections if section_key(s.title) == section_key(source.section.title)), None)
        if section is None:
            data = {"number": _next_roman(sections), "title": source.section.title}
            section = add_section(plan=plan, data=data, user=user)
            sections.append(section)
        return section

    for source in sources:
        if source.pk in linked:
            result.already.append(linked[source.pk])
            continue
        if source.parent_id is None:
            section = section_for(source)
            row = add_task(
                section=section, data=_row_data(source, suggest_number(section=section)), user=user, source=source
            )
            for child in Task.objects.filter(parent=source).order_by("order", "pk"):
                linked[child.pk] = add_task(
                    section=section, parent=row, data=_row_data(child, child.number), user=user, source=child
                )
                result.created += 1
        else:  # a sub-item: under the row taken from its heading
            heading = linked.get(source.parent_id)
            if heading is None:
                section = section_for(source)
                data = {**_row_data(source.parent, suggest_number(section=section)), "lead": "", "partners": ""}
                heading = add_task(section=section, data=data, user=user, source=source.parent)
                linked[source.parent_id] = heading
                result.created += 1
            row = add_task(
                section=heading.section, parent=heading, data=_row_data(source, "-"), user=user, source=source
            )
        linked[source.pk] = row
        result.added.append(row)
        result.created += 1
        if source.section.plan not in used_plans:
            used_plans.append(source.section.plan)
    _cite(plan, used_plans, user, result)
    return result


def citation(higher):
    """ "Căn cứ Kế hoạch số 12/KH-UBND ngày 15/01/2024 của UBND tỉnh Bắc Giang về …;" """
    decision = higher.decision
    unit = higher.unit
    summary = " ".join(decision.summary.split())
    if summary[:2].lower() != "về":
        summary = "về " + summary[:1].lower() + summary[1:]
    else:
        summary = summary[:1].lower() + summary[1:]
    doc_type = decision.doc_type.strip().capitalize() or "Kế hoạch"
    issued = decision.issued_on.strftime("%d/%m/%Y")
    issuer = f"UBND {unit.get_kind_display().lower()} {unit.name}"
    return f"Căn cứ {doc_type} số {decision.number_text} ngày {issued} của {issuer} {summary};"


def _cite(plan, higher_plans_used, user, result):
    bases = [basis.text for basis in plan.decision.legal_bases.all()]
    added = []
    for higher in higher_plans_used:
        decision = higher.decision
        if not decision.number or not decision.issued_on:
            result.not_cited.append(higher)
            continue
        number = normalise(decision.number_text).replace(" ", "")
        if any(number in normalise(text).replace(" ", "") for text in bases + added):
            continue
        added.append(citation(higher))
    if added:
        set_legal_bases(plan=plan, texts=bases + added, user=user)
        result.cited = added


# --- copy from last year: the links follow the higher plan into the new year ---------------------------


@dataclass
class LostLink:
    """A copied row whose source row has no counterpart in the new year's higher plan."""

    content: str
    source_content: str
    source_unit: str


@dataclass
class Relinked:
    kept: int = 0
    lost: list[LostLink] = field(default_factory=list)
    no_higher_plan: bool = False  # the higher units have no plan of the new year yet


def _walk(rows):
    for row in rows:
        yield row
        yield from _walk(row.get("children") or [])


def relink(data, *, unit, year):
    """Point the rows' links (data's "source", last year's higher rows) at the same rows of `year`'s
    higher plans: the row copied from it (Task.origin, through new revisions and copies), or else the
    row of the same higher unit with the same text. A link with no counterpart is dropped and listed."""
    rows = [row for section in data["table"]["sections"] for row in _walk(section.get("tasks", []))]
    linked = [row for row in rows if row.get("source")]
    result = Relinked()
    if not linked:
        return result
    targets = [plan for _, plan in higher_plans(unit, year) if plan is not None]
    if not targets:
        result.no_higher_plan = True
    candidates = list(
        Task.objects.filter(section__plan__in=targets)
        .select_related("section__plan")
        .only("pk", "content", "origin_id", "section__plan__unit_id")
    )
    by_origin = {}
    frontier = {task.origin_id: task for task in candidates if task.origin_id}
    for _ in range(10):  # follow origins back through revisions and years
        if not frontier:
            break
        by_origin.update({pk: task for pk, task in frontier.items() if pk not in by_origin})
        older = dict(Task.objects.filter(pk__in=frontier, origin__isnull=False).values_list("pk", "origin_id"))
        frontier = {older[pk]: task for pk, task in frontier.items() if pk in older}
    by_text = {(task.section.plan.unit_id, normalise(task.content)): task for task in candidates}
    sources = {
        task.pk: task
        for task in Task.objects.filter(pk__in=[row["source"] for row in linked]).select_related("section__plan__unit")
    }
    for row in linked:
        source = sources.get(row["source"])
        target = None
        if source is not None:
            target = by_origin.get(source.pk) or by_text.get((source.section.plan.unit_id, normalise(source.content)))
        if target is not None:
            row["source"] = target.pk
            result.kept += 1
        else:
            row["source"] = None
            if source is not None:
                result.lost.append(
                    LostLink(
                        content=row["content"], source_content=source.content, source_unit=str(source.section.plan.unit)
                    )
                )
    return result
