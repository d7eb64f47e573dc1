"""Who leads and who works with them, read from one cell (plans.files.executors), and how the importer
uses it: a combined "Cơ quan thực hiện" column, a lead cell that also names partners, the note kept for
the preview. The forms are those of real commune plans; the names here are made up for the tests."""

import pytest

from plans.files.executors import LEAD, MAX_CUTS, has_role_words, split_executor, splits
from plans.files.importing import LAYOUT_CREATOR
from tests.plans.files.test_importing import docx_bytes, parse_plan_file, parse_xlsx

COMBINED = ["STT", "Nội dung công việc", "Cơ quan thực hiện", "Thời hạn"]
SPLIT_COLUMNS = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]

FORMS = [
    # the three forms
    ("Văn phòng - Thống kê chủ trì, Công an xã phối hợp", "Văn phòng - Thống kê", "Công an xã"),
    ("Văn phòng - Thống kê chủ trì; Công an xã phối hợp xử lý hồ sơ", "Văn phòng - Thống kê", "Công an xã"),
    (
        "- Công chức Tư pháp chủ trì, các công chức chuyên môn có liên quan phối hợp.",
        "Công chức Tư pháp",
        "các công chức chuyên môn có liên quan",
    ),
    # the role before the names
    (
        "Chủ trì: Hội Nông dân xã; Phối hợp: Đoàn Thanh niên, Hội Phụ nữ",
        "Hội Nông dân xã",
        "Đoàn Thanh niên, Hội Phụ nữ",
    ),
    ("Chủ trì: Hội Nông dân xã. Phối hợp: Đoàn Thanh niên.", "Hội Nông dân xã", "Đoàn Thanh niên"),
    ("Cơ quan chủ trì: Bưu điện xã\nCơ quan phối hợp: Trưởng thôn", "Bưu điện xã", "Trưởng thôn"),
    ("Cơ quan, đơn vị chủ trì: Bưu điện xã", "Bưu điện xã", ""),
    ("Chủ trì thực hiện: Bưu điện xã", "Bưu điện xã", ""),
    ("Phối hợp: Trưởng thôn; Chủ trì: Bưu điện xã", "Bưu điện xã", "Trưởng thôn"),
    # in brackets
    ("Hội Nông dân xã (chủ trì), Đoàn Thanh niên (phối hợp)", "Hội Nông dân xã", "Đoàn Thanh niên"),
    ("Hội Nông dân xã (chủ trì thực hiện); Đoàn Thanh niên", "Hội Nông dân xã", "Đoàn Thanh niên"),
    # what they do is not a name
    ("Bưu điện xã chủ trì thực hiện", "Bưu điện xã", ""),
    ("Trưởng thôn chủ trì; Hội Phụ nữ phối hợp thực hiện và báo cáo kết quả", "Trưởng thôn", "Hội Phụ nữ"),
    ("Trưởng thôn chủ trì; Hội Phụ nữ phối hợp tuyên truyền, vận động nhân dân", "Trưởng thôn", "Hội Phụ nữ"),
    ("Bưu điện xã chủ trì thực hiện, báo cáo UBND xã", "Bưu điện xã", ""),
    ("Bưu điện xã chủ trì, tham mưu UBND xã; Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("Bưu điện xã chủ trì thực hiện, Trưởng thôn, Hội Phụ nữ phối hợp", "Bưu điện xã", "Trưởng thôn, Hội Phụ nữ"),
    # "phối hợp với / cùng"
    (
        "Hội Nông dân xã chủ trì, phối hợp với Đoàn Thanh niên, Hội Cựu chiến binh",
        "Hội Nông dân xã",
        "Đoàn Thanh niên, Hội Cựu chiến binh",
    ),
    ("Hội Nông dân xã chủ trì phối hợp cùng Đoàn Thanh niên", "Hội Nông dân xã", "Đoàn Thanh niên"),
    ("Hội Nông dân xã chủ trì, phối hợp Trưởng thôn", "Hội Nông dân xã", "Trưởng thôn"),
    ("Bưu điện xã phối hợp với Công an xã", "Bưu điện xã", "Công an xã"),
    # several leads or partners
    (
        "Hội Nông dân xã, Hội Phụ nữ chủ trì; Đoàn Thanh niên, Trưởng thôn phối hợp",
        "Hội Nông dân xã, Hội Phụ nữ",
        "Đoàn Thanh niên, Trưởng thôn",
    ),
    ("Bưu điện xã chủ trì; Hội Phụ nữ phối hợp; Trưởng thôn phối hợp", "Bưu điện xã", "Hội Phụ nữ; Trưởng thôn"),
    (
        "Bưu điện xã chủ trì, Hội Phụ nữ và Đoàn Thanh niên phối hợp",
        "Bưu điện xã",
        "Hội Phụ nữ và Đoàn Thanh niên",
    ),
    (
        "Chủ trì: Hội Nông dân xã, Hội Phụ nữ; Trưởng thôn, Bưu điện xã phối hợp",
        "Hội Nông dân xã, Hội Phụ nữ",
        "Trưởng thôn, Bưu điện xã",
    ),
    # separators: lines, bullets, dashes
    ("Bưu điện xã chủ trì\nTrưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("• Bưu điện xã chủ trì\n• Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("+ Bưu điện xã chủ trì\n+ Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("Bưu điện xã chủ trì – Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("Bưu điện xã chủ trì - Trưởng thôn phối hợp.", "Bưu điện xã", "Trưởng thôn"),
    ("1. Hội Nông dân xã chủ trì; 2. Trưởng thôn phối hợp", "Hội Nông dân xã", "Trưởng thôn"),
    # a multi-line cell keeps its lines
    (
        "Chủ trì:\n- Hội Nông dân xã\n- Hội Phụ nữ\nPhối hợp:\n- Trưởng thôn\n- Bưu điện xã",
        "Hội Nông dân xã\nHội Phụ nữ",
        "Trưởng thôn\nBưu điện xã",
    ),
    ("Bưu điện xã chủ trì;\nTrưởng thôn phối hợp;\nHội Phụ nữ phối hợp", "Bưu điện xã", "Trưởng thôn\nHội Phụ nữ"),
    # no "chủ trì": the names before the partners lead
    ("Bưu điện xã; Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("Bưu điện xã, Trưởng thôn phối hợp", "Bưu điện xã", "Trưởng thôn"),
    ("Các thôn phối hợp", "", "Các thôn"),
    ("Tổ chức, cá nhân có liên quan phối hợp", "", "Tổ chức, cá nhân có liên quan"),
    # a name after the lead with no role of its own works with them
    ("Hội Nông dân xã chủ trì; Trưởng thôn", "Hội Nông dân xã", "Trưởng thôn"),
    # names with "và" and dashes, any case
    (
        "Phòng Tài nguyên và Môi trường chủ trì, Địa chính - Xây dựng phối hợp",
        "Phòng Tài nguyên và Môi trường",
        "Địa chính - Xây dựng",
    ),
    ("HỘI NÔNG DÂN XÃ CHỦ TRÌ; ĐOÀN THANH NIÊN PHỐI HỢP", "HỘI NÔNG DÂN XÃ", "ĐOÀN THANH NIÊN"),
]

NO_ROLES = [
    "Hội Nông dân xã",
    "Phòng Tài chính, Kế hoạch",  # a comma inside a name: nothing says where to cut
    "- Hội Nông dân xã;\n- Hội Phụ nữ",  # a list of names keeps its lines and marks
    "Văn phòng HĐND-UBND",
    "- Văn phòng HĐND-UBND;\n- Các công chức được giao nhiệm vụ chủ trì rà soát thủ tục hành chính.",
    "Trưởng thôn; sự phối hợp của các ngành",
]


@pytest.mark.parametrize("text, lead, partners", FORMS, ids=[" ".join(text.split())[:60] for text, _, _ in FORMS])
def test_each_form_gives_the_lead_and_the_partners(text, lead, partners):
    assert split_executor(text) == (lead, partners)


@pytest.mark.parametrize("text", NO_ROLES)
def test_a_cell_without_role_words_is_all_lead_as_written(text):
    assert split_executor(text) == (text, "")


def test_a_role_word_inside_a_description_is_not_a_role():
    assert not has_role_words("Các công chức được giao nhiệm vụ chủ trì rà soát")
    assert has_role_words("Hội Phụ nữ phối hợp", role="partners") and not has_role_words(
        "Hội Phụ nữ phối hợp", role=LEAD
    )


def test_in_the_lead_column_a_name_without_a_role_stays_lead():
    assert split_executor("Hội Nông dân xã chủ trì; Trưởng thôn", rest=LEAD) == ("Hội Nông dân xã; Trưởng thôn", "")


def _villages(cuts):
    return ", ".join(f"Thôn {n}" for n in range(cuts + 1)) + " phối hợp"


def test_a_cell_cut_into_too_many_items_is_not_read():
    assert splits(_villages(MAX_CUTS)) and split_executor(_villages(MAX_CUTS))[0] == "Thôn 0"
    assert not splits(_villages(MAX_CUTS + 1))
    assert split_executor(_villages(MAX_CUTS + 1)) == (_villages(MAX_CUTS + 1), "")


# -- in the importer --------------------------------------------------------------------------------


def _task(parsed, index=0):
    return parsed.sections[0]["tasks"][index]


def test_a_combined_column_is_split_and_the_cell_kept_for_the_preview():
    parsed = parse_xlsx(
        [
            COMBINED,
            ["I", "Mục"],
            ["1", "Niêm yết", "Văn phòng - Thống kê chủ trì, Công an xã phối hợp", "Quý II/2024"],
            ["2", "Rà soát", "Hội Nông dân xã", "Quý III/2024"],
        ]
    )
    first, second = _task(parsed), _task(parsed, 1)
    assert (first["lead"], first["partners"]) == ("Văn phòng - Thống kê", "Công an xã")
    assert first["split_from"] == "Văn phòng - Thống kê chủ trì, Công an xã phối hợp"
    assert (second["lead"], second["partners"], "split_from" in second) == ("Hội Nông dân xã", "", False)
    [remark] = [problem for problem in parsed.problems if "tách" in problem.message]
    assert not remark.blocking and "1 dòng (dòng 3)" in remark.message


def test_a_lead_cell_naming_the_partners_is_split_when_the_partners_column_is_empty():
    parsed = parse_xlsx(
        [SPLIT_COLUMNS, ["I", "Mục"], ["1", "Niêm yết", "Bưu điện xã chủ trì, Trưởng thôn phối hợp", "", "Quý II/2024"]]
    )
    assert (_task(parsed)["lead"], _task(parsed)["partners"]) == ("Bưu điện xã", "Trưởng thôn")


def test_partners_read_from_the_lead_cell_come_before_the_partners_cell_once():
    parsed = parse_xlsx(
        [
            SPLIT_COLUMNS,
            ["I", "Mục"],
            ["1", "Niêm yết", "Bưu điện xã chủ trì; Trưởng thôn phối hợp", "Hội Phụ nữ", ""],
            ["2", "Rà soát", "Bưu điện xã chủ trì; Trưởng thôn phối hợp", "Trưởng thôn", ""],
        ]
    )
    assert _task(parsed)["partners"] == "Trưởng thôn; Hội Phụ nữ"
    assert _task(parsed, 1)["partners"] == "Trưởng thôn"


def test_a_lead_cell_loses_its_role_word():
    parsed = parse_xlsx([SPLIT_COLUMNS, ["I", "Mục"], ["1", "Niêm yết", "Bưu điện xã chủ trì thực hiện", "", ""]])
    assert (_task(parsed)["lead"], _task(parsed)["split_from"]) == ("Bưu điện xã", "Bưu điện xã chủ trì thực hiện")


def test_a_lead_cell_without_role_words_is_kept_with_no_remark():
    parsed = parse_xlsx([SPLIT_COLUMNS, ["I", "Mục"], ["1", "Niêm yết", "Phòng Tài chính, Kế hoạch", "", ""]])
    assert _task(parsed)["lead"] == "Phòng Tài chính, Kế hoạch" and "split_from" not in _task(parsed)
    assert not any("tách" in problem.message for problem in parsed.problems)


def test_the_portals_own_export_is_not_split():
    def signed(book, sheet):
        book.properties.creator = LAYOUT_CREATOR

    parsed = parse_xlsx(
        [SPLIT_COLUMNS, ["I", "Mục"], ["1", "Niêm yết", "Bưu điện xã chủ trì thực hiện", "", ""]], build=signed
    )
    assert _task(parsed)["lead"] == "Bưu điện xã chủ trì thực hiện" and parsed.problems == []


def test_a_multi_line_word_cell_keeps_its_lines():
    data = docx_bytes(
        [
            COMBINED,
            ["I", "Mục", "", ""],
            ["1", "Niêm yết", "Chủ trì: Hội Nông dân xã\nPhối hợp:\n- Trưởng thôn\n- Bưu điện xã", ""],
        ]
    )
    task = _task(parse_plan_file(name="ke-hoach.docx", data=data))
    assert (task["lead"], task["partners"]) == ("Hội Nông dân xã", "Trưởng thôn\nBưu điện xã")


def test_a_cell_too_long_to_read_stays_lead_with_a_remark():
    text = _villages(MAX_CUTS + 1)
    parsed = parse_xlsx([COMBINED, ["I", "Mục"], ["1", "Niêm yết", text, ""]])
    assert (_task(parsed)["lead"], _task(parsed)["partners"]) == (text, "")
    [remark] = [problem for problem in parsed.problems if "tự tách" in problem.message]
    assert remark.row == 3 and not remark.blocking


def test_the_written_sections_have_no_preview_note():
    parsed = parse_xlsx([COMBINED, ["I", "Mục"], ["1", "Niêm yết", "Bưu điện xã chủ trì, Trưởng thôn phối hợp", ""]])
    [task] = parsed.sections_data()["sections"][0]["tasks"]
    assert "split_from" not in task and (task["lead"], task["partners"]) == ("Bưu điện xã", "Trưởng thôn")
