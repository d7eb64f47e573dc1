"""Checks an uploaded plan file before any parser sees it.

Order matters: the size is checked before the file is read, the type is judged from the bytes (not
the name), and the zip container is inspected — entry count, declared and actual uncompressed
sizes, compression ratios, any DTD in an XML part — before openpyxl or python-docx opens it.
Every refusal is an ImportRejected with a message for the user; nothing is written anywhere.
"""

import io
import os
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024  # word/document.xml, parsed by lxml in one go
MAX_RATIO = 100  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_NAME_LENGTH = 150

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML file is an OLE2 container with an "EncryptedPackage" stream (MS-OFFCRYPTO).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# A DTD has no business in an OOXML part; reject it in any encoding a parser would accept.
DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

SIZE_MESSAGE = "Tệp lớn hơn 5 MB. Hãy chia nhỏ bảng hoặc xóa hình ảnh, định dạng thừa rồi tải lên lại."
TYPE_MESSAGE = "Chỉ nhận tệp Excel (.xlsx) hoặc Word (.docx). Tệp này không phải một trong hai loại đó."
XLS_MESSAGE = "Tệp .xls (Excel 97-2003) không được hỗ trợ, hãy lưu lại dưới dạng .xlsx rồi tải lên."
ENCRYPTED_MESSAGE = "Tệp được đặt mật khẩu. Hãy gỡ mật khẩu (lưu lại không đặt mật khẩu) rồi tải lên."
CORRUPT_MESSAGE = "Tệp bị hỏng hoặc không đọc được. Hãy mở tệp bằng Excel/Word, lưu lại rồi tải lên."
BOMB_MESSAGE = "Tệp có nội dung nén bất thường (quá lớn khi giải nén). Vì an toàn, tệp không được đọc."
XML_BOMB_MESSAGE = "Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY). Vì an toàn, tệp không được đọc."


class ImportRejected(Exception):
    """The whole file is refused; str(error) is the message for the user."""


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # sanitised: base name only, NFC
    kind: str  # "xlsx" or "docx", judged from the content
    data: bytes


def clean_filename(name):
    """The base name only (no folders, whichever separator), NFC, no control characters, bounded."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name or "tep-tai-len"


def read_upload(uploaded):
    """Read a Django UploadedFile (or any file object with .size/.read) after checking its size."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImportRejected(SIZE_MESSAGE)
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(SIZE_MESSAGE)
    return data


def check_upload(*, name, data):
    """Judge the bytes of an upload; returns a CheckedUpload or raises ImportRejected."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected(SIZE_MESSAGE)
    if data.startswith(OLE2_MAGIC):
        raise ImportRejected(ENCRYPTED_MESSAGE if ENCRYPTED_STREAM in data else XLS_MESSAGE)
    if not data.startswith(ZIP_MAGIC):
        raise ImportRejected(TYPE_MESSAGE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ImportRejected(CORRUPT_MESSAGE) from error
    with archive:
        kind = _kind_of(archive)
        _check_sizes(entries)
        _scan_parts(archive, entries)
    return CheckedUpload(name=clean_filename(name), kind=kind, data=data)


def _kind_of(archive):
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise ImportRejected(TYPE_MESSAGE)
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise ImportRejected(TYPE_MESSAGE)


def _check_sizes(entries):
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ImportRejected(BOMB_MESSAGE)
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ImportRejected(BOMB_MESSAGE)
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ImportRejected(BOMB_MESSAGE)
        if entry.filename == "word/document.xml" and entry.file_size > MAX_DOCUMENT_XML_BYTES:
            raise ImportRejected(BOMB_MESSAGE)


def _scan_parts(archive, entries):
    """Decompress every XML part once, counting what actually comes out (a zip may lie about its
    sizes), and refuse any DTD: that is how entity-expansion ("billion laughs") bombs start."""
    total = 0
    overlap = max(len(marker) for marker in DTD_MARKERS)
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(entry) as stream:
                tail = b""
                while chunk := stream.read(256 * 1024):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise ImportRejected(BOMB_MESSAGE)
                    window = tail + chunk
                    if any(marker in window for marker in DTD_MARKERS):
                        raise ImportRejected(XML_BOMB_MESSAGE)
                    tail = window[-overlap:]
        except ImportRejected:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            EOFError,
            OSError,
            RuntimeError,
            ValueError,
        ) as error:
            # RuntimeError: an encrypted zip entry; NotImplementedError: an unknown compression.
            raise ImportRejected(CORRUPT_MESSAGE) from error
