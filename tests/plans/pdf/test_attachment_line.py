"""The "(Ban hành kèm theo Quyết định số … ngày …)" line of an issued plan carries the decision's number
and date in its blanks, in each form the seed documents print it."""

from datetime import date
from types import SimpleNamespace

import pytest

from plans.pdf.documents import attachment_line

ISSUED = SimpleNamespace(number=5, issued_on=date(2024, 1, 23))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "(Ban hành kèm theo Quyết định số: /QĐ-UBND ngày /01/2024 của UBND xã Hà Tân)",
            "(Ban hành kèm theo Quyết định số: 05/QĐ-UBND ngày 23/01/2024 của UBND xã Hà Tân)",
        ),
        (
            "(Ban hành kèm theo Kế hoạch số           /KH-UBND ngày       tháng 01 năm 2024 của Chủ tịch UBND tỉnh)",
            "(Ban hành kèm theo Kế hoạch số 05/KH-UBND ngày 23 tháng 01 năm 2024 của Chủ tịch UBND tỉnh)",
        ),
        (
            "(Kèm theo Quyết định số       /QĐ -UBND ngày 23/01/2024 của UBND xã)",
            "(Kèm theo Quyết định số 05/QĐ -UBND ngày 23/01/2024 của UBND xã)",
        ),
        (
            "(Ban hành kèm theo Quyết định số 07/QĐ-UBND ngày 20 tháng 01 năm 2024)",
            "(Ban hành kèm theo Quyết định số 07/QĐ-UBND ngày 20 tháng 01 năm 2024)",
        ),
    ],
)
def test_the_blanks_are_filled_and_what_is_written_stays(line, expected):
    assert attachment_line(line, ISSUED) == expected


def test_a_decision_not_yet_issued_leaves_the_line_as_it_is():
    line = "(Ban hành kèm theo Quyết định số: /QĐ-UBND ngày /01/2024)"
    assert attachment_line(line, SimpleNamespace(number=None, issued_on=None)) == line
