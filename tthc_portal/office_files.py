"""Inspecting an Office Open XML file (.xlsx, .docx) before any parser opens it, shared by plan imports
(plans.files.uploads) and evidence uploads (tasks.models): the zip's entry count, declared and actual
uncompressed sizes, compression ratios, and any DTD in an XML part. A refusal is an OfficeFileRefused
whose text is a message for the user; nothing is written anywhere."""

import io
import zipfile
import zlib

MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024  # word/document.xml, parsed by lxml in one go
MAX_RATIO = 100  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A DTD has no business in an OOXML part; reject it in any encoding a parser would accept.
DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

CORRUPT_MESSAGE = "Tệp bị hỏng hoặc không đọc được. Hãy mở tệp bằng Excel/Word, lưu lại rồi tải lên."
BOMB_MESSAGE = "Tệp có nội dung nén bất thường (quá lớn khi giải nén). Vì an toàn, tệp không được đọc."
XML_BOMB_MESSAGE = "Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY). Vì an toàn, tệp không được đọc."


class OfficeFileRefused(Exception):
    """The file is refused; str(error) is the message for the user."""


def office_kind(data, *, type_message):
    """ "xlsx" or "docx" for the bytes of a sound Office Open XML file within the limits; otherwise
    raise OfficeFileRefused (`type_message` when it is a zip but not one of the two)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise OfficeFileRefused(CORRUPT_MESSAGE) from error
    with archive:
        kind = _kind_of(archive, type_message)
        _check_sizes(entries)
        _scan_parts(archive, entries)
    return kind


def _kind_of(archive, type_message):
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise OfficeFileRefused(type_message)
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise OfficeFileRefused(type_message)


def _check_sizes(entries):
    if len(entries) > MAX_ZIP_ENTRIES:
        raise OfficeFileRefused(BOMB_MESSAGE)
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise OfficeFileRefused(BOMB_MESSAGE)
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise OfficeFileRefused(BOMB_MESSAGE)
        if entry.filename == "word/document.xml" and entry.file_size > MAX_DOCUMENT_XML_BYTES:
            raise OfficeFileRefused(BOMB_MESSAGE)


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
                        raise OfficeFileRefused(BOMB_MESSAGE)
                    window = tail + chunk
                    if any(marker in window for marker in DTD_MARKERS):
                        raise OfficeFileRefused(XML_BOMB_MESSAGE)
                    tail = window[-overlap:]
        except OfficeFileRefused:
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
            raise OfficeFileRefused(CORRUPT_MESSAGE) from error
