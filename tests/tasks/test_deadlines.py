"""tasks.deadlines: what the deadline text of a plan row means.

Pure module, so these tests run with plain pytest (``-p no:django``) as well as
under pytest-django. The seed tables list every deadline phrase of the four
seeds in /work/shared/seeds/, wrapped over lines as the PDF extraction gives them.
"""

import random
import unicodedata
from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tasks.deadlines as deadlines
from tasks.deadlines import KINDS, MAX_CHARS, MAX_YEAR, MIN_YEAR, Deadline, parse_deadline

QUARTER_ENDS_2023 = ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31"]
QUARTER_ENDS_2024 = ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]
MONTH_ENDS_2024 = [
    "2024-01-31",
    "2024-02-29",
    "2024-03-31",
    "2024-04-30",
    "2024-05-31",
    "2024-06-30",
    "2024-07-31",
    "2024-08-31",
    "2024-09-30",
    "2024-10-31",
    "2024-11-30",
    "2024-12-31",
]


def meaning(text, year):
    return parse_deadline(text, year).as_dict()


def expect(kind, *due_dates):
    return {"kind": kind, "due_dates": list(due_dates)}


# --------------------------------------------------------------------------
# Every deadline phrase of the seeds: (text as extracted, plan year, kind, due dates)

SEED_000_LE_LOI_2024 = [
    ("Thường \nxuyên trong \nnăm 2024", "ongoing", ["2024-12-31"]),
    (" Thường \nxuyên trong \nnăm 2024 ", "ongoing", ["2024-12-31"]),
    ("Quý II/2024", "fixed", ["2024-06-30"]),
    ("- Chậm nhất \nngày \n15/9/2024", "fixed", ["2024-09-15"]),
    ("Theo yêu \ncầu hoặc \nthường \nxuyên trong \nnăm 2024;", "ongoing", ["2024-12-31"]),
    ("- Thường \nxuyên trong \nnăm 2024", "ongoing", ["2024-12-31"]),
    (
        "Theo yêu \ncầu hoặc \nthường \nxuyên trong \nnăm 2024;\n\n- Thường \nxuyên trong \nnăm 2024",
        "ongoing",
        ["2024-12-31"],
    ),
    ("Thường \nxuyên năm \n2024", "ongoing", ["2024-12-31"]),
    ("UBND xã Thường \nxuyên trong \nnăm 2024", "ongoing", ["2024-12-31"]),
    ("Chậm nhất \nngày \n15/02/2024", "fixed", ["2024-02-15"]),
    (" Chậm nhất \nngày \n15/02/2024", "fixed", ["2024-02-15"]),
    (" Thường \nxuyên trong \nnăm 2024 ", "ongoing", ["2024-12-31"]),
    ("Thường xuyên \ntrong năm 2024. ", "ongoing", ["2024-12-31"]),
    (
        "Thường xuyên \ntrong năm 2024. \nTối thiểu đạt 45% \ntổng số giao dịch \nthanh toán phí.",
        "ongoing",
        ["2024-12-31"],
    ),
    ("Thường \nxuyên trong \nnăm 2024. ", "ongoing", ["2024-12-31"]),
    ("UBND xã; Thường \nxuyên trong \nnăm 2024. ", "ongoing", ["2024-12-31"]),
    ("Chậm nhất trong \ntháng 2/2024. ", "fixed", ["2024-02-29"]),
    (
        "Chậm nhất trong \ntháng 2/2024. \nKho quản lý dữ \nliệu điện tử của tổ \nchức, cá nhân đi \nvào hoạt đông.",
        "fixed",
        ["2024-02-29"],
    ),
    ("Thường \nxuyên trong \nnăm 2024.", "ongoing", ["2024-12-31"]),
    (" Thường \nxuyên trong \nnăm 2024.", "ongoing", ["2024-12-31"]),
    ("Trong năm \n2024", "fixed", ["2024-12-31"]),
    ("Quý I năm \n2024.", "fixed", ["2024-03-31"]),
    (
        "Thường \nxuyên và \ntheo lộ trình \ncủa Sở quản \nlý chuyên \nngành.",
        "ongoing",
        ["2024-12-31"],
    ),
    ("Quý III năm \n2024", "fixed", ["2024-09-30"]),
    ("Quý I/2024 \nvà 6 tháng \nđầu năm \n2024. ", "recurring", ["2024-03-31", "2024-06-30"]),
    ("Định kỳ \nhoặc đột \nxuất trong \nnăm 2023", "recurring", QUARTER_ENDS_2023),
    ("Trước ngày 15/9/2024", "fixed", ["2024-09-15"]),
]

SEED_001_BAC_GIANG_2024 = [
    ("Trước ngày \n\n20/01/2024 ", "fixed", ["2024-01-20"]),
    ("hoàn thành trước ngày 20/01/2024.", "fixed", ["2024-01-20"]),
    ("Trước ngày \n\n15/02/2024 ", "fixed", ["2024-02-15"]),
    ("Thường xuyên ", "ongoing", ["2024-12-31"]),
    ("(khi có phát sinh)", "on_demand", []),
    ("Khi có phát sinh ", "on_demand", []),
    ("Trước \n\n10/02/2024 ", "fixed", ["2024-02-10"]),
    ("Tháng 02/2024 ", "fixed", ["2024-02-29"]),
    ("Theo Kế  \n\nhoạch riêng ", "per_plan", []),
    (
        "Thực hiện lồng \n\nghép với công \n\ntác kiểm tra cải \n\ncách hành chính, \n\n"
        "chuyển đổi số, \n\nISO của tỉnh ",
        "per_plan",
        [],
    ),
    ("Tháng 7/2024 ", "fixed", ["2024-07-31"]),
    ("Tháng 3, 6, 9, \n\n12/2024 ", "recurring", QUARTER_ENDS_2024),
    ("Trước \n\n15/12/2024 ", "fixed", ["2024-12-15"]),
    ("Hằng tháng ", "recurring", MONTH_ENDS_2024),
]

SEED_002_HA_TAN_2024 = [
    ("Trước 10/01/2024", "fixed", ["2024-01-10"]),
    ("Thường xuyên", "ongoing", ["2024-12-31"]),
    ("Liên tục, thường xuyên trong năm 2024", "ongoing", ["2024-12-31"]),
    ("Năm 2024", "fixed", ["2024-12-31"]),
    ("Tháng 3/2024", "fixed", ["2024-03-31"]),
    ("Tháng 02/2024", "fixed", ["2024-02-29"]),
    ("Định kỳ quý I, quý II, quý III và báo cáo năm 2024", "recurring", QUARTER_ENDS_2024),
    ("Tháng 03/2024", "fixed", ["2024-03-31"]),
]

SEED_004_THANH_THUY_2023 = [
    ("Thường\nxuyên\ntrong năm\n2023", "ongoing", ["2023-12-31"]),
    ("Thường\nxuyên\ntrong năm\n2023.", "ongoing", ["2023-12-31"]),
    ("Theo yêu\ncầu hoặc\nthường\nxuyên\ntrong năm\n2023", "ongoing", ["2023-12-31"]),
    (
        "- Kết quả\nrà soát, cán\n\nbộ, công\nchức gửi\nvề Văn\nphòng\n\nHĐND và\nUBND xã\n"
        "chậm nhất\n\nngày\n23/05/2023",
        "fixed",
        ["2023-05-23"],
    ),
    ("Theo tiến\nđộ đã giao", "per_plan", []),
    ("Từ tháng 4\nđến tháng\n12/2023.", "fixed", ["2023-12-31"]),
    ("Bắt đầu từ\nQuý II năm\n2023", "ongoing", ["2023-12-31"]),
    ("Thường\nxuyên năm\n2023", "ongoing", ["2023-12-31"]),
    ("Theo\nhướng dẫn\ncủa Văn\nphòng\nUBND\nhuyện", "per_plan", []),
    ("Định kỳ\nhoặc đột\nxuất trong\nnăm 2023", "recurring", QUARTER_ENDS_2023),
    ("Thực hiện khi có yêu cầu.", "on_demand", []),
    ("Thực hiện khi có yêu cầu", "on_demand", []),
]

SEED_PHRASES = (
    [("000", text, 2024, kind, due) for text, kind, due in SEED_000_LE_LOI_2024]
    + [("001", text, 2024, kind, due) for text, kind, due in SEED_001_BAC_GIANG_2024]
    + [("002", text, 2024, kind, due) for text, kind, due in SEED_002_HA_TAN_2024]
    + [("004", text, 2023, kind, due) for text, kind, due in SEED_004_THANH_THUY_2023]
)


@pytest.mark.parametrize(
    "text, year, kind, due",
    [row[1:] for row in SEED_PHRASES],
    ids=[f"seed{row[0]}-{' '.join(row[1].split())[:40]}" for row in SEED_PHRASES],
)
def test_every_seed_phrase_has_its_meaning(text, year, kind, due):
    assert meaning(text, year) == expect(kind, *due)


# --------------------------------------------------------------------------
# Phrases the design and the issue name, one per kind of wording

NAMED_PHRASES = [
    # fixed: a date
    ("15/9/2024", 2024, "fixed", ["2024-09-15"]),
    ("15/02/2024", 2024, "fixed", ["2024-02-15"]),
    ("Trước ngày 20/01/2024", 2024, "fixed", ["2024-01-20"]),
    ("Chậm nhất ngày 15/02/2024", 2024, "fixed", ["2024-02-15"]),
    ("Trước 10/01/2024", 2024, "fixed", ["2024-01-10"]),
    ("Trước\n15/12/2024", 2024, "fixed", ["2024-12-15"]),
    ("ngày 30 tháng 6 năm 2024", 2024, "fixed", ["2024-06-30"]),
    ("23/05/2023", 2023, "fixed", ["2023-05-23"]),
    ("15.9.2024", 2024, "fixed", ["2024-09-15"]),
    ("Từ ngày 01/3/2024 đến ngày 30/9/2024", 2024, "fixed", ["2024-09-30"]),
    # fixed: a month's end
    ("Tháng 3/2024", 2024, "fixed", ["2024-03-31"]),
    ("Tháng 02/2024", 2024, "fixed", ["2024-02-29"]),
    ("Tháng 03/2024", 2024, "fixed", ["2024-03-31"]),
    ("Chậm nhất trong tháng 2/2024", 2024, "fixed", ["2024-02-29"]),
    ("tháng 7/2024", 2024, "fixed", ["2024-07-31"]),
    ("tháng 7 năm 2024", 2024, "fixed", ["2024-07-31"]),
    ("Từ tháng 4 đến tháng 12/2023", 2023, "fixed", ["2023-12-31"]),
    # fixed: a quarter's end
    ("Quý II/2024", 2024, "fixed", ["2024-06-30"]),
    ("Quý I năm 2024", 2024, "fixed", ["2024-03-31"]),
    ("Quý III năm 2024", 2024, "fixed", ["2024-09-30"]),
    ("Quý 2/2024", 2024, "fixed", ["2024-06-30"]),
    ("quý 1/2023", 2023, "fixed", ["2023-03-31"]),
    ("Quý IV", 2024, "fixed", ["2024-12-31"]),
    ("Quý II, 2024", 2023, "fixed", ["2024-06-30"]),
    # fixed: part of a year, the year
    ("6 tháng đầu năm", 2024, "fixed", ["2024-06-30"]),
    ("06 tháng đầu năm 2024", 2024, "fixed", ["2024-06-30"]),
    ("9 tháng đầu năm", 2024, "fixed", ["2024-09-30"]),
    ("6 tháng cuối năm 2024", 2024, "fixed", ["2024-12-31"]),
    ("Năm 2024", 2024, "fixed", ["2024-12-31"]),
    ("Trong năm 2024", 2024, "fixed", ["2024-12-31"]),
    ("cuối năm", 2024, "fixed", ["2024-12-31"]),
    ("Hằng năm", 2024, "fixed", ["2024-12-31"]),
    ("Đến hết năm 2024", 2024, "fixed", ["2024-12-31"]),
    # recurring
    ("Tháng 3, 6, 9, 12/2024", 2024, "recurring", QUARTER_ENDS_2024),
    ("Quý I và Quý III", 2024, "recurring", ["2024-03-31", "2024-09-30"]),
    ("quý I, II và IV năm 2023", 2024, "recurring", ["2023-03-31", "2023-06-30", "2023-12-31"]),
    ("Định kỳ hằng quý", 2024, "recurring", QUARTER_ENDS_2024),
    ("hằng tháng", 2024, "recurring", MONTH_ENDS_2024),
    ("Hằng tháng", 2024, "recurring", MONTH_ENDS_2024),
    ("hàng tháng", 2024, "recurring", MONTH_ENDS_2024),
    ("Định kỳ hàng quý", 2024, "recurring", QUARTER_ENDS_2024),
    ("3 tháng/lần", 2024, "recurring", QUARTER_ENDS_2024),
    ("6 tháng/lần", 2024, "recurring", ["2024-06-30", "2024-12-31"]),
    ("06 tháng một lần", 2024, "recurring", ["2024-06-30", "2024-12-31"]),
    ("Định kỳ 06 tháng và cuối năm", 2024, "recurring", ["2024-06-30", "2024-12-31"]),
    ("Định kỳ quý I, quý II, quý III và báo cáo năm 2024", 2024, "recurring", QUARTER_ENDS_2024),
    ("Quý I/2024 và 6 tháng đầu năm 2024", 2024, "recurring", ["2024-03-31", "2024-06-30"]),
    ("Định kỳ hoặc đột xuất trong năm 2023", 2024, "recurring", QUARTER_ENDS_2023),
    # ongoing
    ("Thường xuyên", 2024, "ongoing", ["2024-12-31"]),
    ("Thường xuyên trong năm 2024", 2024, "ongoing", ["2024-12-31"]),
    ("Thường xuyên năm 2024", 2024, "ongoing", ["2024-12-31"]),
    ("Liên tục, thường xuyên trong năm 2024", 2024, "ongoing", ["2024-12-31"]),
    ("Theo yêu cầu hoặc thường xuyên trong năm 2024", 2024, "ongoing", ["2024-12-31"]),
    ("Bắt đầu từ Quý II năm 2023", 2023, "ongoing", ["2023-12-31"]),
    ("Hằng ngày", 2024, "ongoing", ["2024-12-31"]),
    # on_demand
    ("Khi có phát sinh", 2024, "on_demand", []),
    ("Đột xuất", 2024, "on_demand", []),
    ("Theo yêu cầu", 2024, "on_demand", []),
    ("Thực hiện khi có yêu cầu", 2024, "on_demand", []),
    # per_plan
    ("Theo kế hoạch riêng", 2024, "per_plan", []),
    ("Theo Kế hoạch riêng", 2024, "per_plan", []),
    ("Theo lộ trình của Sở quản lý chuyên ngành", 2024, "per_plan", []),
    ("Theo tiến độ đã giao", 2023, "per_plan", []),
    ("Theo hướng dẫn của Văn phòng UBND huyện", 2023, "per_plan", []),
    (
        "Thực hiện lồng ghép với công tác kiểm tra cải cách hành chính, chuyển đổi số, ISO của tỉnh",
        2024,
        "per_plan",
        [],
    ),
]


@pytest.mark.parametrize("text, year, kind, due", NAMED_PHRASES, ids=[row[0][:40] for row in NAMED_PHRASES])
def test_named_phrase_has_its_meaning(text, year, kind, due):
    assert meaning(text, year) == expect(kind, *due)


# --------------------------------------------------------------------------
# Malformed text is unknown, with no dates

MALFORMED = [
    "",
    "   \n  ",
    "abc",
    "Quý 13/2024",
    "Quý V/2024",
    "Quý 0",
    "31/02/2024",
    "29/02/2023",
    "32/01/2024",
    "Tháng 13/2024",
    "Tháng 0/2024",
    "13/2024",
    "15/9/1800",
    "15/9/2300",
    "Tháng 3/2300",
    "năm 1800",
    "15/9/202",
    "5 tháng/lần",
    "0 tháng đầu năm",
    "Từ tháng 13 đến tháng 12/2023",
    "Thường xuyên; 31/02/2024",
    "🙂🙃 ✓ ∑ 漢字",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_text_is_unknown(text):
    assert meaning(text, 2024) == expect("unknown")


def test_none_is_read_as_empty_text():
    deadline = parse_deadline(None, 2024)
    assert (deadline.kind, deadline.due_dates, deadline.text) == ("unknown", [], "")


def test_leap_day_exists_in_a_leap_year():
    assert parse_deadline("29/02/2024", 2024).due_dates == [date(2024, 2, 29)]


def test_leap_day_does_not_exist_in_a_common_year():
    assert parse_deadline("29/02/2023", 2023).kind == "unknown"


def test_february_ends_on_the_28th_in_a_common_year():
    assert parse_deadline("Tháng 2/2023", 2023).due_dates == [date(2023, 2, 28)]


# --------------------------------------------------------------------------
# Years


def test_missing_year_is_the_plan_year():
    assert parse_deadline("15/9", 2025).due_dates == [date(2025, 9, 15)]


def test_written_year_wins_over_the_plan_year():
    assert parse_deadline("Tháng 3/2024", 2030).due_dates == [date(2024, 3, 31)]


def test_list_takes_the_year_written_after_it():
    assert meaning("Định kỳ quý I, quý II, quý III và báo cáo năm 2024", 2030) == expect(
        "recurring", *QUARTER_ENDS_2024
    )


def test_part_takes_the_year_written_before_it_when_none_follows():
    assert meaning("Quý I/2023 và quý III", 2030) == expect("recurring", "2023-03-31", "2023-09-30")


def test_two_digit_year_is_in_this_century():
    assert parse_deadline("15/9/24", 2023).due_dates == [date(2024, 9, 15)]


def test_plan_year_may_be_a_numeric_string():
    assert parse_deadline("Quý II", "2024").due_dates == [date(2024, 6, 30)]


@pytest.mark.parametrize("plan_year", [None, 0, 1800, 99999, "abc", 2024.5j])
def test_without_a_valid_plan_year_a_written_year_is_still_read(plan_year):
    assert meaning("Quý II/2024", plan_year) == expect("fixed", "2024-06-30")


@pytest.mark.parametrize("text", ["Quý II", "Thường xuyên", "Định kỳ", "15/9", "hằng tháng"])
def test_without_a_valid_plan_year_a_part_needing_it_is_unknown(text):
    assert meaning(text, None) == expect("unknown")


def test_without_a_plan_year_dateless_kinds_are_still_read():
    assert meaning("Theo kế hoạch riêng", None) == expect("per_plan")


# --------------------------------------------------------------------------
# Combining the parts of one text


def test_dated_part_wins_over_on_demand_part():
    assert meaning("Khi có phát sinh; chậm nhất ngày 15/9/2024", 2024) == expect("fixed", "2024-09-15")


def test_year_alone_does_not_date_an_on_demand_text():
    assert meaning("Khi có phát sinh trong năm 2024", 2024) == expect("on_demand")


def test_year_alone_does_not_date_a_per_plan_text():
    assert meaning("Theo kế hoạch năm 2024", 2024) == expect("per_plan")


def test_ongoing_wins_over_per_plan():
    assert meaning("Thường xuyên và theo lộ trình của Sở quản lý chuyên ngành.", 2024) == expect(
        "ongoing", "2024-12-31"
    )


def test_ongoing_wins_over_on_demand():
    assert meaning("Theo yêu cầu hoặc thường xuyên trong năm 2023", 2024) == expect("ongoing", "2023-12-31")


def test_per_plan_wins_over_on_demand():
    assert meaning("Theo kế hoạch riêng hoặc khi có phát sinh", 2024) == expect("per_plan")


def test_ongoing_yields_to_a_date_of_the_same_year():
    assert meaning("Thường xuyên; chậm nhất ngày 15/9/2024", 2024) == expect("fixed", "2024-09-15")


def test_ongoing_of_another_year_adds_its_year_end():
    assert meaning("Thường xuyên trong năm 2025; Quý IV/2024", 2024) == expect("recurring", "2024-12-31", "2025-12-31")


def test_periodic_without_frequency_yields_to_written_dates():
    assert meaning("Định kỳ, chậm nhất ngày 15/9/2024", 2024) == expect("fixed", "2024-09-15")


def test_periodic_without_frequency_means_the_quarter_ends():
    assert meaning("Định kỳ", 2024) == expect("recurring", *QUARTER_ENDS_2024)


def test_dates_of_several_lines_are_collected():
    assert meaning("- Quý I/2024\n- Quý III/2024", 2024) == expect("recurring", "2024-03-31", "2024-09-30")


def test_same_date_twice_is_one_fixed_date():
    assert meaning("- Chậm nhất ngày 15/9/2024\n- Chậm nhất ngày 15/9/2024", 2024) == expect("fixed", "2024-09-15")


def test_start_without_end_is_ongoing_to_the_start_year_end():
    assert meaning("Bắt đầu từ Quý II năm 2023", 2024) == expect("ongoing", "2023-12-31")


def test_range_is_due_at_its_end():
    assert meaning("Từ tháng 4 đến tháng 12/2023.", 2023) == expect("fixed", "2023-12-31")


def test_referenced_document_and_its_date_are_not_a_deadline():
    assert meaning("Theo Kế hoạch số 17/KH-UBND ngày 14/3/2023", 2023) == expect("per_plan")


def test_referenced_decree_year_is_not_a_year_of_the_deadline():
    assert meaning("Thường xuyên, theo Nghị định 61/2018/NĐ-CP", 2024) == expect("ongoing", "2024-12-31")


# --------------------------------------------------------------------------
# Forms of the same text


def test_decomposed_unicode_is_read_like_composed():
    text = unicodedata.normalize("NFD", "Thường xuyên trong năm 2024")
    assert meaning(text, 2024) == expect("ongoing", "2024-12-31")


def test_upper_case_is_read_like_lower_case():
    assert meaning("QUÝ II/2024", 2024) == expect("fixed", "2024-06-30")


def test_old_tone_placement_is_read():
    assert meaning("Qúy II/2024", 2024) == expect("fixed", "2024-06-30")


def test_non_breaking_spaces_are_spaces():
    assert meaning("Trong\u00a0năm\u00a02024", 2024) == expect("fixed", "2024-12-31")


def test_full_width_digits_are_digits():
    assert meaning("１５/９/２０２４", 2024) == expect("fixed", "2024-09-15")


def test_only_the_first_characters_are_read():
    assert meaning("x" * MAX_CHARS + "Quý II/2024", 2024) == expect("unknown")


def test_long_text_keeps_its_start_meaning_and_its_whole_text():
    text = "Quý II/2024 " + "x" * 100_000
    deadline = parse_deadline(text, 2024)
    assert (deadline.kind, deadline.text) == ("fixed", text)


def test_text_is_kept_as_given():
    text = "Thường \nxuyên trong \nnăm 2024"
    assert parse_deadline(text, 2024).text == text


# --------------------------------------------------------------------------
# Keywords typed with a wrong or missing diacritic (rule 1): read, and said

TYPOS = [
    # (as typed, kind, due dates in 2024, (typed, keyword) assumed)
    ("Thuờng xuyên", "ongoing", ["2024-12-31"], [("thuờng xuyên", "thường xuyên")]),  # u for ư
    ("Thưởng xuyên trong năm 2024", "ongoing", ["2024-12-31"], [("thưởng xuyên", "thường xuyên")]),  # hỏi
    ("Thường xuyen", "ongoing", ["2024-12-31"], [("thường xuyen", "thường xuyên")]),
    ("Thuòng xuyên", "ongoing", ["2024-12-31"], [("thuòng xuyên", "thường xuyên")]),  # "ươ" is one slip
    ("Thừơng xuyên", "ongoing", ["2024-12-31"], [("thừơng xuyên", "thường xuyên")]),  # the tone on "ư"
    ("thuong xuyen", "ongoing", ["2024-12-31"], [("thuong xuyen", "thường xuyên")]),  # no marks at all
    ("Qúy II/2024", "fixed", ["2024-06-30"], [("qúy", "quý")]),
    ("quy II/2024", "fixed", ["2024-06-30"], [("quy", "quý")]),
    ("Quy 3/2024", "fixed", ["2024-09-30"], [("quy", "quý")]),
    ("Quý I, quy III", "recurring", ["2024-03-31", "2024-09-30"], [("quy", "quý")]),
    ("thang 3/2024", "fixed", ["2024-03-31"], [("thang", "tháng")]),
    ("Thàng 10/2024", "fixed", ["2024-10-31"], [("thàng", "tháng")]),
    ("6 thang đầu năm", "fixed", ["2024-06-30"], [("thang", "tháng")]),
    ("3 tháng/lan", "recurring", QUARTER_ENDS_2024, [("lan", "lần")]),
    ("Quý II nam 2024", "fixed", ["2024-06-30"], [("nam", "năm")]),
    ("ngay 30 thang 6 nam 2024", "fixed", ["2024-06-30"], [("ngay", "ngày"), ("thang", "tháng"), ("nam", "năm")]),
    ("Cuoi nam", "fixed", ["2024-12-31"], [("cuoi nam", "cuối năm")]),
    ("Hăng quý", "recurring", QUARTER_ENDS_2024, [("hăng quý", "hằng quý")]),
    ("hang thang", "recurring", MONTH_ENDS_2024, [("hang thang", "hàng tháng")]),
    ("Đinh kỳ", "recurring", QUARTER_ENDS_2024, [("đinh kỳ", "định kỳ")]),
    ("Đột xuât", "on_demand", [], [("đột xuât", "đột xuất")]),
    ("Khi có phat sinh", "on_demand", [], [("khi có phat sinh", "khi có phát sinh")]),
    ("Theo kê hoạch", "per_plan", [], [("theo kê hoạch", "theo kế hoạch")]),
    ("Trước ngay 15/9/2024", "fixed", ["2024-09-15"], [("trước ngay", "trước ngày")]),
]


@pytest.mark.parametrize("text, kind, due, assumed", TYPOS, ids=[row[0] for row in TYPOS])
def test_a_keyword_with_one_wrong_diacritic_is_read_and_the_spelling_said(text, kind, due, assumed):
    deadline = parse_deadline(text, 2024)
    assert deadline.as_dict() == expect(kind, *due)
    assert deadline.assumed == tuple(assumed)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Thực hiện ngay", "unknown"),  # "ngay": at once
        ("Việt Nam", "unknown"),  # "nam": south, with no year after it
        ("nam", "unknown"),
        ("Theo quy định", "per_plan"),  # "quy" in "quy định" is no quarter
        ("Quy trình nội bộ", "unknown"),
        ("Thang máy", "unknown"),
        ("Thuơng xuyên", "unknown"),  # two slips in one word: not read
        ("Thưong xuyên", "unknown"),  # ditto: a horn and the tone missing
    ],
)
def test_an_ambiguous_or_too_far_word_is_not_read_as_a_keyword(text, kind):
    deadline = parse_deadline(text, 2024)
    assert (deadline.kind, deadline.assumed) == (kind, ())


@pytest.mark.parametrize("text, year, kind, due", [row[1:] for row in SEED_PHRASES] + NAMED_PHRASES)
def test_a_correctly_spelt_text_assumes_nothing(text, year, kind, due):
    assert parse_deadline(text, year).assumed == ()


def test_other_spellings_are_read_without_a_remark():
    assert parse_deadline("Hàng quý", 2024).assumed == () and parse_deadline("Định kì", 2024).kind == "recurring"
    assert parse_deadline("Định kì 6 tháng", 2024).as_dict() == expect("recurring", "2024-06-30", "2024-12-31")


def test_the_assumed_spelling_is_described():
    deadline = parse_deadline("Thuờng xuyên, báo cáo quy II/2024", 2024)
    assert deadline.describe_assumed() == "đã hiểu “thuờng xuyên” là “thường xuyên”; “quy” là “quý”"
    assert parse_deadline("Quý II/2024", 2024).describe_assumed() == ""


def test_a_misspelling_repeated_is_said_once():
    assert parse_deadline("quy I/2024, quy II/2024", 2024).assumed == (("quy", "quý"),)


def test_a_stored_deadline_assumes_nothing():
    assert Deadline(kind="ongoing", dates=(date(2024, 12, 31),), text="Thuờng xuyên").assumed == ()


# --------------------------------------------------------------------------
# The Deadline value


def test_as_dict_gives_kind_and_iso_dates():
    assert parse_deadline("Quý II/2024", 2024).as_dict() == {"kind": "fixed", "due_dates": ["2024-06-30"]}


def test_due_dates_compare_as_a_list():
    assert parse_deadline("Quý I và Quý III", 2024).due_dates == [date(2024, 3, 31), date(2024, 9, 30)]


def test_due_dates_is_a_copy():
    deadline = parse_deadline("Quý II/2024", 2024)
    deadline.due_dates.append(date(2030, 1, 1))
    assert deadline.due_dates == [date(2024, 6, 30)]


def test_deadline_is_immutable():
    deadline = parse_deadline("Quý II/2024", 2024)
    with pytest.raises(FrozenInstanceError):
        deadline.kind = "unknown"


def test_deadline_sorts_and_deduplicates_its_dates():
    deadline = Deadline(kind="recurring", dates=[date(2024, 6, 30), date(2024, 3, 31), date(2024, 6, 30)], text="")
    assert deadline.due_dates == [date(2024, 3, 31), date(2024, 6, 30)]


def test_deadline_rejects_a_kind_outside_kinds():
    with pytest.raises(ValueError):
        Deadline(kind="weekly", dates=(), text="")


def test_same_text_gives_equal_deadlines():
    assert parse_deadline("Tháng 3/2024", 2024) == parse_deadline("Tháng 3/2024", 2024)


DESCRIPTIONS = [
    ("Quý II/2024", "hạn 30/06/2024"),
    ("Thường xuyên trong năm 2024", "thường xuyên, hạn 31/12/2024"),
    ("Quý I/2024 và 6 tháng đầu năm 2024", "định kỳ: 31/03/2024, 30/06/2024"),
    ("Định kỳ hằng quý", "định kỳ: 31/03/2024, 30/06/2024, 30/09/2024, 31/12/2024"),
    ("Hằng tháng", "định kỳ: 31/01/2024, 29/02/2024, 31/03/2024, …, 31/12/2024 (12 mốc)"),
    ("Khi có phát sinh", "khi có phát sinh"),
    ("Theo kế hoạch riêng", "theo kế hoạch riêng"),
    ("abc", "không xác định được hạn"),
]


@pytest.mark.parametrize("text, description", DESCRIPTIONS)
def test_describe_gives_a_short_vietnamese_meaning(text, description):
    assert parse_deadline(text, 2024).describe() == description


def test_every_kind_has_a_description():
    assert {parse_deadline(text, 2024).kind for text, _ in DESCRIPTIONS} == set(KINDS)


# --------------------------------------------------------------------------
# Parsing never raises, and what it returns is always well formed

FRAGMENTS = [
    "Quý",
    "quý",
    "I",
    "II",
    "III",
    "IV",
    "V",
    "13",
    "Tháng",
    "tháng",
    "năm",
    "Năm",
    "ngày",
    "/",
    ".",
    "-",
    ",",
    "và",
    "hoặc",
    "từ",
    "Bắt đầu từ",
    "đến",
    "Trước",
    "Chậm nhất",
    "Thường xuyên",
    "Định kỳ",
    "hằng",
    "hàng",
    "đầu năm",
    "cuối năm",
    "tháng/lần",
    "Khi có phát sinh",
    "Đột xuất",
    "Theo yêu cầu",
    "Theo kế hoạch riêng",
    "Theo lộ trình",
    "số 17/KH-UBND",
    "0",
    "1",
    "2",
    "3",
    "6",
    "9",
    "12",
    "15",
    "29",
    "31",
    "02",
    "24",
    "2023",
    "2024",
    "1800",
    "2300",
    "99999",
    "\n",
    " ",
    "\u0301",
    "\u00a0",
    "🙂",
]


def assert_well_formed(deadline):
    assert deadline.kind in KINDS
    assert all(isinstance(typed, str) and isinstance(keyword, str) for typed, keyword in deadline.assumed)
    dates = deadline.due_dates
    assert dates == sorted(set(dates))
    assert all(MIN_YEAR <= d.year <= MAX_YEAR for d in dates)
    expected_count = {"fixed": lambda n: n == 1, "recurring": lambda n: n > 1, "ongoing": lambda n: n >= 1}
    assert expected_count.get(deadline.kind, lambda n: n == 0)(len(dates))
    assert isinstance(deadline.describe(), str) and deadline.describe()
    assert deadline.as_dict()["kind"] == deadline.kind


def random_texts(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        if rng.random() < 0.5:
            yield " ".join(rng.choice(FRAGMENTS) for _ in range(rng.randrange(0, 12)))
        else:
            yield "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(0, 40)))


@pytest.mark.parametrize("seed", range(5))
def test_random_text_never_raises_and_is_well_formed(seed):
    rng = random.Random(seed)
    for text in random_texts(100, seed):
        assert_well_formed(parse_deadline(text, rng.choice([2023, 2024, None, 0, -5, 10**9])))


def test_the_parser_does_not_rely_on_its_safety_net():
    """parse_deadline catches any exception as a last resort; the rules themselves never need it."""
    for text in random_texts(300, seed=42):
        deadlines._parse(text, 2024)
        deadlines._parse(text, None)


def test_very_long_text_is_read_quickly_enough():
    text = "Quý I, " * 50_000 + "1/1 " * 50_000
    assert_well_formed(parse_deadline(text, 2024))


def test_non_string_text_is_read_as_its_string():
    assert parse_deadline(2024, 2024).kind == "fixed"


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(max_size=200), year=st.one_of(st.none(), st.integers(-(10**6), 10**6)))
def test_any_text_never_raises_and_is_well_formed(text, year):
    assert_well_formed(parse_deadline(text, year))


@settings(max_examples=300, deadline=None, database=None)
@given(
    parts=st.lists(st.sampled_from(FRAGMENTS), max_size=15),
    year=st.one_of(st.none(), st.integers(1890, 2210)),
)
def test_any_mix_of_deadline_words_never_raises_and_is_well_formed(parts, year):
    text = " ".join(parts)
    deadlines._parse(text, deadlines._plan_year(year))
    assert_well_formed(parse_deadline(text, year))


# --- describing a stored deadline (kind and dates as a row keeps them) ---------------------------


@pytest.mark.parametrize(
    ("kind", "description"),
    [
        ("ongoing", "thường xuyên"),
        ("fixed", "một thời hạn, chưa rõ ngày"),
        ("recurring", "định kỳ, chưa rõ ngày"),
        ("on_demand", "khi có phát sinh"),
    ],
)
def test_a_stored_deadline_without_dates_is_described_without_raising(kind, description):
    assert Deadline(kind=kind, dates=(), text="").describe() == description


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), dates=st.lists(st.dates(date(1900, 1, 1), date(2200, 12, 31)), max_size=8))
def test_describing_any_kind_with_any_dates_never_raises(kind, dates):
    description = Deadline(kind=kind, dates=tuple(dates), text="").describe()
    assert isinstance(description, str) and description
