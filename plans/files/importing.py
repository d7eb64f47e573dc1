"""Reads a plan's task table from an .xlsx (openpyxl) or .docx (python-docx) file into the nested
shape of fixtures/plans/*.json (table.sections[].tasks[]), with the problems found on the way, and
writes it to a plan in one transaction.

Reading, in order:
1. plans.files.uploads checks the bytes (size, type from the content, zip limits, no DTD).
2. The header row is searched under any title rows: the first row (of the first sheet or Word table
   that has one) where a cell names the content column and another cell names one more column.
   Columns are matched by their many real names, in any order; missing columns are allowed.
   A two-row header ("Cơ quan thực hiện" over "Chủ trì | Phối hợp") and a "(1) (2) (3)" numbering
   row under the header are understood. In a Word file the title lines are the paragraphs above that
   table, after the table or section break before it (a decision printed ahead of the plan, as
   plans.pdf.word writes it, is not read as the table's title).
3. Each following row is a section (its number is a Roman numeral, also when the row is merged across
   and reads "I. Tên mục") or a task row. Numbers are kept as printed ("1", "1.", "2.1.", gaps).
   Nesting, by the numbers as printed:
   - a "-" row is a sub-item of the nearest row above that is not a "-" row ("+" under "-");
     "a)" under the nearest numbered row; "2.1" (or "2.1.") under "2" (or "2.");
   - an unnumbered row whose content starts with "- " is a "-" sub-item;
   - an unnumbered row with cells right under a numbered row without cells (a group heading) is
     its sub-item; other unnumbered rows stay at the level of the row above;
   - a content cell indented in Excel sits at that depth. The portal's own export indents every
     sub-item and is signed (LAYOUT_CREATOR), so there an unindented unnumbered row is top-level.
     (The one shape that does not come back: a top-level "-" row right under another row.)
   A row starting "Nơi nhận" / "TM." / "KT." ends the table; text across the row outside the content
   column (a note) is left out with a remark.
4. A cell that names both the lead and the partners is split (plans.files.executors has the rules: "X
   chủ trì, Y phối hợp", "Chủ trì: X; Phối hợp: Y", "X (chủ trì), Y (phối hợp)", "X chủ trì, phối hợp với
   Y" …): the cells of one combined column ("Cơ quan, đơn vị thực hiện"), and a lead cell with a role
   word ("X chủ trì thực hiện", "X chủ trì, Y phối hợp": its partners go before the partners cell's
   own; not in the portal's own export, whose cells come back as they were). The row keeps the cell as
   written under "split_from" for the preview, and one remark lists the rows split.
5. Cell text: NFC, line breaks kept, "'" in front of = + - @ tab CR (a formula escape) removed.
   A formula cell gives its cached value with a warning, or a blocking problem when it has none.
"""

import io
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from orgs.audit import record as audit
from orgs.models import AuditEvent
from plans.files.executors import LEAD, PARTNERS, has_role_words, split_executor, splits
from plans.files.uploads import CORRUPT_MESSAGE, ImportRejected, check_upload
from plans.models import Decision, Plan, PlanComment, default_column_labels
from plans.permissions import EDITABLE_STATES, can_edit_plan, ensure_plan_editable
from tasks.deadlines import MAX_DEADLINE_CHARS
from tasks.services import create_table, delete_table

logger = logging.getLogger(__name__)

FIELDS = ("number", "content", "lead", "partners", "deadline", "product")
CELL_FIELDS = ("lead", "partners", "deadline", "product")
LAYOUT_CREATOR = "Cổng kế hoạch kiểm soát TTHC"  # plans.files.exporting signs its workbooks with it
MAX_DATA_ROWS = 2_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 10_000
MAX_TASK_NUMBER = 20  # tasks.Task.number
MAX_SECTION_NUMBER = 10  # tasks.Section.number
HEADER_SEARCH_ROWS = 40
MAX_SCANNED_ROWS = 20_000  # rows read from a sheet, empty ones included
MAX_SHEETS = 20
ESCAPED = ("=", "+", "-", "@", "\t", "\r")

NO_HEADER_MESSAGE = (
    "Không tìm thấy dòng tiêu đề của bảng kế hoạch. Bảng cần có cột “Nội dung công việc” và ít nhất một cột khác "
    "(STT, Chủ trì, Phối hợp, Thời hạn, Sản phẩm dự kiến)."
)


def _thousands(number):
    return f"{number:,}".replace(",", ".")


TOO_MANY_ROWS_MESSAGE = (
    f"Bảng có hơn {_thousands(MAX_DATA_ROWS)} dòng; chỉ nhận tối đa {_thousands(MAX_DATA_ROWS)} dòng."
)
ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
SECTION_NUMBER_RE = re.compile(rf"^({ROMAN})\.?$")
SECTION_INLINE_RE = re.compile(rf"^({ROMAN})\s*[.)/:-]?\s+(\S.*)$", re.S)
NUMBERING_CELL_RE = re.compile(r"^\(?\s*\d{1,2}\s*\)?\.?$")
LETTER_RE = re.compile(r"^[a-zđ][).]$")
NUMBER_LIKE_RE = re.compile(r"^(?:[0-9IVXLC]+(?:[.,][0-9]+)*[.)]?|[-–—•+*]|[a-zđ][).])$")
AFTER_TABLE = ("nơi nhận", "tm. ", "kt. ")  # the recipients and signature block under the table
BULLETS = {"-", "–", "—", "•", "+", "*"}


# -- results --------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None  # the row number in the sheet (or in the Word table); None for the whole file
    message: str
    blocking: bool = True

    def __str__(self):
        return f"Dòng {self.row}: {self.message}" if self.row else self.message


@dataclass
class ParsedTable:
    """What a file holds, before anything is written: the nested sections and the problems."""

    filename: str
    kind: str
    sections: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # field → label as printed, for the columns found
    heading: str = ""
    title: str = ""
    attachment_line: str = ""
    row_count: int = 0

    @property
    def blocking(self):
        return any(problem.blocking for problem in self.problems)

    @property
    def task_count(self):
        def count(rows):
            return sum(1 + count(row["children"]) for row in rows)

        return sum(count(section["tasks"]) for section in self.sections)

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "problems": [Problem(**problem) for problem in data.get("problems", [])]})

    def sections_data(self):
        """The sections exactly as `import_plan --json` prints them and as they are written: the nested
        shape, without the preview's "split_from" notes."""

        def bare(row, children):
            return {
                **{key: value for key, value in row.items() if key not in ("split_from", children)},
                children: [bare(child, "children") for child in row[children]],
            }

        return {"sections": [bare(section, "tasks") for section in self.sections]}


class ImportRefused(Exception):
    """The table may not be written (permissions, state or blocking problems); a message for the user."""


# -- entry point ----------------------------------------------------------------------------------


def parse_plan_file(*, name, data):
    """Check and read an uploaded file. Raises ImportRejected for a file that cannot be read at all;
    otherwise returns a ParsedTable whose `problems` say what is wrong row by row."""
    upload = check_upload(name=name, data=data)
    reader = _read_xlsx if upload.kind == "xlsx" else _read_docx
    return reader(upload)


# -- text -----------------------------------------------------------------------------------------


def unescape_formula(text):
    """Undo the "'" that exports put in front of text a spreadsheet would run as a formula."""
    if len(text) > 1 and text[0] == "'" and text[1] in ESCAPED:
        return text[1:]
    return text


def clean_text(value):
    """A cell's value as the text the portal stores: NFC, \\n line breaks, escape removed, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Đúng" if value else "Sai"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return unescape_formula(text).strip()


def _label_key(text):
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[()\[\]:;.,/*\-–]+", " ", text)
    return " ".join(text.split())


def column_field(label):
    """Which column a header cell names, by its many real names; None when it names none of them.
    "executor" is one column holding both lead and partners ("Cơ quan, đơn vị thực hiện")."""
    key = _label_key(label)
    if not key:
        return None
    if key in {"stt", "tt", "số tt", "số thứ tự", "thứ tự", "s tt", "số"}:
        return "number"
    if key.startswith("nội dung") or key in {"nhiệm vụ", "công việc", "tên nhiệm vụ", "nhiệm vụ cụ thể"}:
        return "content"
    if key.startswith(("thời hạn", "thời gian", "tiến độ", "hạn hoàn thành")):
        return "deadline"
    if "chủ trì" in key and "phối hợp" in key:
        return "executor"
    if "phối hợp" in key:
        return "partners"
    if "chủ trì" in key or "tham mưu" in key:
        return "lead"
    if "sản phẩm" in key or key.startswith(("kết quả công việc", "kết quả dự kiến", "kết quả đầu ra")):
        return "product"
    if "thực hiện" in key and key.startswith(("cơ quan", "đơn vị", "bộ phận", "người", "cá nhân", "tổ chức")):
        return "executor"
    return None


def _header_mapping(cells):
    mapping = {}
    for index, text in enumerate(cells):
        name = column_field(text) if text and len(text) < 120 else None
        if name and name not in mapping:
            mapping[name] = index
    if "content" in mapping and len(mapping) >= 2:
        return mapping
    return None


def _is_subheader(cells):
    """The second line of a two-row header: every filled cell names a column."""
    filled = [text for text in cells if text]
    return bool(filled) and all(column_field(text) for text in filled) and len(filled) < len(cells)


def _is_numbering_row(cells):
    filled = [text for text in cells if text]
    return len(filled) >= 2 and all(NUMBERING_CELL_RE.match(text) for text in filled)


def _split_roles(values, own_layout=False):
    """Lead and partners from a cell that names both (rule 4), into `values`. Returns the cell as
    written when it was split, "" when nothing was, None when it names roles but is too long to read.
    The portal's own export has one lead per cell, kept as it is (its round trip is exact)."""
    executor, lead, partners = values["executor"], values["lead"], values["partners"]
    if executor and not (lead or partners):
        source, rest = executor, PARTNERS
    elif not own_layout and has_role_words(lead):
        source, rest = lead, LEAD
    else:
        return ""
    if not splits(source):
        values["lead"] = lead or executor
        return None if has_role_words(source) else ""
    values["lead"], found = split_executor(source, rest=rest)
    values["partners"] = _join_names(found, partners)
    return source


def _join_names(first, second):
    """The partners read from a lead cell, then the partners cell's own (once)."""
    if not first or first.casefold() in second.casefold():
        return second
    if not second:
        return first
    return first + ("\n" if "\n" in first + second else "; ") + second


# -- raw rows → table -----------------------------------------------------------------------------


@dataclass
class RawRow:
    number: int  # the row's number in the sheet / Word table, for messages
    cells: list  # text per column
    indents: dict = field(default_factory=dict)  # column → Excel indent level
    formulas: dict = field(default_factory=dict)  # column → formula text, no value known
    calculated: dict = field(default_factory=dict)  # column → formula text, its cached value taken


def _find_header(rows):
    """(index of the header row, mapping field → column) or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = _header_mapping(row.cells)
        if mapping:
            return index, mapping
    return None


def _title_parts(items):
    """heading, title, attachment line from the text above the header (our export: one item each)."""
    items = [item for item in items if item]
    start = next(
        (
            index
            for index, item in enumerate(items)
            if item.upper().startswith(("KẾ HOẠCH", "PHỤ LỤC", "DANH MỤC", "NHIỆM VỤ"))
        ),
        None,
    )
    if start is None:
        return "", "", ""
    heading, rest = items[start], items[start + 1 :]
    attachment = next((item for item in reversed(rest) if item.startswith("(")), "")
    title = "\n".join(item for item in rest if item != attachment)
    return heading, title, attachment


def _build(rows, *, filename, kind, title_items=(), own_layout=False):
    """Turn the raw rows of one sheet/table into a ParsedTable. `own_layout`: the file is this
    portal's export, whose indents give every sub-item's depth."""
    found = _find_header(rows)
    if not found:
        raise ImportRejected(NO_HEADER_MESSAGE)
    header_index, mapping = found
    header = rows[header_index]
    heading, title, attachment = _title_parts([*title_items, *(_row_title(row) for row in rows[:header_index])])
    parsed = ParsedTable(filename=filename, kind=kind, heading=heading, title=title, attachment_line=attachment)
    labels = {name: " ".join(header.cells[index].split()) for name, index in mapping.items()}

    body = rows[header_index + 1 :]
    if body and _is_subheader(body[0].cells):  # "Cơ quan thực hiện" over "Chủ trì | Phối hợp"
        for index, text in enumerate(body[0].cells):
            name = column_field(text) if text else None
            if name:
                mapping[name] = index
                labels[name] = " ".join(text.split())
        if "lead" in mapping and "partners" in mapping:
            mapping.pop("executor", None)
            labels.pop("executor", None)
        body = body[1:]
    while body and _is_numbering_row(body[0].cells):
        body = body[1:]
    parsed.columns = {name: label for name, label in labels.items() if name in FIELDS}

    data_rows = [row for row in body if any(row.cells)]
    if len(data_rows) > MAX_DATA_ROWS:
        raise ImportRejected(TOO_MANY_ROWS_MESSAGE)
    parsed.row_count = len(data_rows)
    _fill_sections(parsed, data_rows, mapping, own_layout)
    if not parsed.sections:
        parsed.problems.append(Problem(None, "Bảng không có dòng nội dung nào dưới dòng tiêu đề."))
    return parsed


def _row_title(row):
    return "\n".join(text for text in dict.fromkeys(row.cells) if text)


def _fill_sections(parsed, rows, mapping, own_layout=False):
    problems = parsed.problems
    section = None
    chain = []  # the open rows of the current section: chain[d] is the latest row at depth d
    previous = None

    def label(name):
        return parsed.columns.get(name) or ("Cơ quan, đơn vị thực hiện" if name == "executor" else name)

    def cell(row, name):
        index = mapping.get(name)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    split_rows = []  # rows whose lead and partners came from one cell

    for row in rows:
        first = next((text for text in row.cells if text), "")
        if first.casefold().startswith(AFTER_TABLE):
            problems.append(
                Problem(row.number, f"Bảng kết thúc ở đây (“{first[:40]}”); phần sau không được đọc.", False)
            )
            break
        for name, index in mapping.items():
            if index in row.formulas:
                problems.append(
                    Problem(
                        row.number,
                        f"Ô “{label(name)}” có công thức “{row.formulas[index][:60]}” chưa có giá trị. "
                        "Bảng kế hoạch chỉ nhận chữ: hãy thay công thức bằng giá trị (Dán đặc biệt → Giá trị) rồi "
                        "nhập lại.",
                    )
                )
            elif index in row.calculated:
                problems.append(
                    Problem(
                        row.number,
                        f"Ô “{label(name)}” có công thức “{row.calculated[index][:60]}”; "
                        f"đã lấy giá trị đã tính “{row.cells[index][:60]}”, không lấy công thức.",
                        False,
                    )
                )
        values = {name: cell(row, name) for name in (*FIELDS, "executor")}
        for name, text in values.items():
            if len(text) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        row.number,
                        f"Ô “{label(name)}” dài {_thousands(len(text))} ký tự, "
                        f"vượt giới hạn {_thousands(MAX_CELL_CHARS)} ký tự.",
                    )
                )
                values[name] = text[:MAX_CELL_CHARS]
        if len(values["deadline"]) > MAX_DEADLINE_CHARS:
            problems.append(
                Problem(
                    row.number,
                    f"Ô “{label('deadline')}” dài {_thousands(len(values['deadline']))} ký tự; thời hạn chỉ ghi tối "
                    f"đa {MAX_DEADLINE_CHARS} ký tự (ví dụ “Quý II/2024”, “Thường xuyên”, “Trước ngày 15/9/2024”). "
                    "Phần giải thích hãy chuyển sang cột Nội dung hoặc Sản phẩm.",
                )
            )
            values["deadline"] = values["deadline"][:MAX_DEADLINE_CHARS]
        split_from = _split_roles(values, own_layout)
        if split_from:
            split_rows.append(row.number)
        elif split_from is None:
            problems.append(
                Problem(
                    row.number,
                    f"Ô “{label('executor' if values['executor'] else 'lead')}” có chữ “chủ trì” / “phối hợp” nhưng "
                    "quá nhiều phần để tự tách; cả ô được để ở cột chủ trì. Hãy tách chủ trì / phối hợp trong tệp.",
                    False,
                )
            )

        number, content = values["number"], values["content"]
        section_number, section_title = _section_of(number, content, values)
        if section_number is not None:
            if len(section_number) > MAX_SECTION_NUMBER:
                problems.append(Problem(row.number, f"Số mục “{section_number}” quá dài."))
            section = {
                "number": section_number,
                "title": section_title,
                **{name: values[name] for name in CELL_FIELDS},
                **({"split_from": split_from} if split_from else {}),
                "tasks": [],
            }
            parsed.sections.append(section)
            chain, previous = [], None
            continue

        if not number and not content:
            if previous is None:
                problems.append(Problem(row.number, "Không có nội dung; dòng này được bỏ qua.", False))
                continue
            # The rest of the row above (its content cell merged down): its cells are added below.
            for name in CELL_FIELDS:
                if values[name]:
                    previous[name] = f"{previous[name]}\n{values[name]}" if previous[name] else values[name]
            if split_from:
                previous["split_from"] = "\n".join(filter(None, [previous.get("split_from"), split_from]))
            problems.append(
                Problem(row.number, "Không có số thứ tự và nội dung; các ô được ghép vào dòng trên.", False)
            )
            continue
        if number and not content and not NUMBER_LIKE_RE.match(number):
            problems.append(
                Problem(row.number, f"Dòng chữ “{number[:60]}” nằm ngoài cột nội dung; được bỏ qua.", False)
            )
            continue
        if not number and content.startswith(("- ", "– ")):
            number, content = "-", content[2:].lstrip()
        if not content and mapping["content"] not in row.formulas:
            problems.append(
                Problem(
                    row.number,
                    f"Có số thứ tự “{number}” nhưng không có nội dung: hãy điền nội dung hoặc xóa dòng này trong tệp.",
                )
            )
        if len(number) > MAX_TASK_NUMBER:
            problems.append(Problem(row.number, f"Số thứ tự “{number[:40]}” dài quá {MAX_TASK_NUMBER} ký tự."))

        if section is None:
            section = {"number": "", "title": "", **dict.fromkeys(CELL_FIELDS, ""), "tasks": []}
            parsed.sections.append(section)
            problems.append(
                Problem(
                    row.number, "Các dòng trước mục La Mã đầu tiên (I, II …) được đưa vào một mục không tên.", False
                )
            )
        task = {"number": number, "content": content, **{name: values[name] for name in CELL_FIELDS}, "children": []}
        if split_from:
            task["split_from"] = split_from
        depth = _depth(task, row.indents.get(mapping["content"], 0), chain, own_layout)
        (chain[depth - 1]["children"] if depth else section["tasks"]).append(task)
        del chain[depth:]
        chain.append(task)
        previous = task
    if split_rows:
        shown = ", ".join(map(str, split_rows[:12])) + (" …" if len(split_rows) > 12 else "")
        problems.append(
            Problem(
                None,
                f"Ở {len(split_rows)} dòng (dòng {shown}), người chủ trì và người phối hợp được tách từ một ô ghi "
                "kèm chữ “chủ trì” / “phối hợp”; hãy xem lại hai cột đó ở các dòng này và sửa tệp nếu tách chưa đúng.",
                False,
            )
        )


def _section_of(number, content, values):
    """(number, title) when the row is a section row, else (None, None)."""
    bare = number.strip()
    if SECTION_NUMBER_RE.match(bare):
        return bare, content
    match = SECTION_INLINE_RE.match(bare)
    if match and not content:  # "I. Tên mục" merged across the whole row
        return match.group(1), match.group(2).strip()
    if not bare and content:
        match = SECTION_INLINE_RE.match(content)
        if match and not any(values[name] for name in CELL_FIELDS):
            return match.group(1), match.group(2).strip()
    return None, None


def _depth(task, indent, chain, own_layout=False):
    """How deep a task row sits under the rows above it (0: directly in the section)."""
    number = task["number"]
    if indent > 0:
        return min(indent, len(chain))
    if not number:
        if own_layout or not chain:
            return 0
        above = chain[-1]
        heading = above["number"] and above["number"] not in BULLETS and not any(above[name] for name in CELL_FIELDS)
        if heading and any(task[name] for name in CELL_FIELDS):  # "6 | Tổ chức …" with no cells, then its rows
            return len(chain)
        return len(chain) - 1  # unnumbered rows continue the level above
    key = number.rstrip(".")
    if number in BULLETS:  # "-" under the nearest row that is not itself a bullet of this kind
        for depth in range(len(chain) - 1, -1, -1):
            if chain[depth]["number"] != number and not (number != "+" and chain[depth]["number"] in BULLETS):
                return depth + 1
        return 0
    if LETTER_RE.match(number):  # "a)", "b." under the nearest numbered row
        for depth in range(len(chain) - 1, -1, -1):
            other = chain[depth]["number"]
            if other not in BULLETS and not LETTER_RE.match(other):
                return depth + 1
        return 0
    if "." in key:  # "2.1" under "2" (or "2."), "2.1.3" under "2.1"
        prefix = key.rsplit(".", 1)[0]
        for depth in range(len(chain) - 1, -1, -1):
            if chain[depth]["number"].rstrip(".") == prefix:
                return depth + 1
    return 0


# -- .xlsx ----------------------------------------------------------------------------------------


def _read_xlsx(upload):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(upload.data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        logger.info("Unreadable .xlsx upload %r: %r", upload.name, error)
        raise ImportRejected(CORRUPT_MESSAGE) from error
    try:
        for sheet_index, sheet in enumerate(book.worksheets[:MAX_SHEETS]):
            rows = _sheet_rows(sheet)
            if not rows or not _find_header(rows):
                continue
            if any(row.formulas for row in rows):
                _resolve_formulas(upload.data, sheet_index, rows)
            own_layout = book.properties.creator == LAYOUT_CREATOR
            return _build(rows, filename=upload.name, kind="xlsx", own_layout=own_layout)
    except ImportRejected:
        raise
    except Exception as error:
        logger.warning("Unreadable .xlsx upload %r", upload.name, exc_info=True)
        raise ImportRejected(CORRUPT_MESSAGE) from error
    finally:
        book.close()
    raise ImportRejected(NO_HEADER_MESSAGE)


def _sheet_rows(sheet):
    width = sheet.max_column  # from the sheet's <dimension>: checked before any cell is read
    if width is not None and width > MAX_COLUMNS:
        raise ImportRejected(
            f"Trang tính “{sheet.title}” có {_thousands(width)} cột; bảng kế hoạch chỉ được có tối đa "
            f"{MAX_COLUMNS} cột. "
            "Hãy xóa các cột thừa rồi tải lên lại."
        )
    sheet.reset_dimensions()  # read every row, whatever the dimension claims (the caps below bound it)
    rows, filled = [], 0
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_SCANNED_ROWS:
            raise ImportRejected(TOO_MANY_ROWS_MESSAGE)
        texts, indents, formulas = [], {}, {}
        for column, cell in enumerate(cells):
            value = cell.value
            if cell.data_type == "f":
                formulas[column] = str(value)
                texts.append("")
                continue
            if value is None:  # an empty cell: most of a row read MAX_COLUMNS cells wide
                texts.append("")
                continue
            text = clean_text(value)
            texts.append(text)
            alignment = getattr(cell, "alignment", None)
            if text and alignment is not None and alignment.indent:
                indents[column] = int(alignment.indent)
        if any(texts) or formulas:
            filled += 1
            if filled > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
                raise ImportRejected(TOO_MANY_ROWS_MESSAGE)
            rows.append(RawRow(number, texts, indents, formulas))
    return rows


def _resolve_formulas(data, sheet_index, rows):
    """Formula cells: take the value the spreadsheet last calculated (cached in the file), when any."""
    from openpyxl import load_workbook

    wanted = {(row.number, column): row for row in rows for column in row.formulas}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[sheet_index]
        sheet.reset_dimensions()
        last = max(number for number, _ in wanted)
        for number, values in enumerate(sheet.iter_rows(max_row=last, max_col=MAX_COLUMNS, values_only=True), start=1):
            for column, value in enumerate(values):
                row = wanted.get((number, column))
                if row is None or value is None:
                    continue
                row.calculated[column] = row.formulas.pop(column)
                row.cells[column] = clean_text(value)
    finally:
        book.close()


# -- .docx ----------------------------------------------------------------------------------------


def _read_docx(upload):
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(upload.data))
    except Exception as error:
        logger.info("Unreadable .docx upload %r: %r", upload.name, error)
        raise ImportRejected(CORRUPT_MESSAGE) from error
    body = document.element.body
    paragraphs = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = clean_text(Paragraph(child, document._body).text)
            if text:
                paragraphs.append(text)
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                paragraphs.clear()  # a section ends here: a table after it has its title on its own page
            continue
        if child.tag != qn("w:tbl"):
            continue
        table = Table(child, document._body)
        grid = child.tblGrid
        width = len(grid.gridCol_lst) if grid is not None else 0
        if width > MAX_COLUMNS:
            raise ImportRejected(
                f"Bảng trong tệp Word có {width} cột; bảng kế hoạch chỉ được có tối đa {MAX_COLUMNS} cột."
            )
        if len(child.tr_lst) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
            raise ImportRejected(TOO_MANY_ROWS_MESSAGE)
        rows = []
        for number, tr in enumerate(child.tr_lst, start=1):
            cells, column = [""] * max(width, 1), tr.grid_before
            for tc in tr.tc_lst:
                if column >= MAX_COLUMNS:
                    break
                if column >= len(cells):
                    cells.extend([""] * (column + 1 - len(cells)))
                # A cell merged down from the row above is empty here: its text belongs to the row above.
                cells[column] = "" if tc.vMerge == "continue" else clean_text(_Cell(tc, table).text)
                column += tc.grid_span
            rows.append(RawRow(number, cells))
        if _find_header(rows):
            return _build(rows, filename=upload.name, kind="docx", title_items=paragraphs[-8:])
        paragraphs.clear()
    raise ImportRejected(NO_HEADER_MESSAGE)


# -- writing --------------------------------------------------------------------------------------


def _check_editable(plan, user):
    try:
        ensure_plan_editable(plan)  # the one lock of every write path (a submitted, approved or issued plan)
    except PermissionDenied as denied:
        raise ImportRefused(f"{denied} Chưa ghi gì vào kế hoạch.") from denied
    if plan.status not in EDITABLE_STATES:
        raise ImportRefused(
            f"Kế hoạch đang ở trạng thái “{plan.get_status_display()}”: chỉ nhập bảng vào kế hoạch dự thảo hoặc bị "
            f"trả lại."
        )
    if user is not None and not can_edit_plan(user, plan):
        raise ImportRefused("Bạn không có quyền sửa kế hoạch này nên không thể nhập bảng vào đó.")


def replace_table(*, plan, sections, user, columns=None):
    """Replace the plan's sections and rows with `sections` (the nested shape), all or nothing, in a few
    queries whatever the table's size (tasks.services). The old rows' progress goes with them; a
    reviewer's comment on an old row stays on the plan without its row. Every row removed and added is
    in the plan's history, by `user` at one moment, so the history page shows the import as one change.
    `user` None means a management command (no user to check, the plan's state still is)."""
    _check_editable(plan, user)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_editable(locked, user)  # again on the locked row: an import racing a submit is refused
        when = timezone.now()
        PlanComment.objects.filter(task__section__plan=locked).update(task=None)
        delete_table(plan=locked, user=user, when=when)
        create_table(plan=locked, sections=sections, user=user, when=when)
        if columns:
            locked.column_labels = {**default_column_labels(), **(locked.column_labels or {}), **columns}
            if user is not None:
                locked._history_user = user
            locked._history_date = when
            locked.save(update_fields=["column_labels"])
        locked.mark_changed()
    plan.refresh_from_db()
    return plan


def import_parsed(*, plan, parsed, user, request=None):
    """Write a previewed ParsedTable to `plan`; refused while it has blocking problems. Audited."""
    if parsed.blocking:
        raise ImportRefused("Tệp còn lỗi cần sửa (xem danh sách lỗi); chưa ghi gì vào kế hoạch.")
    with transaction.atomic():
        sections = parsed.sections_data()["sections"]
        result = replace_table(plan=plan, sections=sections, user=user, columns=parsed.columns)
        audit(actor=user, action=AuditEvent.Action.PLAN_IMPORT, target=plan, request=request, source=parsed.filename)
    return result


@transaction.atomic
def create_plan_from_import(*, unit, year, parsed):
    """A new draft plan for (unit, year) with a minimal decision and the imported table."""
    if parsed.blocking:
        raise ImportRefused("Tệp còn lỗi cần sửa (xem danh sách lỗi); chưa ghi gì vào kế hoạch.")
    kind = unit.get_kind_display().upper()
    name = unit.name.upper()
    plan = Plan.objects.create(
        unit=unit,
        year=year,
        table_heading=parsed.heading or "KẾ HOẠCH",
        table_title=parsed.title if parsed.heading else f"Kế hoạch kiểm soát thủ tục hành chính năm {year}",
        table_attachment_line=parsed.attachment_line,
        column_labels={**default_column_labels(), **parsed.columns},
        source=parsed.filename,
    )
    Decision.objects.create(
        plan=plan,
        issuing_body=f"ỦY BAN NHÂN DÂN\n{kind} {name}",
        place=unit.name,
        summary=f"Ban hành Kế hoạch kiểm soát thủ tục hành chính năm {year}",
        authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {kind} {name}",
    )
    create_table(plan=plan, sections=parsed.sections_data()["sections"])
    return plan
