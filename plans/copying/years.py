"""A new year's plan from last year's: copy the decision, sections, rows and appendices, move the
years forward in their texts, and list every change (and every year that does not fit) for the
user to check before saving.

The text rules here are pure functions (`year_mentions`, `shift_years`, `year_mentions_that_do_not_fit`,
`copy_data`) over strings and the nested data shape of fixtures/README.md, with no Django import;
plans.copying.services (`prepare_copy`, `create_copy`) is the service layer on top.

What a year mention is
----------------------
A 4-digit year (1900–2200) written as part of "năm 2024" (any case), a date ("15/9/2024",
"21.08.2023", "ngày 23 tháng 01 năm 2024"), a month ("Tháng 3/2024", "tháng 02 năm 2024",
"Tháng 3, 6, 9, 12/2024", "02/2024"), a quarter ("Quý II/2024", "Quý I năm 2024", "quý I, quý II
năm 2024"), "6 tháng đầu năm 2024", a document number ("61/2018/NĐ-CP") or a period ("2022-2025").
Bare numbers ("2024" alone, "406 hồ sơ") and two-digit years ("15/9/24") are not mentions.

Each mention gets a kind (`MentionKind`):

- ``number``    inside a document number: "Nghị định số 61/2018/NĐ-CP".
- ``range``     a period: "2022-2025", "giai đoạn 2021 - 2030", "từ năm 2021 đến năm 2025",
                "tầm nhìn đến năm 2030".
- ``doc_date``  the date of a cited document: "ngày …" right after a document number ("số
                139/QĐ-UBND ngày 17/01/2024") or after a capitalised document name with no
                punctuation in between ("Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm
                2015"), unless a deadline word comes first ("trước ngày", "chậm nhất ngày").
- ``law_year``  a law named with its year: "Luật Tổ chức chính quyền địa phương năm 2019".
- ``date``      any other date ("Chậm nhất ngày 15/9/2024", "Trước 10/01/2024").
- ``time``      a month, a quarter, "6 tháng đầu năm 2024", "trong / cuối / đầu / hết năm 2024".
- ``title``     "năm 2024" later in the same clause as a document number ("Quyết định số
                139/QĐ-UBND … ban hành Kế hoạch … năm 2024 trên địa bàn tỉnh"): the cited
                document's own title. A clause ends at ";", a line break, ". " or ", " before a
                capital letter.
- ``plain``     any other "năm 2024".

Moving years (`shift_years`, from_year → to_year)
-------------------------------------------------
- In the texts (decision summary, preamble, proposal, articles, recipients, the table and the
  appendices): ``date``, ``time`` and ``plain`` mentions of the plan year move to the new year, and
  those of the year before move to the year before the new one ("kết quả năm 2023" → "năm 2024"
  when copying 2024 → 2025). Other years stay, and so do document numbers, cited documents' dates
  and titles, named laws and periods.
- Legal bases (căn cứ) and footnotes cite documents and keep every year, except a basis that cites
  a document *of the plan year* (a ``title``/``plain`` "năm 2024": the province's and the district's
  plan of the same year). Its "năm 2024" moves and its number and date are flagged: they are last
  year's document and must be replaced by hand.
- Attachment lines ("(Ban hành kèm theo Quyết định số …/QĐ-UBND ngày 23 tháng 01 năm 2024 …)")
  name the plan's own decision: its number and day are left blank and its year moves, as the new
  decision has no number or date yet.

Years that do not fit (`year_mentions_that_do_not_fit`, plan year Y)
---------------------------------------------------------------------
- Deadlines (rows, sections, appendix rows): every ``date``/``time``/``plain`` year other than Y is
  a warning — a deadline outside the plan's year.
- Other texts: a year other than Y and Y-1 is a warning. Y-1 is a softer note ("Năm trước …: kiểm
  tra đúng ý"), because last year's results and shortcomings are legitimately mentioned — except
  when it names a plan ("Kế hoạch … năm Y-1" in the same clause) or is a date, month or quarter:
  then it is a warning.
- Legal bases: only a cited plan of a given year is checked ("… Kế hoạch … năm 2023 trên địa bàn
  tỉnh" in a 2024 plan is a warning); the years of cited documents are what they are.
- Document numbers, cited documents' dates and titles, named laws, periods and footnotes are never
  flagged.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MIN_YEAR, MAX_YEAR = 1900, 2200


class MentionKind(StrEnum):
    NUMBER = "number"
    RANGE = "range"
    DOC_DATE = "doc_date"
    LAW_YEAR = "law_year"
    DATE = "date"
    TIME = "time"
    TITLE = "title"
    PLAIN = "plain"


# What a text is, which decides the rules applied to it.
TEXT, DEADLINE, BASIS, CITATION, ATTACHMENT = "text", "deadline", "basis", "citation", "attachment"

# Mentions that move in ordinary text, and that are checked against the plan's year.
_TEXT_KINDS = {MentionKind.DATE, MentionKind.TIME, MentionKind.PLAIN}
# Mentions that, in a legal basis, name a document of a given year.
_CITED_YEAR_KINDS = {MentionKind.TITLE, MentionKind.PLAIN}


@dataclass(frozen=True)
class YearMention:
    year: int
    kind: MentionKind
    start: int  # the four digits
    end: int
    expr_start: int  # the expression they belong to: "Quý II/2024", "năm 2024", "15/9/2024"
    expr_end: int
    names_plan: bool = False  # "Kế hoạch … năm 2023" in the same clause


@dataclass(frozen=True)
class Shift:
    """One moved expression: "Quý II/2024" → "Quý II/2025". Positions are in the text before and
    the text after the move."""

    before: str
    after: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass
class Change:
    """One text field the copy changed: where, the whole text before and after, what moved."""

    group: str
    where: str
    before: str
    after: str
    shifts: list[Shift] = field(default_factory=list)
    note: str = ""
    needs_update: bool = False  # the user must replace something by hand (a cited plan's number, date)

    @property
    def before_parts(self):
        return _parts(self.before, [(s.start, s.end) for s in self.shifts])

    @property
    def after_parts(self):
        return _parts(self.after, [(s.new_start, s.new_end) for s in self.shifts])


@dataclass(frozen=True)
class YearWarning:
    group: str
    where: str
    snippet: str
    message: str
    level: str = "warning"  # "warning", or "note" for a softer "check that this is meant"
    year: int | None = None
    mark: tuple[int, int] | None = None  # where the mention is in the snippet

    @property
    def is_note(self):
        return self.level == "note"

    @property
    def snippet_parts(self):
        return _parts(self.snippet, [self.mark] if self.mark else [])


@dataclass
class CopyProposal:
    data: dict
    changes: list[Change]
    warnings: list[YearWarning]
    source_warnings: list[YearWarning] = field(default_factory=list)
    links: Any = None  # plans.cascade.services.Relinked: the links to the higher plan, carried to the new year

    @property
    def year(self):
        return self.data["year"]


# --------------------------------------------------------------------------------------------
# Finding year mentions

_I = re.IGNORECASE
_DOC_NAMES = "(?:{})".format(
    "|".join(
        name.replace(" ", r"\s+")
        for name in (
            "Luật",
            "Bộ luật",
            "Pháp lệnh",
            "Hiến pháp",
            "Nghị định",
            "Nghị quyết",
            "Quyết định",
            "Thông tư",
            "Chỉ thị",
            "Kế hoạch",
            "Công văn",
            "Văn bản",
            "Thông báo",
            "Báo cáo",
            "Hướng dẫn",
            "Đề án",
            "Chương trình",
        )
    )
)
# "số 139/QĐ-UBND", "số      /QĐ -UBND", "số: /QĐ-UBND", "5392/KH-UBND", "61/2018/NĐ-CP", "46/BC- UBND"
_DOC_NUMBER = r"(?:\bsố\s*:?\s*\d*|(?<![\d/])\d+)\s*/\s*(?:\d{2,4}\s*/\s*)?[^\W\d_][\w.]*(?:\s*-\s*[\w.]+)*"
_DOC_CUE = re.compile(rf"{_DOC_NUMBER}|(?-i:{_DOC_NAMES})\s+số\s*\d+", _I)
_DOC_DATE_LEAD = re.compile(
    rf"(?:(?:{_DOC_NUMBER})\s*(?:\[\d+\])?\s*,?\s*|(?-i:\b{_DOC_NAMES})\b[^;,.:()\[\]\n\d]{{0,120}})$", _I
)
_DEADLINE_LEAD = re.compile(r"(?:trước|chậm\s+nhất|hạn|đến|tới|từ|vào|sau|trong)\s*$", _I)
_PLAN_WORD = re.compile(r"kế\s+hoạch", _I)
_CLAUSE_END = re.compile(r"[;\n]|\.\s|,\s*(?=\S)")
_YEAR_TOKEN = re.compile(r"(?<!\d)\d{4}(?!\d)")

_NUMBER_YEAR = re.compile(r"(?<![\d/])\d+\s*/\s*(?P<y>\d{4})\s*/\s*[^\W\d_]")
_RANGES = [
    re.compile(r"(?<![\d/.])\d{4}\s*[-–—]\s*\d{4}(?![\d/])"),
    re.compile(
        r"(?:giai\s+đoạn|từ\s+năm)\s+(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:[-–—]|đến(?:\s+hết)?)\s*(?:năm\s+)?\d{4}", _I
    ),
    re.compile(r"tầm\s+nhìn\s+(?:đến\s+)?(?:năm\s+)?\d{4}", _I),
]
_DATE_WORDS = re.compile(r"(?P<e>(?P<ngay>ngày)\s*(?:\d{1,2}\s*)?tháng\s*(?:\d{1,2}\s*)?năm\s*(?P<y>\d{4}))(?!\d)", _I)
_DATE_NUMBERS = [  # "ngày 15/9/2024", "ngày /01/2024" (day left blank), "Trước 10/01/2024", "21.08.2023"
    re.compile(r"(?P<ngay>ngày)\s*(?P<e>\d{0,2}\s*(?P<s>[/.-])\s*\d{0,2}\s*(?P=s)\s*(?P<y>\d{4}))(?![\d/])", _I),
    re.compile(r"(?<![\d/.])(?P<e>\d{1,2}\s*(?P<s>[/.-])\s*\d{1,2}\s*(?P=s)\s*(?P<y>\d{4}))(?![\d/])"),
]
_LAW_YEAR = re.compile(  # "Luật Tổ chức chính quyền địa phương năm 2019"
    r"(?-i:\b(?:Luật|Bộ\s+luật|Pháp\s+lệnh|Hiến\s+pháp))\b[^;,.:()\n\d]{0,120}?(?P<e>năm\s*(?P<y>\d{4}))(?!\d)", _I
)
_QUARTER = r"(?:[ivx]+|\d)\b"
_TIMES = [
    re.compile(
        rf"(?P<e>quý\s*{_QUARTER}(?:\s*(?:,|;|và|-|–)\s*(?:quý\s*)?{_QUARTER})*"
        r"\s*(?:/\s*|năm\s*)(?P<y>\d{4}))(?!\d)",
        _I,
    ),
    re.compile(
        r"(?P<e>tháng\s*\d{1,2}(?:\s*(?:,|và|-|–)\s*(?:tháng\s*)?\d{1,2})*\s*(?:/\s*|năm\s*)(?P<y>\d{4}))(?![\d/])", _I
    ),
    re.compile(r"(?P<e>\d{1,2}\s*tháng\s*(?:đầu|cuối)\s*năm\s*(?P<y>\d{4}))(?!\d)", _I),
    re.compile(r"(?<![\d/.])(?P<e>\d{1,2}\s*/\s*(?P<y>\d{4}))(?![\d/])"),
    re.compile(r"\b(?:trong|cuối|đầu|hết|giữa|suốt)\s+(?P<e>năm\s*(?P<y>\d{4}))(?!\d)", _I),
]
_YEAR_WORD = re.compile(r"(?P<e>năm\s*(?P<y>\d{4}))(?!\d)", _I)


def _is_year(value):
    return MIN_YEAR <= value <= MAX_YEAR


def _clause_starts(text):
    """Where clauses start: after ";", a line break, ". ", or ", " before a capital letter
    ("…, Chủ tịch UBND tỉnh ban hành …" starts a new clause; "…, một cửa liên thông" does not)."""
    starts = [0]
    for m in _CLAUSE_END.finditer(text):
        if m.group().startswith(",") and not text[m.end()].isupper():
            continue
        starts.append(m.end())
    return starts


def _clause_start(starts, pos):
    return starts[bisect.bisect_right(starts, pos) - 1]


def year_mentions(text):
    """The year mentions in `text`, in order, each with its kind (see the module's docstring)."""
    text = text or ""
    found = {}  # start of the four digits → YearMention
    starts = _clause_starts(text)

    def claim(m, kind, group="y", expr="e", names_plan=False):
        start, end = m.span(group)
        value = int(m.group(group))
        if start in found or not _is_year(value):
            return
        e_start, e_end = m.span(expr) if expr in m.re.groupindex else (start, end)
        found[start] = YearMention(value, kind, start, end, e_start, e_end, names_plan)

    for m in _NUMBER_YEAR.finditer(text):
        claim(m, MentionKind.NUMBER)
    for regex in _RANGES:
        for m in regex.finditer(text):
            for token in _YEAR_TOKEN.finditer(text, m.start(), m.end()):
                value = int(token.group())
                if token.start() not in found and _is_year(value):
                    found[token.start()] = YearMention(value, MentionKind.RANGE, *token.span(), *m.span())
    for regex in (_DATE_WORDS, *_DATE_NUMBERS):
        for m in regex.finditer(text):
            kind = MentionKind.DATE
            if m.groupdict().get("ngay"):
                lead = text[_clause_start(starts, m.start()) : m.start()]
                if _DOC_DATE_LEAD.search(lead) and not _DEADLINE_LEAD.search(lead):
                    kind = MentionKind.DOC_DATE
            claim(m, kind)
    for m in _LAW_YEAR.finditer(text):
        claim(m, MentionKind.LAW_YEAR)
    for regex in _TIMES:
        for m in regex.finditer(text):
            claim(m, MentionKind.TIME, names_plan=_names_plan(text, starts, m.start("e")))
    for m in _YEAR_WORD.finditer(text):
        lead = text[_clause_start(starts, m.start()) : m.start()]
        kind = MentionKind.TITLE if _DOC_CUE.search(lead) else MentionKind.PLAIN
        claim(m, kind, names_plan=bool(_PLAN_WORD.search(lead)))
    return [found[start] for start in sorted(found)]


def _names_plan(text, starts, pos):
    return bool(_PLAN_WORD.search(text, _clause_start(starts, pos), pos))


# --------------------------------------------------------------------------------------------
# Moving years


def _nfc(text):
    return unicodedata.normalize("NFC", text or "")


def shift_years(text, from_year, to_year, *, role=TEXT):
    """Move the year mentions of `text` that refer to the plan year `from_year` (and the year
    before it) to `to_year` (and the year before it); `role` says what the text is (TEXT,
    DEADLINE, BASIS, CITATION or ATTACHMENT, see the module's docstring). Returns (new text,
    [Shift]); the text is returned unchanged when nothing moves."""
    if not text:
        return text, []
    normal = _nfc(text)
    offset = to_year - from_year
    edits = []  # (expr_start, expr_end, replacement)
    mentions = year_mentions(normal)
    own_date = _own_decision_date(mentions) if role == ATTACHMENT else None
    if own_date is not None:
        edits.extend(_blank_own_decision(normal, own_date, offset))
    for mention in mentions:
        if mention is own_date or not _moves(mention, role, from_year):
            continue
        new_year = str(mention.year + offset)
        new_expr = normal[mention.expr_start : mention.start] + new_year + normal[mention.end : mention.expr_end]
        edits.append((mention.expr_start, mention.expr_end, new_expr))
    if not edits:
        return text, []
    return _apply(normal, edits)


def _moves(mention, role, from_year):
    if role == CITATION:
        return False
    if role == BASIS:
        return mention.kind in _CITED_YEAR_KINDS and mention.year == from_year
    return mention.kind in _TEXT_KINDS and mention.year in (from_year, from_year - 1)


def _own_decision_date(mentions):
    """In an attachment line, the date of the plan's own decision: the first cited document's date."""
    return next((m for m in mentions if m.kind == MentionKind.DOC_DATE), None)


_OWN_NUMBER = re.compile(r"(\bsố\s*:?\s*)(\d+)(\s*/)", _I)


def _blank_own_decision(text, own_date, offset):
    """The new decision has no number and no date yet: blank them, keep the (moved) year."""
    edits = []
    number = _OWN_NUMBER.search(text, 0, own_date.expr_start)
    if number:
        edits.append((number.start(2), number.end(2), " " * 6))
    expr = text[own_date.expr_start : own_date.expr_end]
    year = str(own_date.year + offset)
    if re.match(r"ngày", expr, _I) and re.search(r"tháng", expr, _I):
        blank = "ngày      tháng      năm " + year
    else:
        found = re.search(r"[/.-]", expr)
        separator = found.group() if found else "/"
        blank = f"     {separator}     {separator}{year}"
    edits.append((own_date.expr_start, own_date.expr_end, blank))
    return edits


def _apply(text, edits):
    edits = sorted(edits)
    pieces, shifts, cursor, grown = [], [], 0, 0
    for start, end, replacement in edits:
        if start < cursor:  # overlapping expressions: keep the first
            continue
        pieces.append(text[cursor:start])
        new_start = start + grown
        pieces.append(replacement)
        shifts.append(Shift(text[start:end], replacement, start, end, new_start, new_start + len(replacement)))
        grown += len(replacement) - (end - start)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), shifts


def _parts(text, spans):
    """[(piece, highlighted)] for showing a text with its moved expressions marked."""
    parts, cursor = [], 0
    for start, end in sorted(spans):
        if start > cursor:
            parts.append((text[cursor:start], False))
        parts.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        parts.append((text[cursor:], False))
    return parts


# --------------------------------------------------------------------------------------------
# The text fields of a plan's data


@dataclass(frozen=True)
class _Field:
    group: str
    where: str
    role: str
    holder: Any  # the dict or list the text is in
    key: Any  # its key or index there

    @property
    def text(self):
        return self.holder[self.key]


CELL_NAMES = {
    "content": "Nội dung",
    "lead": "Chủ trì",
    "partners": "Phối hợp",
    "deadline": "Thời hạn",
    "product": "Sản phẩm",
}
_ROW_CELLS = ("content", "lead", "partners", "deadline", "product")


def _text_fields(data):
    """Every text of a plan's data that can mention a year, with where it is, in document order."""
    document = data["document"]
    is_decision = document.get("kind", "decision") == "decision"
    group = "Quyết định" if is_decision else "Văn bản ban hành"
    yield _Field(group, "Trích yếu", TEXT, document, "summary")
    yield _Field(group, "Phần mở đầu", TEXT, document, "preamble")
    for i in range(len(document.get("legal_bases", []))):
        yield _Field(group, f"Căn cứ {i + 1}", BASIS, document["legal_bases"], i)
    yield _Field(group, "Theo đề nghị", TEXT, document, "proposal")
    for article in document.get("articles", []):
        name = (article.get("label") or "").strip().rstrip(".")
        name = name if is_decision else f"Phần {name}"
        yield _Field(group, f"{name} – tên", TEXT, article, "heading")
        yield _Field(group, name, TEXT, article, "body")
        for i in range(len(article.get("clauses", []))):
            yield _Field(group, f"{name}, khoản {i + 1}", TEXT, article["clauses"], i)
    for i, recipient in enumerate(document.get("recipients", []), 1):
        yield _Field(group, f"Nơi nhận {i}", TEXT, recipient, "text")
    for i in range(len(document.get("footnotes") or [])):
        yield _Field(group, f"Chú thích {i + 1}", CITATION, document["footnotes"], i)

    table = data["table"]
    group = "Bảng kế hoạch"
    yield _Field(group, "Tiêu đề bảng", TEXT, table, "heading")
    yield _Field(group, "Tên kế hoạch", TEXT, table, "title")
    yield _Field(group, "Dòng ban hành kèm theo", ATTACHMENT, table, "attachment_line")
    for section in table.get("sections", []):
        name = f"Mục {(section.get('number') or '').strip().rstrip('.')}"
        yield _Field(group, name, TEXT, section, "title")
        for cell in ("lead", "partners", "deadline", "product"):
            yield _Field(group, f"{name} – {CELL_NAMES[cell]}", DEADLINE if cell == "deadline" else TEXT, section, cell)
        yield from _row_fields(group, name, section.get("tasks", []))

    appendices = data.get("appendices", [])
    for index, appendix in enumerate(appendices, 1):
        group = "Phụ lục" if len(appendices) == 1 else f"Phụ lục {index}"
        yield _Field(group, f"{group} – tên", TEXT, appendix, "title")
        yield _Field(group, f"{group} – dòng kèm theo", ATTACHMENT, appendix, "attachment_line")
        deadline_name = appendix.get("columns", {}).get("deadline") or "Thời hạn"
        for order, row in enumerate(appendix.get("rows", []), 1):
            number = (row.get("number") or str(order)).strip().rstrip(".")
            yield _Field(group, f"{group}, dòng {number} – {deadline_name}", DEADLINE, row, "deadline")
        yield _Field(group, f"{group} – ghi chú", TEXT, appendix, "note")


def _row_fields(group, section_name, rows, parent_label=None):
    """Rows are named by their printed number ("Mục II, dòng 2.2"); an unnumbered row by its place
    ("Mục II, dòng thứ 3"), a bullet sub-item by its parent ("Mục II, dòng 1, ý 4")."""
    for order, row in enumerate(rows, 1):
        number = (row.get("number") or "").strip().rstrip(".")
        if number and number != "-":
            label = f"{section_name}, dòng {number}"
        elif parent_label is None:
            label = f"{section_name}, dòng thứ {order}"
        else:
            label = f"{parent_label}, ý {order}"
        for cell in _ROW_CELLS:
            yield _Field(group, f"{label} – {CELL_NAMES[cell]}", DEADLINE if cell == "deadline" else TEXT, row, cell)
        yield from _row_fields(group, section_name, row.get("children", []), label)


def _fields_with_text(data):
    for f in _text_fields(data):
        if isinstance(f.holder, dict) and not isinstance(f.holder.get(f.key), str):
            continue
        if f.text:
            yield f


# --------------------------------------------------------------------------------------------
# Years that do not fit


def _snippet(text, start, end, width=40):
    """The words around text[start:end] on one line, "…" where it was cut: (snippet, (mark start,
    mark end)), the mark being where text[start:end] is in the snippet."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    while 0 < left < start and not text[left - 1].isspace():  # whole words only
        left += 1
    while end < right < len(text) and not text[right].isspace():
        right -= 1
    prefix = ("… " if left > 0 else "") + re.sub(r"\s+", " ", text[left:start]).lstrip()
    mark = re.sub(r"\s+", " ", text[start:end])
    suffix = re.sub(r"\s+", " ", text[end:right]).rstrip() + (" …" if right < len(text) else "")
    return prefix + mark + suffix, (len(prefix), len(prefix) + len(mark))


def year_mentions_that_do_not_fit(data, year):
    """Warnings for the year mentions of a plan's data (the fixtures' shape) that do not fit the
    plan's `year`, in document order (rules in the module's docstring)."""
    warnings = []
    for f in _fields_with_text(data):
        text = _nfc(f.text)
        for mention in year_mentions(text):
            level = _misfit(mention, f.role, year)
            if level is None:
                continue
            if level == "note":
                message = f"Năm trước ({mention.year}): kiểm tra đúng ý."
            elif f.role == BASIS:
                message = f"Căn cứ kế hoạch năm {mention.year} trong kế hoạch năm {year} — kiểm tra lại."
            else:
                message = f"Nhắc đến năm {mention.year} trong kế hoạch năm {year} — kiểm tra lại."
            snippet, mark = _snippet(text, mention.expr_start, mention.expr_end)
            warnings.append(YearWarning(f.group, f.where, snippet, message, level, mention.year, mark))
    return warnings


def _misfit(mention, role, year):
    """None when the mention fits, else "warning" or "note"."""
    if mention.year == year or role == CITATION:
        return None
    if role == BASIS:
        return "warning" if mention.kind in _CITED_YEAR_KINDS and mention.names_plan else None
    if mention.kind not in _TEXT_KINDS:
        return None
    if role == DEADLINE or mention.year != year - 1:
        return "warning"
    if mention.names_plan or mention.kind in (MentionKind.DATE, MentionKind.TIME):
        return "warning"
    return "note"


# --------------------------------------------------------------------------------------------
# Copying a plan's data to a new year


def copy_data(data, *, from_year, to_year, source_warnings=()):
    """The pure part of prepare_copy: moves the years of `data` (changed in place) and returns the
    CopyProposal."""
    changes, extra_warnings = [], []
    for f in _fields_with_text(data):
        before = f.text
        after, shifts = shift_years(before, from_year, to_year, role=f.role)
        if f.role not in (BASIS, CITATION):
            extra_warnings.extend(_unmoved_citations(f, after, from_year, to_year))
        if not shifts:
            continue
        change = Change(f.group, f.where, _nfc(before), after, shifts)
        if f.role == BASIS:
            change.needs_update = True
            change.note = _stale_basis_note(before, to_year)
            cited = _cited_number_and_date(before)
            if cited:
                snippet, mark = cited, (0, len(cited))
            else:
                snippet, mark = _snippet(after, shifts[0].new_start, shifts[0].new_end)
            extra_warnings.append(YearWarning(f.group, f.where, snippet, change.note, "warning", from_year, mark))
        elif f.role == ATTACHMENT:
            change.note = "Số, ngày của văn bản ban hành để trống — điền khi ban hành."
        f.holder[f.key] = after
        changes.append(change)

    document = data["document"]
    document.update(number=None, date=None, date_month=None)
    data.update(year=to_year, report=None, source="")
    _clear_results(data["table"]["sections"])
    for target in data.get("targets", []):
        target.pop("last_year_result", None)
    warnings = year_mentions_that_do_not_fit(data, to_year) + extra_warnings
    return CopyProposal(
        data=data, changes=changes, warnings=_in_document_order(warnings, data), source_warnings=list(source_warnings)
    )


def _clear_results(rows_or_sections):
    for item in rows_or_sections:
        if "result" in item:
            item["result"] = None
        _clear_results(item.get("tasks", []) + item.get("children", []))


def _in_document_order(warnings, data):
    order: dict[tuple[str, str], int] = {}
    for i, f in enumerate(_text_fields(data)):
        order.setdefault((f.group, f.where), i)
    return sorted(warnings, key=lambda w: order.get((w.group, w.where), len(order)))


def _cited_number_and_date(text):
    """ "số 139/QĐ-UBND ngày 17/01/2024": the first document number of a legal basis with its date."""
    text = _nfc(text)
    number = re.search(_DOC_NUMBER, text, _I)
    if not number:
        return ""
    end = number.end()
    for mention in year_mentions(text):
        if mention.kind == MentionKind.DOC_DATE and 0 <= mention.expr_start - end <= 12:
            end = mention.expr_end
            break
    return " ".join(text[number.start() : end].split())


def _stale_basis_note(before, to_year):
    what = "kế hoạch cấp trên" if _PLAN_WORD.search(before) else "văn bản"
    cited = _cited_number_and_date(before)
    note = f"Cần cập nhật số, ngày của {what} năm {to_year}"
    return f"{note} (đang ghi: {cited})." if cited else f"{note}."


def _unmoved_citations(f, text, from_year, to_year):
    """A cited document's title that names last year's plan year stays as it is; say so."""
    out, text = [], _nfc(text)
    for mention in year_mentions(text):
        if mention.kind == MentionKind.TITLE and mention.year == from_year:
            snippet, mark = _snippet(text, mention.expr_start, mention.expr_end)
            message = f"Văn bản được dẫn chiếu ghi năm {from_year}: kiểm tra còn đúng với kế hoạch năm {to_year}."
            out.append(YearWarning(f.group, f.where, snippet, message, "note", from_year, mark))
    return out
