"""The first draft of a report's narrative, written from the data the way a commune writes it.

Pure: `draft(facts)` takes the figures (the tally and its split, the rows not carried out, the late
rows, the KPI rows against their targets) and returns the text of each narrative field. It never
decides whether a field is overwritten: reports.services fills only the empty fields, and "Soạn lại
bản nháp" asks for all of them again.

"Trong 9 tháng đầu năm 2023, UBND xã Thanh Thủy đã triển khai thực hiện 29/32 nội dung công việc
theo Kế hoạch, đạt 90,625%. …"
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .tally import DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED

CONTENT_CHARS = 110


@dataclass(frozen=True)
class LeafLine:
    """One leaf content as the narrative names it: "II.5 Kiểm tra định kỳ …"."""

    key: str
    content: str
    due_dates: tuple = ()


@dataclass(frozen=True)
class SectionCount:
    number: str
    title: str
    total: int
    done: int
    not_started: tuple = ()  # keys


@dataclass
class Facts:
    unit_label: str  # "xã Thanh Thủy"
    period_label: str  # "9 tháng đầu năm 2023"
    cutoff: date
    year_cutoff: date  # the year's data cut-off (14/12), for "hoàn thành Kế hoạch năm …"
    plan_reference: str  # "Kế hoạch số 17/KH-UBND ngày 14/03/2023 của UBND xã Thanh Thủy về việc …"
    total: int
    done: int
    rate: Decimal
    by_status: dict
    sections: list = field(default_factory=list)  # SectionCount
    not_started: list = field(default_factory=list)  # LeafLine, not carried out at the cut-off
    late: list = field(default_factory=list)  # LeafLine, past a due date and not done
    kpi_rows: list = field(default_factory=list)  # indicators.selectors.KpiRow


# --- numbers as a Vietnamese report writes them ----------------------------------------------------


def rate_text(rate):
    """The tally's rate as seed 004 prints it: "90.625", "100", "33.333" (at most 3 decimals)."""
    value = Decimal(rate).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
    return format(value, "f")


def percent(value):
    """ "90,625%": a decimal comma, no trailing zeros; "" for no value."""
    if value is None:
        return ""
    return rate_text(value).replace(".", ",") + "%"


def number(value):
    """ "1.250" (a dot between thousands), "12,5" for a decimal."""
    if value is None:
        return ""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return format(value, "f").replace(".", ",")


def day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def short(text, limit=CONTENT_CHARS):
    """The first line of a content, cut at a word near `limit` characters, without its end punctuation."""
    line = " ".join((text or "").split())
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return line.rstrip(".;:,")


def lower_first(text):
    text = " ".join((text or "").split())
    return text[:1].lower() + text[1:] if text else ""


# --- the KPI rows (indicators.selectors.KpiRow) ----------------------------------------------------


def _indicator_name(row):
    return getattr(row.indicator, "name", None) or str(row.indicator)


def _has_target(row):
    return row.target_value is not None


def _counts(row):
    return f"{number(row.numerator)}/{number(row.denominator)}" if row.denominator else ""


def kpi_cells(row):
    """One KPI row as the report's table prints it."""
    return {
        "name": _indicator_name(row),
        "target": row.target_text,
        "counts": _counts(row),
        "rate": percent(row.rate),
        "verdict": row.status_text,
    }


def kpi_line(row):
    """ "- Tỷ lệ hồ sơ …: đạt 62,5% (250/400), chỉ tiêu giao tối thiểu 50% – đạt chỉ tiêu."."""
    name = _indicator_name(row)
    if row.rate is None:
        target = f" (chỉ tiêu giao {row.target_text})" if _has_target(row) else ""
        return f"- {name}: chưa có số liệu{target}."
    achieved = f"- {name}: đạt {percent(row.rate)} ({_counts(row)})"
    if not _has_target(row):
        return f"{achieved}, chưa giao chỉ tiêu."
    if row.met:
        return f"{achieved}, chỉ tiêu giao {row.target_text} – đạt chỉ tiêu."
    short_by = abs(Decimal(row.gap)) if row.gap is not None else None
    missing = f", còn thiếu {number(short_by)} điểm phần trăm" if short_by is not None else ""
    return f"{achieved}, chỉ tiêu giao {row.target_text} – chưa đạt{missing}."


# --- the fields --------------------------------------------------------------------------------------


def _leaf(line):
    return f"{line.key} {short(line.content)}"


def _end(text):
    """A list line ends with "." unless it ends with an ellipsis."""
    return text if text.endswith("…") else text + "."


def _due(line):
    return ", ".join(day(d) for d in line.due_dates)


def introduction(facts):
    return (
        f"Thực hiện {facts.plan_reference}, UBND {facts.unit_label} báo cáo kết quả thực hiện công tác kiểm soát "
        f"thủ tục hành chính {facts.period_label} như sau:"
    )


def results(facts):
    split = facts.by_status
    parts = [
        (split.get(DONE, 0), "nội dung đã hoàn thành"),
        (split.get(IN_PROGRESS, 0), "nội dung đang thực hiện"),
        (split.get(NOT_ARISEN, 0), "nội dung không phát sinh yêu cầu"),
        (split.get(NOT_STARTED, 0), "nội dung chưa thực hiện"),
    ]
    lines = [
        f"Trong {facts.period_label}, UBND {facts.unit_label} đã triển khai thực hiện {facts.done}/{facts.total} "
        f"nội dung công việc theo Kế hoạch, đạt {percent(facts.rate)}. Trong đó: "
        + "; ".join(f"{count} {label}" for count, label in parts if count)
        + "."
    ]
    if not facts.total:
        lines = [f"Kế hoạch chưa có nội dung công việc nào để đánh giá trong {facts.period_label}."]
    for section in facts.sections:
        line = f"- {section.title.rstrip('.:;')}: đã thực hiện {section.done}/{section.total} nội dung"
        if section.not_started:
            line += f"; chưa thực hiện: {', '.join(section.not_started)}"
        lines.append(line + ".")
    lines.append("Kết quả thực hiện từng nội dung tại Phụ lục kèm theo.")
    return "\n".join(lines)


def kpi_summary(facts):
    rows = facts.kpi_rows
    targeted = [row for row in rows if _has_target(row)]
    if not rows:
        return "Kế hoạch chưa giao chỉ tiêu định lượng nào để đánh giá trong kỳ báo cáo."
    met = [row for row in targeted if row.met]
    unmeasured = [row for row in targeted if row.rate is None]
    head = f"Tính đến ngày {day(facts.cutoff)}, {len(met)}/{len(targeted)} chỉ tiêu được giao đã đạt"
    if unmeasured:
        head += f"; {len(unmeasured)} chỉ tiêu chưa có số liệu"
    return "\n".join([head + ":"] + [kpi_line(row) for row in rows])


def late_items(facts):
    lines = []
    if facts.late:
        lines.append(
            f"Tính đến ngày {day(facts.cutoff)}, có {len(facts.late)} nội dung chậm so với thời hạn của Kế hoạch:"
        )
        lines += [f"- {_leaf(line)}: hạn {_due(line)}, chưa hoàn thành." for line in facts.late]
    else:
        lines.append(f"Tính đến ngày {day(facts.cutoff)}, không có nội dung nào chậm so với thời hạn của Kế hoạch.")
    late_keys = {line.key for line in facts.late}
    waiting = [line for line in facts.not_started if line.key not in late_keys]
    if waiting:
        lines.append(
            f"Các nội dung chưa thực hiện ({len(waiting)} nội dung, chưa đến hạn hoặc thực hiện theo hướng dẫn của "
            f"cấp trên):"
        )
        lines += [_end(f"- {_leaf(line)}") for line in waiting]
    return "\n".join(lines)


def shortcomings(facts):
    lines = []
    if facts.not_started:
        keys = ", ".join(line.key for line in facts.not_started)
        lines.append(f"- Còn {len(facts.not_started)} nội dung của Kế hoạch chưa được triển khai thực hiện ({keys}).")
    if facts.late:
        lines.append(f"- Có {len(facts.late)} nội dung chậm so với thời hạn của Kế hoạch.")
    for row in facts.kpi_rows:
        if row.met is False:
            lines.append(
                f"- Chỉ tiêu “{_indicator_name(row)}” chưa đạt: đạt {percent(row.rate)}, chỉ tiêu giao "
                f"{row.target_text}."
            )
    unmeasured = [_indicator_name(row) for row in facts.kpi_rows if _has_target(row) and row.rate is None]
    if unmeasured:
        lines.append(f"- Chưa có số liệu để đánh giá chỉ tiêu: {'; '.join(unmeasured)}.")
    if not lines:
        lines.append(
            f"- Các nội dung của Kế hoạch được triển khai đúng tiến độ; chưa phát sinh tồn tại, hạn chế trong "
            f"{facts.period_label}."
        )
    return "\n".join(lines)


def next_steps(facts):
    lines = []
    if facts.late:
        lines.append(f"- Tập trung hoàn thành các nội dung chậm tiến độ: {', '.join(line.key for line in facts.late)}.")
    late_keys = {line.key for line in facts.late}
    waiting = [line.key for line in facts.not_started if line.key not in late_keys]
    if waiting:
        lines.append(f"- Khẩn trương triển khai các nội dung chưa thực hiện: {', '.join(waiting)}.")
    unmet = [_indicator_name(row) for row in facts.kpi_rows if row.met is False]
    if unmet:
        lines.append(f"- Có giải pháp nâng cao kết quả các chỉ tiêu chưa đạt: {'; '.join(unmet)}.")
    lines.append(
        f"- Tiếp tục triển khai các nội dung đang thực hiện, bảo đảm hoàn thành Kế hoạch năm {facts.year_cutoff.year} "
        f"trước ngày {day(facts.year_cutoff)}."
    )
    lines.append(
        "- Thực hiện nghiêm chế độ báo cáo định kỳ, đột xuất về công tác kiểm soát thủ tục hành chính theo quy định."
    )
    return "\n".join(lines)


FIELDS = {
    "introduction": introduction,
    "results": results,
    "kpi_summary": kpi_summary,
    "late_items": late_items,
    "shortcomings": shortcomings,
    "next_steps": next_steps,
}


def draft(facts):
    """{field name: first-draft text} for every narrative field of reports.Report."""
    return {name: write(facts) for name, write in FIELDS.items()}
