"""What a plan row's deadline ("Thời hạn" / "Thời gian hoàn thành") means.

Deadlines in commune plans are free text, wrapped over several lines by PDF
extraction ("Thường \\nxuyên trong \\nnăm 2024"). The portal keeps the text as
written and stores what it means: a kind and the due dates. Pure standard
library, no Django, so it can be tested (and reused) anywhere.

    >>> parse_deadline("Quý II/2024", 2024).as_dict()
    {'kind': 'fixed', 'due_dates': ['2024-06-30']}

Kinds
-----
``fixed``      exactly one due date.
``recurring``  more than one due date.
``ongoing``    continuous work ("Thường xuyên"), due at the end of its year.
``on_demand``  done when something arises ("Khi có phát sinh", "Đột xuất",
               "Theo yêu cầu", "Thực hiện khi có yêu cầu"); no date.
``per_plan``   the schedule is set elsewhere ("Theo kế hoạch riêng",
               "Theo lộ trình …", "Theo tiến độ đã giao", "Theo hướng dẫn của …",
               "Thực hiện lồng ghép với …"); no date.
``unknown``    nothing recognisable, or something malformed; no date.

Reading the text
----------------
1. ``None`` counts as "". Only the first 2,000 characters are read. The text is
   NFKC-normalised (so decomposed or full-width input matches), lower-cased,
   dashes unified, whitespace collapsed; "hàng tháng/quý/năm" is read as
   "hằng …" and "định kì" as "định kỳ" (spellings, not mistakes).
   A keyword typed with a wrong or missing diacritic is read as the keyword,
   and the result says which spelling it assumed (``Deadline.assumed``,
   ``describe_assumed()``: 'đã hiểu “thuờng xuyên” là “thường xuyên”'). A
   typed word reads as a keyword's word when its letters are the same once the
   marks are removed, and either at most one diacritic differs — a shape
   (ă â ê ô ơ ư đ; the two horns of "ươ" count once, one keystroke types them)
   or the tone (missing, extra, another one, or on another vowel) — or it
   carries no marks at all (typed without a Vietnamese keyboard):
   - phrases, wherever they stand, when every word of them reads so:
     "thuờng xuyên", "thường xuyen", "thuong xuyen", "dinh ky", "đột xuât",
     "khi co phat sinh", "theo ke hoach", "hang thang", "cuoi nam",
     "trước ngay", "chậm nhat" …;
   - single words only beside what makes them unambiguous ("nam" is also
     "south", "ngay" "at once", "quy" is in "quy định"): "quy II/2024",
     "quy 2", "quy/lần"; "thang 3/2024", "6 thang", "thang/lần"; "nam 2024",
     "nam/lần"; "ngay 15/9/2024"; "tháng/lan". A tone only moved to another
     vowel is read anywhere ("Qúy", the old tone placement).
   Two slips in one word ("thuơng", "thưong") are not read, nor "tu" / "den".
2. Document references are ignored, with their date: "Kế hoạch số 17/KH-UBND
   ngày 14/3/2023", "Nghị định 61/2018/NĐ-CP".
3. Dated parts (each gives one or more due dates):
   - a date: "15/9/2024", "15/02/2024", "15.9.2024", "ngày 30 tháng 6 năm 2024";
     a two-digit year means 20xx ("15/9/24"); "15/9" takes the year (rule 4).
     Words before it ("Trước ngày", "Chậm nhất ngày", "Trước") do not move it:
     the task is due on that date.
   - a month, due at its last day: "Tháng 3/2024", "Tháng 02/2024",
     "tháng 7 năm 2024", "02/2024"; a list: "Tháng 3, 6, 9, 12/2024".
   - a quarter, due at its last day: "Quý II/2024", "Quý I năm 2024",
     "Quý 2/2024", "quý 1/2023"; a list: "Quý I và Quý III",
     "quý I, quý II, quý III". Roman I–IV or 1–4.
   - the first n months of a year, due at the end of month n:
     "6 tháng đầu năm" (30/06), "9 tháng đầu năm" (30/09);
     "6 tháng cuối năm" is due 31/12.
   - a frequency within the year: "hằng tháng" / "mỗi tháng" (12 month ends),
     "hằng quý" / "3 tháng/lần" (4 quarter ends), "n tháng/lần" and
     "định kỳ n tháng" (the ends of months n, 2n, … 12; n must divide 12),
     so "6 tháng/lần" and "Định kỳ 06 tháng" give 30/06 and 31/12.
   - the year's end, 31/12: "cuối năm", "hằng năm", "năm/lần", "báo cáo năm"
     (so "Định kỳ quý I, quý II, quý III và báo cáo năm 2024" has 4 dates).
4. A part without its own year takes the nearest year written after it in the
   text ("Quý I, quý II … năm 2024"), else the nearest one before it, else the
   plan's year (the ``year`` argument).
   "Written years" are the 4-digit numbers from 1900 to 2200 outside
   document references.
5. Markers (no date by themselves):
   - ongoing: "thường xuyên", "liên tục", "hằng ngày", "hằng tuần";
     its year is found as in rule 4.
   - periodic: "định kỳ" without a stated frequency means the reporting
     periods, i.e. the 4 quarter ends of its year; it only counts when the
     text has no other dated part ("Định kỳ hoặc đột xuất trong năm 2023" →
     recurring, the 4 quarter ends of 2023).
   - per_plan: "theo kế hoạch / lộ trình / tiến độ / hướng dẫn / chỉ đạo /
     quy định / văn bản …", "kế hoạch riêng", "lồng ghép".
   - on_demand: "khi (có) phát sinh", "đột xuất", "theo / khi có / khi được
     yêu cầu", "khi cần thiết".
6. A bare year ("Năm 2024", "Trong năm 2024", "2024") is a due date, 31/12,
   only when nothing else in the text is recognised; otherwise it only tells
   the other parts their year ("Thường xuyên trong năm 2024",
   "Khi có phát sinh trong năm 2024" stays on_demand).
7. Periods with a start ("từ" or "bắt đầu từ" followed by ngày / tháng /
   quý / a number):
   - "từ X đến Y" is due at the end, Y: "Từ tháng 4 đến tháng 12/2023" →
     31/12/2023 (fixed). X must still be valid.
   - a start with no end ("Bắt đầu từ Quý II năm 2023") is ongoing work from
     then on, due at the end of the start's year (31/12/2023).

Combining the parts of one text (cells mix kinds and span several lines)
----------------------------------------------------------------------
a. Anything malformed anywhere (31/02/2024, 29/02/2023, "Tháng 13/2024",
   "Quý 13/2024", "Quý V", "5 tháng/lần", a year before 1900 or after 2200, a
   part that needs the plan's year when none valid was given) → ``unknown``.
b. If dated parts exist, the due dates are all of them, sorted and unique:
   one date → ``fixed``, several → ``recurring``. ("Quý I/2024 và 6 tháng đầu
   năm 2024" → recurring 31/03 and 30/06.)
   - Dated parts win over on_demand and per_plan parts ("Khi có phát sinh;
     chậm nhất 15/9/2024" → fixed).
   - Ongoing + dated parts: the explicit dates are the deadline and the
     ongoing year's 31/12 is dropped when a date of that same year is already
     there ("Thường xuyên; chậm nhất ngày 15/9/2024" → fixed 15/09/2024); an
     ongoing part of another year adds its 31/12 (so → recurring).
c. Otherwise ongoing, due 31/12 of its year. Ongoing also wins over per_plan
   and on_demand, because it gives a date: "Thường xuyên và theo lộ trình của
   Sở quản lý chuyên ngành" → ongoing; "Theo yêu cầu hoặc thường xuyên trong
   năm 2024" → ongoing 31/12/2024.
d. Otherwise per_plan (it wins over on_demand: a schedule set elsewhere is
   still a schedule), then on_demand.
e. Otherwise a bare year (rule 6), else ``unknown``.

Parsing never raises.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise


class DeadlineKind(StrEnum):
    """What kind of deadline a text states; the model's choices are built from it (tasks.models)."""

    FIXED = "fixed"
    RECURRING = "recurring"
    ONGOING = "ongoing"
    ON_DEMAND = "on_demand"
    PER_PLAN = "per_plan"
    UNKNOWN = "unknown"


KIND_LABELS = {
    DeadlineKind.FIXED: "Một thời hạn",
    DeadlineKind.RECURRING: "Định kỳ",
    DeadlineKind.ONGOING: "Thường xuyên",
    DeadlineKind.ON_DEMAND: "Khi có phát sinh",
    DeadlineKind.PER_PLAN: "Theo kế hoạch riêng",
    DeadlineKind.UNKNOWN: "Không xác định",
}
KINDS = tuple(DeadlineKind)

MAX_CHARS = 2000  # what the parser reads of any text (a safety bound; see MAX_DEADLINE_CHARS)
# The longest deadline a row may carry: real ones are a few words ("Quý II/2024", "Thường xuyên trong
# năm 2024"), the longest in the seed plans 95 characters. Imports and the editor refuse more.
MAX_DEADLINE_CHARS = 400
MIN_YEAR, MAX_YEAR = 1900, 2200

QUARTER_END_MONTH = {1: 3, 2: 6, 3: 9, 4: 12}
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_DESCRIBE_NO_DATES = {  # also what a dated kind says when it has no dates (a row stored without them)
    DeadlineKind.FIXED: "một thời hạn, chưa rõ ngày",
    DeadlineKind.RECURRING: "định kỳ, chưa rõ ngày",
    DeadlineKind.ONGOING: "thường xuyên",
    DeadlineKind.ON_DEMAND: "khi có phát sinh",
    DeadlineKind.PER_PLAN: "theo kế hoạch riêng",
    DeadlineKind.UNKNOWN: "không xác định được hạn",
}
_DESCRIBE_MAX_DATES = 4


@dataclass(frozen=True)
class Deadline:
    """What a deadline text means. ``dates`` is stored as a sorted, unique tuple;
    ``due_dates`` gives it as a list (``d.due_dates == [date(2024, 6, 30)]``).
    ``assumed``: the misspelt keywords it was read with (rule 1); not stored with a row."""

    kind: DeadlineKind
    dates: tuple[date, ...]
    text: str
    # The keywords read from a misspelt word: (as typed, lower-cased; the keyword), in text order.
    assumed: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "kind", DeadlineKind(self.kind))
        object.__setattr__(self, "dates", tuple(sorted(set(self.dates))))

    @property
    def due_dates(self) -> list[date]:
        return list(self.dates)

    @property
    def is_unknown(self) -> bool:
        return self.kind == DeadlineKind.UNKNOWN

    def describe(self) -> str:
        """A short Vietnamese meaning for the UI. Never raises, whatever the kind and dates."""
        if not self.dates:
            return _DESCRIBE_NO_DATES[self.kind]
        if self.kind == DeadlineKind.FIXED:
            return f"hạn {_vn_date(self.dates[0])}"
        if self.kind == DeadlineKind.ONGOING:
            return f"thường xuyên, hạn {_vn_date(self.dates[-1])}"
        if self.kind == DeadlineKind.RECURRING:
            return "định kỳ: " + _date_list(self.dates)
        return _DESCRIBE_NO_DATES[self.kind]

    def describe_assumed(self) -> str:
        """Which spelling the reading assumed, for the UI ("" when none): 'đã hiểu “thuờng xuyên” là
        “thường xuyên”'."""
        if not self.assumed:
            return ""
        return "đã hiểu " + "; ".join(f"“{typed}” là “{keyword}”" for typed, keyword in self.assumed)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "due_dates": [d.isoformat() for d in self.dates]}


def parse_deadline(text: str | None, year: int | None) -> Deadline:
    """Read the deadline text of a row of a plan whose year is ``year``. Never raises."""
    original = _as_text(text)
    try:
        kind, dates, assumed = _parse(original, _plan_year(year))
    except Exception:  # a safety net for the "never raises" contract; the rules do not rely on it
        kind, dates, assumed = DeadlineKind.UNKNOWN, [], ()
    return Deadline(kind=kind, dates=tuple(dates), text=original, assumed=assumed)


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if text is None:
        return ""
    try:
        return str(text)
    except Exception:
        return ""


# --------------------------------------------------------------------------
# Calendar helpers


def _plan_year(year: object) -> int | None:
    try:
        value = int(year)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def _year_of(digits: str | None) -> int | None:
    """A written year: 4 digits as is, 2 digits as 20xx, anything else invalid (-1)."""
    if not digits:
        return None
    if len(digits) == 2:
        return 2000 + int(digits)
    return int(digits) if len(digits) == 4 else -1


def _day(year: int | None, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or its year is out of range."""
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int | None, month: int) -> date | None:
    if year is None or not MIN_YEAR <= year <= MAX_YEAR or not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _every_n_months(year: int | None, n: int) -> list[date | None]:
    """The ends of months n, 2n, … 12; [None] when n does not divide the year."""
    if n <= 0 or 12 % n:
        return [None]
    return [_month_end(year, month) for month in range(n, 13, n)]


def _quarter_end(year: int | None, token: str) -> date | None:
    number = int(token) if token.isdigit() else ROMAN_QUARTERS.get(token, 0)
    if number not in QUARTER_END_MONTH:
        return None
    return _month_end(year, QUARTER_END_MONTH[number])


def _vn_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _date_list(dates: tuple[date, ...]) -> str:
    if len(dates) <= _DESCRIBE_MAX_DATES:
        return ", ".join(_vn_date(d) for d in dates)
    head = ", ".join(_vn_date(d) for d in dates[: _DESCRIBE_MAX_DATES - 1])
    return f"{head}, …, {_vn_date(dates[-1])} ({len(dates)} mốc)"


# --------------------------------------------------------------------------
# What the scan finds


@dataclass
class _Hit:
    """One recognised part of the text, at ``pos`` in the normalised text."""

    pos: int
    dates: tuple[date, ...] = ()
    marker: str = ""  # "", from, to, ongoing, periodic, per_plan, on_demand, year
    year: int | None = None  # the year an ongoing / periodic / year marker refers to
    invalid: bool = False


class _Context:
    """Finds the year of a part that has none written next to it (rule 4)."""

    def __init__(self, text: str, plan_year: int | None) -> None:
        self.plan_year = plan_year
        self.anchors: list[tuple[int, int]] = []  # (position, year) of every written year
        for m in re.finditer(r"(?<!\d)(\d{4})(?!\d)", text):
            value = int(m.group(1))
            if MIN_YEAR <= value <= MAX_YEAR:
                self.anchors.append((m.start(), value))

    def year_after(self, pos: int) -> int | None:
        i = bisect_left(self.anchors, (pos, 0))
        if i < len(self.anchors):
            return self.anchors[i][1]
        if self.anchors:
            return self.anchors[-1][1]
        return self.plan_year

    def year(self, m: re.Match) -> int | None:
        """The year written in the match (group ``year`` or ``year2``), else rule 4."""
        groups = m.groupdict()
        written = _year_of(groups.get("year") or groups.get("year2"))
        return written if written is not None else self.year_after(m.end())


Handler = Callable[[re.Match, _Context], "list[_Hit]"]


def _dated(m: re.Match, dates: list[date | None]) -> list[_Hit]:
    if not dates or None in dates:
        return [_Hit(m.start(), invalid=True)]
    return [_Hit(m.start(), dates=tuple(d for d in dates if d))]


# --------------------------------------------------------------------------
# Handlers: one per pattern, each turns a match into hits


def _full_date(m: re.Match, ctx: _Context) -> list[_Hit]:
    year = _year_of(m.group("year"))
    return _dated(m, [_day(year, int(m.group("month")), int(m.group("day")))])


def _day_month(m: re.Match, ctx: _Context) -> list[_Hit]:
    return _dated(m, [_day(ctx.year(m), int(m.group("month")), int(m.group("day")))])


def _first_months(m: re.Match, ctx: _Context) -> list[_Hit]:
    n = int(m.group("n"))
    month = (n if m.group("part") == "đầu" else 12) if 1 <= n <= 12 else 0
    return _dated(m, [_month_end(ctx.year(m), month)])


def _every_n(m: re.Match, ctx: _Context) -> list[_Hit]:
    return _dated(m, _every_n_months(ctx.year(m), int(m.group("n"))))


def _monthly(m: re.Match, ctx: _Context) -> list[_Hit]:
    return _dated(m, _every_n_months(ctx.year(m), 1))


def _quarterly(m: re.Match, ctx: _Context) -> list[_Hit]:
    return _dated(m, _every_n_months(ctx.year(m), 3))


def _year_end(m: re.Match, ctx: _Context) -> list[_Hit]:
    return _dated(m, [_month_end(ctx.year(m), 12)])


def _quarters(m: re.Match, ctx: _Context) -> list[_Hit]:
    year = ctx.year(m)
    return _dated(m, [_quarter_end(year, t) for t in re.findall(r"\b(?:[ivx]+|\d+)\b", m.group("items"))])


def _months(m: re.Match, ctx: _Context) -> list[_Hit]:
    year = ctx.year(m)
    return _dated(m, [_month_end(year, int(t)) for t in re.findall(r"\d+", m.group("items"))])


def _bare_year(m: re.Match, ctx: _Context) -> list[_Hit]:
    value = int(m.group("year"))
    if MIN_YEAR <= value <= MAX_YEAR:
        return [_Hit(m.start(), marker="year", year=value)]
    if m.group("word"):  # "năm 1800": meant as a year, but out of range
        return [_Hit(m.start(), invalid=True)]
    return []  # a 4-digit number that is not a year


def _marker(name: str) -> Handler:
    def handler(m: re.Match, ctx: _Context) -> list[_Hit]:
        year = ctx.year_after(m.end())
        if name in ("ongoing", "periodic") and year is None:
            return [_Hit(m.start(), invalid=True)]
        return [_Hit(m.start(), marker=name, year=year)]

    return handler


# --------------------------------------------------------------------------
# The table of patterns, applied in order to the normalised text. Each match
# is blanked out (same length, so positions stay put) before the next pattern
# runs, so "15/9/2024" is never read again as "9/2024", nor "6 tháng đầu năm"
# as a month.

_YEAR = r"(?P<year>\d+)"
_IN_YEAR = rf"(?:\s+(?:trong\s+)?năm\s+{_YEAR})?"  # "hằng quý năm 2024"
_LIST_YEAR = rf"(?:\s*[/-]\s*{_YEAR}|\s+năm\s+(?P<year2>\d+))?"  # "Quý I/2024", "Quý I năm 2024"
_QUARTER = r"(?:[ivx]+|\d{1,2})\b"
_MONTH = r"\d{1,2}(?!\d)"
_LIST_SEP = r"\s*(?:,|;|và)\s*"

_REFERENCE_RE = re.compile(  # "số 17/KH-UBND ngày 14/3/2023", "61/2018/NĐ-CP"
    r"(?:số\s*)?\d+(?:/\d+)?/[^\W\d_][\w-]*"
    r"(?:\s+ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d+)?"
)

_PATTERNS: list[tuple[str, Handler]] = [
    # periods with a start (rule 7); first, so the dates after them are still there
    (r"(?:bắt\s+đầu\s+)?\btừ\s+(?=ngày|tháng|quý|\d)", _marker("from")),
    (r"\b(?:đến|tới)\b", _marker("to")),
    # dates: "15/9/2024", "ngày 30 tháng 6 năm 2024"
    (
        rf"(?<![\d/.])(?P<day>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<month>\d{{1,2}})\s*(?P=sep)\s*{_YEAR}(?![\d/])",
        _full_date,
    ),
    (rf"ngày\s+(?P<day>\d{{1,2}})\s+tháng\s+(?P<month>\d{{1,2}})(?:\s+năm\s+{_YEAR})?(?!\d)", _day_month),
    # parts of a year and frequencies
    (rf"(?<!\d)(?P<n>\d{{1,2}})\s*tháng\s+(?P<part>đầu|cuối)\s+năm(?:\s*{_YEAR})?(?!\d)", _first_months),
    (rf"(?<!\d)(?P<n>\d{{1,2}})\s*tháng\s*(?:/|một|1)\s*lần{_IN_YEAR}", _every_n),
    (rf"định\s+kỳ\s+(?P<n>\d{{1,2}})\s*tháng{_IN_YEAR}", _every_n),
    (rf"(?:hằng|mỗi)\s+tháng{_IN_YEAR}|(?<!\d)(?:1\s*)?tháng\s*/\s*lần", _monthly),
    (rf"(?:hằng|mỗi)\s+quý{_IN_YEAR}|quý\s*/\s*lần", _quarterly),
    (rf"(?:cuối|hằng|mỗi|báo\s+cáo)\s+năm(?:\s*{_YEAR})?(?!\d)|(?<!\d)(?:1\s*)?năm\s*/\s*lần", _year_end),
    # quarters and months, alone or in lists: "Quý I và Quý III", "Tháng 3, 6, 9, 12/2024"
    (rf"quý\s+(?P<items>{_QUARTER}(?:{_LIST_SEP}(?:quý\s+)?{_QUARTER})*){_LIST_YEAR}", _quarters),
    (rf"tháng\s+(?P<items>{_MONTH}(?:{_LIST_SEP}(?:tháng\s+)?{_MONTH})*){_LIST_YEAR}(?!\d)", _months),
    (r"(?<![\d/.])(?P<items>\d{1,2})\s*/\s*(?P<year>\d{4})(?![\d/])", _months),
    (r"(?<![\d/.])(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})(?![\d/])", _day_month),
    # markers (rule 5)
    (r"thường\s+xuyên|liên\s+tục|hằng\s+(?:ngày|tuần)", _marker("ongoing")),
    (r"định\s+kỳ", _marker("periodic")),
    (
        r"theo\s+(?:kế\s+hoạch|lộ\s+trình|tiến\s+độ|hướng\s+dẫn|chỉ\s+đạo|quy\s+định|văn\s+bản)"
        r"|kế\s+hoạch\s+riêng|lồng\s+ghép",
        _marker("per_plan"),
    ),
    (
        r"khi\s+(?:có\s+)?phát\s+sinh|đột\s+xuất|(?:theo|khi\s+có|khi\s+được)\s+yêu\s+cầu"
        r"|khi\s+cần\s+thiết",
        _marker("on_demand"),
    ),
    # bare years (rule 6)
    (r"(?P<word>năm\s*)?(?<!\d)(?P<year>\d{4})(?!\d)", _bare_year),
]

_COMPILED = [(re.compile(pattern), handler) for pattern, handler in _PATTERNS]


# --------------------------------------------------------------------------
# Scan and combine


def _normalise(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text as the patterns read it (rule 1), and the misspelt keywords it was read with."""
    s = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()[:MAX_CHARS]
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    s, assumed = _read_misspelt(s)
    s = re.sub(r"\bhàng(?=\s+(?:ngày|tuần|tháng|quý|năm)\b)", "hằng", s)
    s = s.replace("định kì", "định kỳ")
    return s, assumed


# --------------------------------------------------------------------------
# Keywords typed with a wrong or missing diacritic (rule 1)

# Read wherever they are: their words are distinctive together.
_KEYWORD_PHRASES = (
    "thường xuyên",
    "liên tục",
    "định kỳ",
    "định kì",  # a spelling of "định kỳ" (read as it, rule 1)
    "đột xuất",
    "khi có phát sinh",
    "khi phát sinh",
    "khi có yêu cầu",
    "khi được yêu cầu",
    "theo yêu cầu",
    "khi cần thiết",
    "theo kế hoạch",
    "kế hoạch riêng",
    "theo lộ trình",
    "theo tiến độ",
    "theo hướng dẫn",
    "theo chỉ đạo",
    "theo quy định",
    "theo văn bản",
    "lồng ghép",
    *(f"{every} {period}" for every in ("hằng", "hàng", "mỗi") for period in ("ngày", "tuần", "tháng", "quý", "năm")),
    "cuối năm",
    "đầu năm",
    "báo cáo năm",
    "trong năm",
    "trước ngày",
    "chậm nhất",
    "bắt đầu từ",
)
# Read only beside what makes them unambiguous ("nam" is also "south"; "ngay" "at once"): the text right
# after the word must match `after`, or the text right before it `before`.
_KEYWORD_WORDS: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {
    "quý": (re.compile(r" ?(?:iv|i{1,3}|[1-4])(?![^\W_])| ?/"), None),  # "quy II/2024", "quy/lần"
    "tháng": (re.compile(r" ?[\d/]"), re.compile(r"\d ?$")),  # "thang 3/2024", "6 thang", "thang/lần"
    "năm": (re.compile(r" ?[\d/]"), None),  # "nam 2024", "năm/lần"
    "ngày": (re.compile(r" ?\d"), None),  # "ngay 15/9/2024"
    "lần": (None, re.compile(r"/ ?$")),  # "tháng/lan"
}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # ă; â ê ô; ơ ư


def _letter_marks() -> dict[str, tuple[str, str, str]]:
    """Each lower-case Vietnamese letter → (its plain letter, its shape mark, its tone mark)."""
    marks = {}
    for code in (*range(0x00E0, 0x0250), *range(0x1EA0, 0x1F00)):
        letter = chr(code)
        parts = unicodedata.normalize("NFD", letter)
        if letter.islower() and "a" <= parts[0] <= "z" and all(ch in _TONES | _SHAPES for ch in parts[1:]):
            shape = "".join(ch for ch in parts[1:] if ch in _SHAPES)
            tone = "".join(ch for ch in parts[1:] if ch in _TONES)
            marks[letter] = (parts[0], shape, tone)
    marks["đ"] = ("d", "đ", "")
    return marks


_LETTER_MARKS = _letter_marks()
_PLAIN = str.maketrans({letter: plain for letter, (plain, _, _) in _LETTER_MARKS.items()})
_WORD_RE = re.compile(r"[^\W\d_]+")


def _phrases_by_first() -> dict[str, list[tuple[str, ...]]]:
    """The keyword phrases (as word tuples) by their first word without marks."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _KEYWORD_PHRASES:
        words = tuple(phrase.split())
        found.setdefault(words[0].translate(_PLAIN), []).append(words)
    return found


_PHRASES_BY_FIRST = _phrases_by_first()
_WORDS_BY_PLAIN = {word.translate(_PLAIN): word for word in _KEYWORD_WORDS}


def _marks(word: str) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """A word's shape mark per letter, and its tone marks with their places."""
    found = [_LETTER_MARKS.get(ch, (ch, "", "")) for ch in word]
    return tuple(shape for _, shape, _ in found), [(i, tone) for i, (_, _, tone) in enumerate(found) if tone]


def _marks_off(typed: str, keyword: str) -> int:
    """How many diacritics `typed` has wrong against `keyword` (the same letters once marks are
    removed): each letter whose shape (ă â ê ô ơ ư đ) differs counts one ("ươ" one for both, as one
    keystroke types them), and the tone one when it is missing, extra, another tone or on another vowel
    ("qúy" for "quý")."""
    (shapes_typed, tones_typed), (shapes_keyword, tones_keyword) = _marks(typed), _marks(keyword)
    off, index = 0, 0
    while index < len(shapes_keyword):
        if shapes_typed[index] == shapes_keyword[index]:
            index += 1
            continue
        # "ươ" takes its two horns from one keystroke: both missing is one slip ("thuòng").
        pair = keyword[index : index + 2].translate(_PLAIN) == "uo" and shapes_keyword[index : index + 2] == (
            "\u031b",
            "\u031b",
        )
        index += 2 if pair and shapes_typed[index + 1] != shapes_keyword[index + 1] else 1
        off += 1
    if tones_typed == tones_keyword:
        return off
    return off + (1 if len(tones_typed) <= 1 and len(tones_keyword) <= 1 else 2)


def _tone_moved(typed: str, keyword: str) -> bool:
    """Only the tone's place differs: the old placement ("qúy" for "quý"), not a misspelling of sense."""
    (shapes_typed, tones_typed), (shapes_keyword, tones_keyword) = _marks(typed), _marks(keyword)
    same_tones = [tone for _, tone in tones_typed] == [tone for _, tone in tones_keyword]
    return shapes_typed == shapes_keyword and same_tones and tones_typed != tones_keyword


def _reads_as(typed: str, keyword: str) -> bool:
    """A word reads as the keyword's word: the same letters, with at most one diacritic wrong or none
    written at all (typed without a Vietnamese keyboard)."""
    if typed == keyword:
        return True
    if typed.translate(_PLAIN) != keyword.translate(_PLAIN):
        return False
    return typed.isascii() or _marks_off(typed, keyword) <= 1


def _read_misspelt(s: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`s` with the keywords typed with a wrong or missing diacritic written right, and (as typed,
    keyword) for each. One pass over the words; a dictionary look-up for most of them."""
    words = list(_WORD_RE.finditer(s))
    fixes: list[tuple[int, int, str]] = []  # (start, end, keyword) in the text
    assumed: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        match = words[index]
        plain = match.group().translate(_PLAIN)
        best: tuple[int, tuple[str, ...]] | None = None  # (marks off, phrase) of the closest phrase here
        for phrase in _PHRASES_BY_FIRST.get(plain, ()):
            run = words[index : index + len(phrase)]
            if len(run) < len(phrase) or any(s[a.end() : b.start()] != " " for a, b in pairwise(run)):
                continue
            if all(_reads_as(word.group(), key) for word, key in zip(run, phrase, strict=True)):
                off = sum(_marks_off(word.group(), key) for word, key in zip(run, phrase, strict=True))
                if best is None or off < best[0]:
                    best = (off, phrase)
        if best is not None:
            phrase = best[1]
            run = words[index : index + len(phrase)]
            if best[0]:
                fixes += [
                    (word.start(), word.end(), key)
                    for word, key in zip(run, phrase, strict=True)
                    if word.group() != key
                ]
                assumed.append((s[run[0].start() : run[-1].end()], " ".join(phrase)))
            index += len(phrase)
            continue
        keyword = _WORDS_BY_PLAIN.get(plain)
        typed = match.group()
        if keyword and typed != keyword and _reads_as(typed, keyword):
            after, before = _KEYWORD_WORDS[keyword]
            beside = (after is not None and after.match(s, match.end())) or (
                before is not None and before.search(s, max(0, match.start() - 3), match.start())
            )
            if beside or _tone_moved(typed, keyword):
                fixes.append((match.start(), match.end(), keyword))
                assumed.append((typed, keyword))
        index += 1
    if not fixes:
        return s, ()
    pieces, end = [], 0
    for start, stop, keyword in fixes:
        pieces += [s[end:start], keyword]
        end = stop
    pieces.append(s[end:])
    return "".join(pieces), tuple(dict.fromkeys(assumed))


def _blank(s: str, matches: list[re.Match]) -> str:
    """`s` with the (non-overlapping, ordered) matches replaced by spaces, in one pass: blanking
    each match by slicing would copy the whole text once per match (quadratic in the text)."""
    if not matches:
        return s
    pieces, end = [], 0
    for m in matches:
        pieces += [s[end : m.start()], " " * (m.end() - m.start())]
        end = m.end()
    pieces.append(s[end:])
    return "".join(pieces)


def _scan(s: str, plan_year: int | None) -> list[_Hit]:
    """Each pattern in turn over the text, blanking what it matched so later patterns do not read it
    again: len(_COMPILED) + 1 passes over at most MAX_CHARS characters, linear in the text."""
    s = _blank(s, list(_REFERENCE_RE.finditer(s)))
    ctx = _Context(s, plan_year)
    hits: list[_Hit] = []
    for regex, handler in _COMPILED:
        matches = list(regex.finditer(s))
        for m in matches:
            hits.extend(handler(m, ctx))
        s = _blank(s, matches)
    return sorted(hits, key=lambda h: h.pos)


def _apply_periods(hits: list[_Hit]) -> list[_Hit]:
    """Rule 7: the dated part right after "từ" is a start. Followed by "đến",
    it is dropped (the period is due at its end); otherwise it becomes ongoing
    work, due at the end of the start's year."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        if hit.marker in ("from", "to"):
            continue
        starts = i > 0 and hits[i - 1].marker == "from" and hit.dates
        if not starts:
            out.append(hit)
        elif not (i + 1 < len(hits) and hits[i + 1].marker == "to"):
            out.append(_Hit(hit.pos, marker="ongoing", year=max(hit.dates).year))
    return out


def _combine(hits: list[_Hit]) -> tuple[DeadlineKind, list[date]]:
    if any(h.invalid for h in hits):
        return DeadlineKind.UNKNOWN, []
    hits = _apply_periods(hits)
    dates = {d for h in hits for d in h.dates}
    if not dates:
        for h in hits:
            if h.marker == "periodic":
                dates.update(_every_n_months(h.year, 3))  # type: ignore[arg-type]
    ongoing_ends = {date(h.year, 12, 31) for h in hits if h.marker == "ongoing" and h.year}
    if dates:
        years = {d.year for d in dates}
        dates.update(d for d in ongoing_ends if d.year not in years)
        return _kind_of_dates(dates), sorted(dates)
    if ongoing_ends:
        return DeadlineKind.ONGOING, sorted(ongoing_ends)
    markers = {h.marker for h in hits}
    for kind in (DeadlineKind.PER_PLAN, DeadlineKind.ON_DEMAND):
        if kind in markers:
            return kind, []
    year_ends = sorted({date(h.year, 12, 31) for h in hits if h.marker == "year" and h.year})
    if year_ends:
        return _kind_of_dates(year_ends), year_ends
    return DeadlineKind.UNKNOWN, []


def _kind_of_dates(dates) -> DeadlineKind:
    return DeadlineKind.FIXED if len(dates) == 1 else DeadlineKind.RECURRING


def _parse(text: str, plan_year: int | None) -> tuple[DeadlineKind, list[date], tuple[tuple[str, str], ...]]:
    normalised, assumed = _normalise(text)
    kind, dates = _combine(_scan(normalised, plan_year))
    return kind, dates, assumed
