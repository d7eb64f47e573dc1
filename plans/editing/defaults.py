"""What a new commune plan starts with: the parts the seed decisions share (seed 000, xã Lê Lợi, and
seed 002, xã Hà Tân), so the office only fills in what differs. Everything here is editable
afterwards.

The result has the shape of fixtures/plans/*.json (fixtures/README.md), so plans.loading.load_plan
builds the plan from it like any other plan. The blanks the office must fill are written "…" (BLANK);
the edit page lists every one still left.
"""

BLANK = "…"

NATIONAL_LEGAL_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
    "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành "
    "chính; Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017 của Chính phủ sửa đổi, bổ sung một số điều "
    "của các Nghị định liên quan đến kiểm soát thủ tục hành chính;",
    "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, "
    "một cửa liên thông trong giải quyết thủ tục hành chính; Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 "
    "năm 2021 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm "
    "2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện thủ tục hành "
    "chính trên môi trường điện tử;",
)

PROPOSAL = "Theo đề nghị của Công chức Văn phòng - Thống kê."

COLUMN_LABELS = {
    "number": "STT",
    "content": "Nội dung công việc",
    "lead": "Chủ trì",
    "partners": "Phối hợp",
    "deadline": "Thời hạn hoàn thành",
    "product": "Sản phẩm dự kiến",
}

# Seed 000's sections, without rows (the office adds them). Its "thế chế" is a typo for "thể chế".
SECTION_TITLES = (
    ("I", "Xây dựng hoàn thiện thể chế văn bản chỉ đạo"),
    ("II", "Triển khai các nhiệm vụ cải cách kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa liên thông"),
    ("III", "Ứng dụng công nghệ thông tin trong giải quyết thủ tục hành chính"),
    ("IV", "Nhiệm vụ khác có liên quan"),
)


def has_blank(text):
    return BLANK in (text or "")


def kind_word(unit):
    """ "xã", "phường", "thị trấn", "huyện", "tỉnh"."""
    return unit.get_kind_display().lower()


def unit_title(unit):
    """ "xã Lê Lợi"."""
    return f"{kind_word(unit)} {unit.name}"


def _ancestor(unit, kind):
    parent = unit.parent
    while parent is not None:
        if parent.kind == kind:
            return parent
        parent = parent.parent
    return None


def _plan_basis(level, unit, year):
    """The legal basis citing the plan of the province or district above, with the decision's number
    and date left blank."""
    where = f"{level} {unit.name}" if unit else f"{level} {BLANK}"
    return (
        f"Căn cứ Quyết định số {BLANK}/QĐ-UBND ngày {BLANK} của Chủ tịch UBND {where} ban hành Kế hoạch "
        f"kiểm soát thủ tục hành chính năm {year} trên địa bàn {where};"
    )


def legal_bases(unit, year):
    """The four national bases both seeds cite, then the plan of the province and (where there is a
    district level) of the district of the same year."""
    from orgs.models import Unit

    bases = list(NATIONAL_LEGAL_BASES)
    bases.append(_plan_basis("tỉnh", _ancestor(unit, Unit.Kind.PROVINCE), year))
    district = _ancestor(unit, Unit.Kind.DISTRICT)
    if district is not None:
        bases.append(_plan_basis("huyện", district, year))
    return bases


def articles(unit, year):
    word = kind_word(unit)
    return [
        {
            "label": "Điều 1.",
            "heading": "",
            "body": f"Ban hành kèm theo Quyết định này Kế hoạch kiểm soát thủ tục hành chính năm {year}.",
            "clauses": [],
        },
        {
            "label": "Điều 2.",
            "heading": "",
            "body": "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
            "clauses": [],
        },
        {
            "label": "Điều 3.",
            "heading": "",
            "body": (
                f"Văn phòng HĐND-UBND {word}, Công chức Văn phòng - Thống kê, các công chức chuyên môn, "
                f"Bộ phận Tiếp nhận và Trả kết quả {word} và các tổ chức, cá nhân có liên quan chịu trách "
                "nhiệm thi hành Quyết định này./."
            ),
            "clauses": [],
        },
    ]


def recipients(unit):
    word = kind_word(unit)
    above = f"UBND {unit_title(unit.parent)} (b/c);" if unit.parent else "UBND huyện (b/c);"
    texts = [
        "Như Điều 3;",
        above,
        f"TT Đảng ủy, HĐND {word} (b/c);",
        f"Chủ tịch, các PCT UBND {word};",
        "Lưu: VT, VP.",
    ]
    return [{"text": text, "group": "", "level": 1} for text in texts]


def new_plan_data(unit, year):
    """The whole default plan for `unit` and `year`, in the fixtures/plans/*.json shape."""
    title = unit_title(unit)
    upper_title = title.upper()
    return {
        "source": "",
        "unit": unit.slug,
        "year": year,
        "document": {
            "kind": "decision",
            "governing_body": "",
            "issuing_body": f"ỦY BAN NHÂN DÂN\n{upper_title}",
            "number": None,
            "number_suffix": "QĐ-UBND",
            "place": unit.name,
            "date": None,
            "date_month": None,
            "doc_type": "QUYẾT ĐỊNH",
            "summary": f"Ban hành Kế hoạch kiểm soát thủ tục hành chính năm {year}",
            "authority": f"CHỦ TỊCH ỦY BAN NHÂN DÂN {upper_title}",
            "preamble": "",
            "legal_bases": legal_bases(unit, year),
            "proposal": PROPOSAL,
            "articles": articles(unit, year),
            "recipients": recipients(unit),
            "signer_prefix": "",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "",
        },
        "table": {
            "heading": "KẾ HOẠCH",
            "title": f"Kiểm soát thủ tục hành chính năm {year}",
            "attachment_line": (
                f"(Ban hành kèm theo Quyết định số      /QĐ-UBND ngày      tháng      năm {year} "
                f"của Chủ tịch UBND {title})"
            ),
            "columns": dict(COLUMN_LABELS),
            "sections": [{"number": number, "title": title, "tasks": []} for number, title in SECTION_TITLES],
        },
        "appendices": [],
        "targets": [],
        "report": None,
    }
