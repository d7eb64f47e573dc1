"""Checks an uploaded plan file before any parser sees it.

Order matters: the size is checked before the file is read, the type is judged from the bytes (not
the name), and the zip container is inspected (tthc_portal.office_files: entry count, declared and
actual uncompressed sizes, compression ratios, any DTD in an XML part) before openpyxl or
python-docx opens it.
Every refusal is an ImportRejected with a message for the user; nothing is written anywhere.
"""

import os
import unicodedata
from dataclasses import dataclass

from tthc_portal.office_files import (
    BOMB_MESSAGE,
    CORRUPT_MESSAGE,
    MAX_ZIP_ENTRIES,
    OLE2_MAGIC,
    XML_BOMB_MESSAGE,
    ZIP_MAGIC,
    OfficeFileRefused,
    office_kind,
)

__all__ = ["BOMB_MESSAGE", "CORRUPT_MESSAGE", "MAX_ZIP_ENTRIES", "XML_BOMB_MESSAGE"]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 150

# An encrypted OOXML file is an OLE2 container with an "EncryptedPackage" stream (MS-OFFCRYPTO).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

SIZE_MESSAGE = "Tệp lớn hơn 5 MB. Hãy chia nhỏ bảng hoặc xóa hình ảnh, định dạng thừa rồi tải lên."
TYPE_MESSAGE = "Chỉ nhận tệp Excel (.xlsx) hoặc Word (.docx). Tệp này không phải một trong hai loại đó."
XLS_MESSAGE = "Tệp .xls (Excel 97-2003) không được hỗ trợ, hãy lưu lại dưới dạng .xlsx rồi tải lên."
ENCRYPTED_MESSAGE = "Tệp được đặt mật khẩu. Hãy gỡ mật khẩu (lưu lại không đặt mật khẩu) rồi tải lên."


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
        kind = office_kind(data, type_message=TYPE_MESSAGE)
    except OfficeFileRefused as refused:
        raise ImportRejected(str(refused)) from refused
    return CheckedUpload(name=clean_filename(name), kind=kind, data=data)
