"""The decision + plan + appendices as one Word file (python-docx), for the offices that forward,
archive and edit documents in Word: the same text as the PDF, taken from the same context
(plans.pdf.documents.plan_document_context), in the same Nghị định 30/2020/NĐ-CP layout as
static/print/document.css.

- One Word section per part, each numbered on its own from 1 with no number on its first page
  (Arabic, 13 pt, centred in the top margin): the decision (A4 portrait), the plan table (A4
  landscape, margins chosen for the sheet bound along its portrait left edge, as in the PDF) and
  each appendix (A4 portrait).
- Times New Roman everywhere (the document defaults and every style; no theme fonts), in Vietnamese
  (w:lang vi-VN). LibreOffice shows it with Liberation Serif, metric-compatible.
- The first page's header is a borderless two-column table; the tiêu ngữ is underlined, so its rule
  is exactly as long as the text; the short rules under the issuing body and the trích yếu are
  paragraph borders.
- The tables: the header row is repeated on every page (w:tblHeader); any other row may run on to the
  next page at a line boundary, two lines at least on each side (widow control); a section row that is
  only a title is never split and stays with the row under it. Sub-items are indented; a bullet prints
  "- " before its content with an empty STT cell, exactly as the PDF does. plans.files.importing reads
  the plan table back to the same sections and rows.
- Not carried over: the digital signature marks of a signed PDF (a Word file is never the signed
  document; the signed PDF is).
"""

import html
import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import docx
from django.template.loader import render_to_string
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from plans.files.importing import LAYOUT_CREATOR
from plans.models import default_column_labels
from plans.pdf.documents import plan_document_context
from tasks.selectors import flatten

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
LANGUAGE = "vi-VN"

# Pages, in mm, as static/print/document.css sets them: (width, height, top, right, bottom, left).
PORTRAIT = (210, 297, 25, 20, 20, 30)
LANDSCAPE = (297, 210, 30, 20, 20, 25)
PORTRAIT_WIDTH_MM = 210 - 30 - 20  # 160
HEADER_DISTANCE_MM = 10

HEADER_COLUMNS_MM = (60.8, 99.2)  # 38 % / 62 % of 160 mm
FOOTER_COLUMNS_MM = (88, 72)  # 55 % / 45 %: recipients, signer
RECIPIENT_COLUMNS_MM = (58, 30)  # 66 % / 34 % of the recipients' column: entries, purpose
TASK_COLUMNS = ("number", "content", "lead", "partners", "deadline_text", "product")
TASK_WIDTHS_MM = (12, 98, 33, 33, 30, 46)  # 252 mm, the landscape content width, as document.css sets them
TASK_FONT_PT = 12
LABEL_KEYS = ("number", "content", "lead", "partners", "deadline", "product")  # plan.column_labels
APPENDIX_WIDTHS_MM = (16, 94, 50)  # 160 mm
APPENDIX_FONT_PT = 13
DEPTH_INDENT_MM = 4
SIGN_AREA_PT = 85  # ≈ 30 mm between the signer's title and name: room for the signature and seal

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control characters an Excel import may bring
BODY_STYLE = ("Nội dung văn bản", "TthcBody")
TABLE_STYLE = ("Chữ trong bảng", "TthcTable")

# Child order of the elements edited by hand (ECMA-376 part 1, §17.3 and §17.4).
_TBL_PR_ORDER = (
    "w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize w:tblStyleColBandSize w:tblW w:jc "
    "w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout w:tblCellMar w:tblLook"
).split()
_P_PR_AFTER_BORDER = (
    "w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap w:overflowPunct w:topLinePunct w:autoSpaceDE "
    "w:autoSpaceDN w:bidi w:adjustRightInd w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents "
    "w:suppressOverlap w:jc w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle "
    "w:rPr w:sectPr w:pPrChange"
).split()


def plan_docx(plan) -> bytes:
    """The plan's decision, table and appendices as a .docx file."""
    context = plan_document_context(plan)
    decision = context["decision"]  # None for a plan imported without its decision: the table comes first
    document = _new_document(plan, decision)
    if decision is not None:
        _decision(document, context)
    _plan_table(document, context, new_section=decision is not None)
    for appendix, rows, attachment in context["appendices"]:
        _appendix(document, appendix, rows, attachment)
    _tiny_paragraph(document)  # Word ends a section's text with a paragraph, never with a table
    _page_numbers(document)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


# -- document, styles, pages ----------------------------------------------------------------------


def _new_document(plan, decision):
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.widow_control = True  # two lines at least on each side of a page break
    body = _paragraph_style(document, BODY_STYLE)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Mm(12.7)
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.line_spacing = 1.1  # CSS line-height 1.25 ≈ 1.1 of Word's single line for this font
    table = _paragraph_style(document, TABLE_STYLE)
    table.font.size = Pt(TASK_FONT_PT)
    _document_defaults(document)
    properties = document.core_properties
    doc_type = decision.doc_type if decision is not None else plan.table_heading
    properties.title = f"{doc_type} – {plan.unit} – {plan.year}"
    properties.author = properties.last_modified_by = LAYOUT_CREATOR
    properties.language = LANGUAGE
    _page(document.sections[0], PORTRAIT)
    return document


def _document_defaults(document):
    """14 pt, single spacing, no space after, Vietnamese; Times New Roman in the defaults and in every
    style (theme fonts, which would win over a named font, removed)."""
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    r_pr.find(qn("w:sz")).set(qn("w:val"), "28")
    r_pr.find(qn("w:szCs")).set(qn("w:val"), "28")
    r_pr.find(qn("w:lang")).attrib.update({qn("w:val"): LANGUAGE, qn("w:eastAsia"): LANGUAGE})
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.update({qn("w:after"): "0", qn("w:line"): "240", qn("w:lineRule"): "auto"})
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):  # Word 2010 would read its theme fonts instead
            document.part.drop_rel(rel_id)
    for fonts in root.iter(qn("w:rFonts")):
        fonts.attrib.clear()
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), FONT)


def _paragraph_style(document, name_and_id):
    name, style_id = name_and_id
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    return style


def _page(section, page):
    width, height, top, right, bottom, left = page
    section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = section.footer_distance = Mm(HEADER_DISTANCE_MM)


def _new_section(document, page):
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _shrink(document.paragraphs[-1])  # the empty paragraph that now holds the previous section's end
    _page(section, page)
    return section


def _page_numbers(document):
    """Every section: numbered from 1, the number centred in the top margin, none on its first page.
    The first section's headers are inherited by the others (sections without their own)."""
    for section in document.sections:
        section.different_first_page_header_footer = True
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(
            number_type, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
            "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
        )  # fmt: skip
    first = document.sections[0]
    first.first_page_header.is_linked_to_previous = False  # empty: no number on a first page
    header = first.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph, size=13)


def _page_field(paragraph, *, size):
    """The PAGE field, as Word writes it (begin, instruction, separate, the last value, end)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


# -- paragraphs -----------------------------------------------------------------------------------


def _para(
    container,
    text="",
    *,
    size=None,
    bold=False,
    italic=False,
    underline=False,
    align=None,
    style=None,
    before=None,
    after=None,
    keep=False,
    indent_mm=None,
    first_line_mm=None,
    paragraph=None,
):
    """A paragraph of one run; "\\n" in `text` are line breaks."""
    paragraph = paragraph if paragraph is not None else container.add_paragraph()
    if style is not None:
        paragraph._p.style = style  # the style id (python-docx's own setter looks the style up every time)
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep:
        fmt.keep_with_next = True
    if indent_mm is not None:
        fmt.left_indent = Mm(indent_mm)
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _run(paragraph, text, *, size=None, bold=False, italic=False, underline=False):
    run = paragraph.add_run(_clean(text))  # python-docx writes "\n" as a line break
    if size is not None:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    return run


def _rule(container, *, width_mm, within_mm, before=0, after=0, centred=True):
    """A horizontal rule `width_mm` long (a paragraph's top border), centred in a space `within_mm` wide."""
    side = (within_mm - width_mm) / 2 if centred else 0
    paragraph = _para(container, before=before, after=after, indent_mm=side)
    paragraph.paragraph_format.right_indent = Mm(within_mm - width_mm - side)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.attrib.update({qn("w:val"): "single", qn("w:sz"): "5", qn("w:space"): "1", qn("w:color"): "000000"})
    borders.append(top)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.insert_element_before(borders, *_P_PR_AFTER_BORDER)
    _mark_size(paragraph, 2)
    return paragraph


def _mark_size(paragraph, size_pt):
    """The size of the paragraph mark: an empty paragraph is as high as its mark."""
    p_pr = paragraph._p.get_or_add_pPr()
    r_pr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(size_pt * 2))
        r_pr.append(element)
    p_pr.insert_element_before(r_pr, "w:sectPr", "w:pPrChange")


def _shrink(paragraph):
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _mark_size(paragraph, 1)


def _tiny_paragraph(document):
    _shrink(document.add_paragraph())


# -- tables ---------------------------------------------------------------------------------------


def _table(container, widths_mm):
    """A borderless fixed-layout table for placing text side by side (the header, the signature)."""
    table = container.add_table(rows=0, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{_twips(sum(widths_mm))}" w:type="dxa"/>'))
    tbl_pr.append(parse_xml(_borders_xml(False)))
    tbl_pr.append(parse_xml(_padding_xml(0, 0)))
    _reorder(tbl_pr, _TBL_PR_ORDER)
    return table


def _add_row(table, *, keep_whole=True):
    row = table.add_row()
    if keep_whole:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return row.cells  # each cell as wide as its grid column (python-docx copies the widths)


def _borders_xml(lines):
    line = 'w:val="single" w:sz="5" w:space="0" w:color="000000"' if lines else 'w:val="nil"'
    sides = "".join(f"<w:{side} {line}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return f"<w:tblBorders {nsdecls('w')}>{sides}</w:tblBorders>"


def _padding_xml(vertical_pt, horizontal_pt):
    vertical, horizontal = round(vertical_pt * 20), round(horizontal_pt * 20)
    sides = "".join(
        f'<w:{side} w:w="{value}" w:type="dxa"/>'
        for side, value in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal))
    )
    return f"<w:tblCellMar {nsdecls('w')}>{sides}</w:tblCellMar>"


@dataclass
class Cell:
    text: str
    span: int = 1
    bold: bool = False
    align: str = ""  # w:jc: "center", "both" (justified); "" for the left
    indent_mm: float = 0


class DataTable:
    """A table with lines, its header row repeated on every page, written as WordprocessingML text and
    parsed once: python-docx's cell by cell API costs a few milliseconds a row, and a plan may have
    2,000 rows. Each line of a cell's text is a paragraph of the table's paragraph style."""

    def __init__(self, widths_mm, *, padding_pt, font_pt=None):
        self.widths = [_twips(width) for width in widths_mm]
        self.padding_pt = padding_pt
        self.run_size = f'<w:sz w:val="{font_pt * 2}"/><w:szCs w:val="{font_pt * 2}"/>' if font_pt else ""
        self.rows = []

    def add(self, cells, *, header=False, whole=False, keep=False):
        """`whole`: the row never splits across pages; `keep`: it stays on the page of the next row."""
        column, parts = 0, []
        for cell in cells:
            width = sum(self.widths[column : column + cell.span])
            column += cell.span
            parts.append(self._cell(cell, width, centred=header, keep=keep))
        props = ("<w:cantSplit/>" if whole or header else "") + ("<w:tblHeader/>" if header else "")
        self.rows.append(f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(parts)}</w:tr>")

    def _cell(self, cell, width, *, centred, keep):
        props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if cell.span > 1:
            props += f'<w:gridSpan w:val="{cell.span}"/>'
        if centred:
            props += '<w:vAlign w:val="center"/>'
        p_pr = f'<w:pStyle w:val="{TABLE_STYLE[1]}"/>' + ("<w:keepNext/>" if keep else "")
        if cell.indent_mm:
            p_pr += f'<w:ind w:left="{_twips(cell.indent_mm)}"/>'
        if cell.align:
            p_pr += f'<w:jc w:val="{cell.align}"/>'
        r_pr = ("<w:b/><w:bCs/>" if cell.bold else "") + self.run_size
        r_pr = f"<w:rPr>{r_pr}</w:rPr>" if r_pr else ""
        paragraphs = "".join(
            f"<w:p><w:pPr>{p_pr}</w:pPr>{f'<w:r>{r_pr}{_text_xml(line)}</w:r>' if line else ''}</w:p>"
            for line in (cell.text or "").split("\n")
        )
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"

    def append_to(self, document):
        properties = (
            f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:jc w:val="center"/>{_borders_xml(True)}'
            f'<w:tblLayout w:type="fixed"/>{_padding_xml(*self.padding_pt)}'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="0"/>'
        )
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in self.widths)
        table = parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>{properties}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
            f"{''.join(self.rows)}</w:tbl>"
        )
        document.element.body.insert_element_before(table, "w:sectPr")


def _text_xml(text):
    """A run's text: tabs as w:tab, characters XML cannot hold dropped."""
    return "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in _clean(text).split("\t"))


def _clean(text):
    return _NOT_XML.sub("", text)


def _reorder(parent, order):
    rank = {qn(tag): index for index, tag in enumerate(order)}
    children = sorted(parent, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        parent.append(child)


def _twips(mm):
    return round(mm * 1440 / 25.4)


# -- the decision ---------------------------------------------------------------------------------

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def _decision(document, context):
    decision = context["decision"]
    _header(document, decision, context["plan"])
    _para(document, decision.doc_type.upper(), size=14, bold=True, align=CENTER, before=20)
    _para(document, decision.summary, size=14, bold=True, align=CENTER)
    _rule(document, width_mm=PORTRAIT_WIDTH_MM * 0.3, within_mm=PORTRAIT_WIDTH_MM, before=3, after=14)
    if decision.authority:
        _para(document, decision.authority, size=14, bold=True, align=CENTER, after=12)
    paragraphs = list(_body(document, context, BODY_STYLE[1]))
    if paragraphs:
        paragraphs[-1].paragraph_format.keep_with_next = True  # the last paragraph goes with the signature
    recipients = context["recipients"]
    if recipients or decision.signer_title or decision.signer_name:
        _footer(document, decision, context["recipient_groups"])
    if decision.footnotes:
        _rule(document, width_mm=PORTRAIT_WIDTH_MM * 0.35, within_mm=PORTRAIT_WIDTH_MM, before=14, centred=False)
        for number, note in enumerate(decision.footnotes, start=1):
            _para(document, f"[{number}] {note}", size=10, align=JUSTIFY)


def _header(document, decision, plan):
    """Governing and issuing body left, quốc hiệu and tiêu ngữ right; the number and the place and date."""
    table = _table(document, HEADER_COLUMNS_MM)
    left, right = _add_row(table)
    paragraph = left.paragraphs[0]
    if decision.governing_body:
        _para(left, decision.governing_body.upper(), paragraph=paragraph, size=13, align=CENTER)
        paragraph = left.add_paragraph()
    _para(left, decision.issuing_body.upper(), paragraph=paragraph, size=13, bold=True, align=CENTER)
    _rule(left, width_mm=HEADER_COLUMNS_MM[0] * 0.35, within_mm=HEADER_COLUMNS_MM[0], before=3)
    quoc_hieu = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    _para(right, quoc_hieu, paragraph=right.paragraphs[0], size=12, bold=True, align=CENTER)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, underline=True, align=CENTER)
    number, place_date = _add_row(table)
    _para(number, f"Số: {decision.number_text}", paragraph=number.paragraphs[0], size=13, align=CENTER, before=8)
    _para(place_date, _place_date(decision, plan), paragraph=place_date.paragraphs[0], size=14, italic=True)
    place_date.paragraphs[0].paragraph_format.alignment = CENTER
    place_date.paragraphs[0].paragraph_format.space_before = Pt(8)


def _place_date(decision, plan):
    """ "Lê Lợi, ngày 23 tháng 01 năm 2024", or with blanks: the PDF's own template, as text."""
    rendered = render_to_string("documents/_place_date.html", {"decision": decision, "plan": plan})
    return html.unescape(rendered).strip()


def _body(document, context, style):
    """The paragraphs between the authority line and the signature (the template's `.body`)."""
    decision = context["decision"]
    is_decision = decision.kind == "decision"

    def body(text="", **kwargs):
        return _para(document, text, style=style, **kwargs)

    for line in decision.preamble.splitlines():
        if line.strip():
            yield body(line)
    for basis in context["legal_bases"]:
        yield body(basis.text, italic=True)
    if decision.proposal:
        yield body(decision.proposal, italic=True)
    if is_decision:
        yield body("QUYẾT ĐỊNH:", bold=True, align=CENTER, first_line_mm=0, before=6, after=12)
    for article in context["articles"]:
        label = f"{article.label} {article.heading}" if article.heading else article.label
        lines = article.body.splitlines()
        if is_decision:
            first = body()
            _run(first, label, bold=True)
            if article.body.strip() and lines:
                _run(first, f" {lines[0]}")
                lines = lines[1:]
            yield first
        else:
            yield body(f"{article.label} {article.heading}", bold=True, keep=True)
        for line in lines:
            if line.strip():
                yield body(line)
        for clause in article.clauses:
            yield body(clause)


def _footer(document, decision, recipient_groups):
    """Recipients left, level with the signer's title right."""
    table = _table(document, FOOTER_COLUMNS_MM)
    recipients, signer = _add_row(table)
    if recipient_groups:
        _para(recipients, "Nơi nhận:", paragraph=recipients.paragraphs[0], size=12, bold=True, italic=True, after=1)
        groups = _table(recipients, RECIPIENT_COLUMNS_MM)
        for group, items in recipient_groups:
            entries, purpose = _add_row(groups, keep_whole=False)
            if not group:
                entries = entries.merge(purpose)
            for index, recipient in enumerate(items):
                mark = "+ " if recipient.level > 1 else "- "
                _para(
                    entries,
                    f"{mark}{recipient.text}",
                    paragraph=entries.paragraphs[0] if index == 0 else None,
                    size=11,
                    indent_mm=5 if recipient.level > 1 else None,
                )
            if group:
                purpose.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                _para(purpose, group, paragraph=purpose.paragraphs[0], size=11, italic=True, indent_mm=2)
        _mark_size(recipients.add_paragraph(), 1)  # a cell ends with a paragraph
    lines = decision.signer_title.splitlines()
    if decision.signer_prefix:
        lines = [f"{decision.signer_prefix} {lines[0]}" if lines else decision.signer_prefix, *lines[1:]]
    paragraph = signer.paragraphs[0]
    for line in lines:
        _para(signer, line.upper(), paragraph=paragraph, size=14, bold=True, align=CENTER)
        paragraph = None
    if decision.signer_name:
        _para(signer, decision.signer_name, paragraph=paragraph, size=14, bold=True, align=CENTER, before=SIGN_AREA_PT)


# -- the plan table -------------------------------------------------------------------------------


def _plan_table(document, context, *, new_section):
    plan = context["plan"]
    if new_section:
        _new_section(document, LANDSCAPE)
    else:
        _page(document.sections[0], LANDSCAPE)
    _para(document, plan.table_heading, size=14, bold=True, align=CENTER)
    if plan.table_title:
        _para(document, plan.table_title, size=14, bold=True, align=CENTER)
    if context["attachment_line"]:
        _para(document, context["attachment_line"], size=13, italic=True, align=CENTER, before=2, after=10)
    else:
        _para(document, after=6)
    table = DataTable(TASK_WIDTHS_MM, padding_pt=(2, 4))
    labels = {**default_column_labels(), **(plan.column_labels or {})}
    table.add([Cell(labels.get(name, ""), bold=True, align="center") for name in LABEL_KEYS], header=True)
    for section in context["sections"]:
        number = Cell(section.number, bold=True, align="center")
        if section.has_cells:
            cells = [Cell(getattr(section, name), bold=True) for name in TASK_COLUMNS[2:]]
            table.add([number, Cell(section.title, bold=True, align="both"), *cells])  # runs on like a task
        else:
            title = Cell(section.title, span=len(TASK_COLUMNS) - 1, bold=True)
            table.add([number, title], whole=True, keep=True)
        for task, depth in flatten(section.rows):
            table.add(_task_cells(task, depth))
    table.append_to(document)


def _task_cells(task, depth):
    """As templates/documents/_task_cells.html prints them: a bullet has no STT and "- " before its
    content; a sub-item is indented by its depth."""
    return [
        Cell("" if task.is_bullet else task.number, align="center"),
        Cell(f"- {task.content}" if task.is_bullet else task.content, align="both", indent_mm=DEPTH_INDENT_MM * depth),
        *(Cell(getattr(task, name)) for name in TASK_COLUMNS[2:]),
    ]


# -- appendices -----------------------------------------------------------------------------------


def _appendix(document, appendix, rows, attachment):
    _new_section(document, PORTRAIT)
    _para(document, appendix.heading, size=14, bold=True, align=CENTER)
    _para(document, appendix.title.upper(), size=14, bold=True, align=CENTER)
    if attachment:
        _para(document, attachment, size=14, italic=True, align=CENTER, before=2)
    _rule(document, width_mm=PORTRAIT_WIDTH_MM * 0.25, within_mm=PORTRAIT_WIDTH_MM, before=6, after=12)
    table = DataTable(APPENDIX_WIDTHS_MM, padding_pt=(3, 5), font_pt=APPENDIX_FONT_PT)
    labels = appendix.column_labels or {}
    table.add(
        [Cell(labels.get(name, ""), bold=True, align="center") for name in ("number", "field", "deadline")], header=True
    )
    for row in rows:
        table.add([Cell(row.number, align="center"), Cell(row.field_label), Cell(row.deadline_text)])
    table.append_to(document)
    if appendix.note:
        _para(document, appendix.note, size=13, italic=True, align=JUSTIFY, before=8)
