"""Hostile and broken uploads, generated here (no binaries in the repository): each gets its own
message, and nothing is written — neither by the parser nor through the upload page."""

import io
import time
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import User
from plans.files import uploads
from plans.files.importing import parse_plan_file
from plans.files.uploads import ImportRejected, check_upload, clean_filename, read_upload
from plans.serializing import table_to_data
from tests.plans.files.test_importing import HEADER, docx_bytes, xlsx_bytes

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _valid_xlsx():
    return xlsx_bytes([HEADER, ["I", "Mục"], ["1", "Việc"]])


def _rewrite(data, part, change):
    """The same zip with one part changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, change(content) if item.filename == part else content)
    return out.getvalue()


def _with_dtd(data, part, encoding="utf-8"):
    def change(content):
        text = content.decode("utf-8")
        body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
        root = body.lstrip()
        # an entity used in the document, as a real attack would
        root = root.replace("<t>Việc</t>", "<t>&lol9;</t>") if "&" not in root else root
        doc = BILLION_LAUGHS + root
        if encoding != "utf-8":
            doc = doc.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
        return doc.encode(encoding)

    return _rewrite(data, part, change)


def _zip_bomb(size=60 * 1024 * 1024):
    source = zipfile.ZipFile(io.BytesIO(_valid_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        with target.open("xl/media/image1.bin", "w") as stream:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return out.getvalue()


def _many_entries():
    source = zipfile.ZipFile(io.BytesIO(_valid_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        for index in range(uploads.MAX_ZIP_ENTRIES + 1):
            target.writestr(f"customXml/item{index}.bin", b"")
    return out.getvalue()


def _wide_sheet():
    def build(book, sheet):
        sheet.cell(row=3, column=16_384, value="cột cuối")

    return xlsx_bytes([HEADER, ["I", "Mục"]], build=build)


def _ole2(*stream_names):
    """An OLE2 (Compound File) container: the .xls and password-protected Office formats."""
    header = uploads.OLE2_MAGIC + b"\0" * 16 + b"\x3e\0\x03\0\xfe\xff\x09\0" + b"\0" * (512 - 32)
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for name in ("Root Entry", *stream_names)
    )
    return header + directory.ljust(4096, b"\0")


def _plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("content.xml", "<office:document/>")
    return out.getvalue()


HOSTILE = {
    # name: (file name, bytes, what the user is told, refused outright (True) or blocked at preview (False))
    "xml bomb in a sheet": ("bom.xlsx", lambda: _with_dtd(_valid_xlsx(), "xl/worksheets/sheet1.xml"), "DOCTYPE", True),
    "xml bomb in utf-16": (
        "bom16.xlsx",
        lambda: _with_dtd(_valid_xlsx(), "xl/worksheets/sheet1.xml", "utf-16"),
        "DOCTYPE",
        True,
    ),
    "xml bomb in a word file": (
        "bom.docx",
        lambda: _with_dtd(docx_bytes([HEADER, ["I", "Mục"]]), "word/document.xml"),
        "DOCTYPE",
        True,
    ),
    "zip bomb": ("nen.xlsx", _zip_bomb, "nén bất thường", True),
    "zip bomb by ratio": ("ty-le.xlsx", lambda: _zip_bomb(4 * 1024 * 1024), "nén bất thường", True),
    "too many zip entries": ("nhieu.xlsx", _many_entries, "nén bất thường", True),
    "16,384-column sheet": ("rong.xlsx", _wide_sheet, "16.384 cột", True),
    "more than 2,000 rows": (
        "dai.xlsx",
        lambda: xlsx_bytes([HEADER, ["I", "Mục"], *[[str(i), f"Việc {i}"] for i in range(1, 2002)]]),
        "hơn 2.000 dòng",
        True,
    ),
    "xls renamed to xlsx": ("cu.xlsx", lambda: _ole2("Workbook", "SummaryInformation"), "Excel 97-2003", True),
    "password-protected": ("mat-khau.xlsx", lambda: _ole2("EncryptionInfo", "EncryptedPackage"), "mật khẩu", True),
    "a pdf renamed": (
        "ke-hoach.xlsx",
        lambda: b"%PDF-1.7\n" + b"0" * 200,
        "Chỉ nhận tệp Excel (.xlsx) hoặc Word (.docx)",
        True,
    ),
    "some other zip": ("ke-hoach.docx", _plain_zip, "Chỉ nhận tệp Excel", True),
    "a truncated file": ("hong.xlsx", lambda: _valid_xlsx()[:1500], "bị hỏng", True),
    "larger than 5 MB": ("lon.xlsx", lambda: b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), "lớn hơn 5 MB", True),
    "no header": ("trong.xlsx", lambda: xlsx_bytes([["Danh sách"], ["A", "B"]]), "Không tìm thấy dòng tiêu đề", True),
    "a cell of 40,000 characters": (
        "dai-o.xlsx",
        lambda: xlsx_bytes([HEADER, ["I", "Mục"], ["1", "x" * 40_000]]),
        "Dòng 3",
        False,
    ),
    "formula cells": (
        "cong-thuc.xlsx",
        lambda: xlsx_bytes([HEADER, ["I", "Mục"], ["1", '=WEBSERVICE("http://x.invalid")', "=1+1"]]),
        "công thức",
        False,
    ),
}


def _outcome(name, data):
    """The message the parser gives: the refusal, or the blocking problems."""
    try:
        parsed = parse_plan_file(name=name, data=data)
    except ImportRejected as error:
        return True, str(error)
    assert parsed.blocking
    return False, " ".join(str(problem) for problem in parsed.problems if problem.blocking)


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_each_hostile_file_gets_its_message(case):
    filename, build, message, refused = HOSTILE[case]
    was_refused, text = _outcome(filename, build())
    assert was_refused is refused
    assert message in text


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_uploading_a_hostile_file_changes_nothing(client, le_loi_plan, case):
    filename, build, message, refused = HOSTILE[case]
    client.force_login(User.objects.get(username="le-loi-editor"))
    before, version = table_to_data(le_loi_plan), le_loi_plan.version
    response = client.post(
        reverse("plans:import", args=[le_loi_plan.pk]), {"file": SimpleUploadedFile(filename, build())}, follow=True
    )
    assert message in response.content.decode()
    for token in client.session.get("plan_imports", {}):  # a blocked preview cannot be confirmed either
        client.post(reverse("plans:import_confirm", args=[le_loi_plan.pk]), {"token": token})
    le_loi_plan.refresh_from_db()
    assert (table_to_data(le_loi_plan), le_loi_plan.version) == (before, version)


def test_a_16384_column_sheet_is_refused_quickly():
    data = _wide_sheet()
    start = time.perf_counter()
    with pytest.raises(ImportRejected):
        parse_plan_file(name="rong.xlsx", data=data)
    assert time.perf_counter() - start < 1


def test_the_size_is_checked_before_the_file_is_read():
    class Huge:
        size = 6 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read before the size check")

    with pytest.raises(ImportRejected, match="5 MB"):
        read_upload(Huge())


def test_the_type_comes_from_the_content_not_the_name():
    assert check_upload(name="bang.docx", data=_valid_xlsx()).kind == "xlsx"
    assert check_upload(name="bang.xlsx", data=docx_bytes([HEADER])).kind == "docx"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.xlsx", "passwd.xlsx"),
        ("..\\..\\Windows\\ke-hoach.xlsx", "ke-hoach.xlsx"),
        ("/tmp/../ke hoạch.docx", "ke hoạch.docx"),
        ("..", "tep-tai-len"),
        ("ke-hoach\x00.xlsx", "ke-hoach.xlsx"),
    ],
)
def test_file_names_keep_only_their_base_name(name, expected):
    assert clean_filename(name) == expected


def test_a_name_with_dot_dot_slash_is_only_a_label():
    parsed = parse_plan_file(name="../../../ke-hoach.xlsx", data=_valid_xlsx())
    assert parsed.filename == "ke-hoach.xlsx"


def test_a_decomposed_vietnamese_file_name_is_stored_composed():
    nfd = unicodedata.normalize("NFD", "Kế hoạch Lê Lợi.xlsx")
    assert nfd != "Kế hoạch Lê Lợi.xlsx"
    assert parse_plan_file(name=nfd, data=_valid_xlsx()).filename == "Kế hoạch Lê Lợi.xlsx"


def test_decomposed_vietnamese_in_a_word_table_is_read_and_stored_composed():
    nfd = [unicodedata.normalize("NFD", text) for text in ["TT", "Nội dung công việc", "Cơ quan chủ trì"]]
    data = docx_bytes(
        [
            nfd,
            ["I", unicodedata.normalize("NFD", "Công khai"), ""],
            ["1", unicodedata.normalize("NFD", "Niêm yết thủ tục"), "Văn phòng"],
        ]
    )
    parsed = parse_plan_file(name="a.docx", data=data)
    assert parsed.sections[0]["tasks"][0]["content"] == "Niêm yết thủ tục"
    assert parsed.sections[0]["title"] == "Công khai"


def test_an_entity_declared_anywhere_in_the_zip_is_refused():
    data = _rewrite(_valid_xlsx(), "docProps/core.xml", lambda c: BILLION_LAUGHS.encode() + c)
    with pytest.raises(ImportRejected, match="DOCTYPE"):
        check_upload(name="a.xlsx", data=data)


def test_an_empty_upload_is_refused(client, le_loi_plan):
    client.force_login(User.objects.get(username="le-loi-editor"))
    response = client.post(reverse("plans:import", args=[le_loi_plan.pk]), {"file": SimpleUploadedFile("a.xlsx", b"")})
    assert response.status_code == 400


def test_an_ordinary_workbook_passes_the_checks():
    assert check_upload(name="a.xlsx", data=_valid_xlsx()).name == "a.xlsx"
