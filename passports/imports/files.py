"""What an uploaded file really is, judged by its bytes, and whether it is safe to open.

Every refusal is an `ImportRejected` naming the problem, raised before anything is parsed or
written: empty files, files over the size limit for their kind (413), wrong types (a PDF, an
image, a Word document or an old .xls renamed to .csv), password-protected workbooks (an
encrypted OLE container), zip bombs, and CSV text in an encoding we cannot decode.
"""

import codecs
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import ServiceError
from app.storage import atomic_write
from app.storage import ensure_folder

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_SIGNATURES = (
    (b"%PDF", _l("a PDF document")),
    (b"\x89PNG", _l("a PNG image")),
    (b"\xff\xd8\xff", _l("a JPEG image")),
    (b"GIF8", _l("a GIF image")),
    (b"RIFF", _l("a media file")),
    (b"\x1f\x8b", _l("a gzip archive")),
    (b"Rar!", _l("a RAR archive")),
    (b"7z\xbc\xaf", _l("a 7-Zip archive")),
    (b"\x7fELF", _l("a program")),
    (b"MZ", _l("a program")),
)
# Budget for what a workbook may unpack to, and the ratio beyond which a member is a bomb.
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_MEMBERS = 10_000
_TEXT_ENCODINGS = ("utf-8-sig", "cp1252")
# The media types an import reads (the document declares them for the `file` part); a file of
# another kind is refused with 415 Unsupported Media Type, whatever name or type it was sent as.
MEDIA_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/x-step",
)
UNSUPPORTED = 415


def _not_supported(what: str) -> str:
    """The refusal of a file of another kind: `what` it is ("a PDF document")."""
    return _(
        "This is %(what)s, not a CSV file, an Excel workbook (.xlsx) or an IFC model (.ifc).",
        what=what,
    )


class ImportRejected(ServiceError):
    """The file cannot be imported at all; nothing was read into the passport."""

    code = 422

    def __init__(self, message: str, *, code: int | None = None):
        super().__init__(message, code=code, errors={"file": [message]})


@dataclass(frozen=True)
class StoredFile:
    """An upload copied to disk, with what we learnt about it."""

    path: Path
    filename: str
    kind: str  # csv | xlsx | ifc
    size: int
    sha256: str


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def limit_for(kind: str) -> int:
    """The configured upload limit in bytes for a kind of file."""
    key = "MAX_IFC_BYTES" if kind == "ifc" else "MAX_SHEET_BYTES"
    return int(current_app.config[key])


def sniff(head: bytes, path: Path | None = None) -> str:
    """The kind of file these first bytes begin (csv, xlsx or ifc), or ImportRejected."""
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ImportRejected(_("The file is empty."))
    if head.startswith(_OLE):
        if path is not None and _is_encrypted_ole(path):
            raise ImportRejected(
                _(
                    "The workbook is password-protected (encrypted). Remove the password in "
                    "Excel (File › Info › Protect Workbook) and upload it again."
                )
            )
        raise ImportRejected(
            _(
                "This is an old Excel (.xls) or other Office file. Save it as .xlsx or CSV and "
                "upload it again."
            ),
            code=UNSUPPORTED,
        )
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"  # checked as a workbook, or refused with its real nature, by check_xlsx
    for signature, refusal in _SIGNATURES:
        if head.startswith(signature):
            raise ImportRejected(_not_supported(str(refusal)), code=UNSUPPORTED)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"ISO-10303-21"):
        return "ifc"
    if text[:5].lower() == b"<?xml" or text[:1] == b"<":
        raise ImportRejected(
            _not_supported(_("an XML or HTML file (ifcXML is not supported)")),
            code=UNSUPPORTED,
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise ImportRejected(
            _not_supported(_("a binary file")),
            code=UNSUPPORTED,
        )
    return "csv"


def _is_encrypted_ole(path: Path) -> bool:
    # Encrypted OOXML lives in an OLE container with an "EncryptionInfo" stream; its name is in
    # the directory, which in such small containers sits in the first few sectors.
    with path.open("rb") as handle:
        return _ENCRYPTION_INFO in handle.read(4 * 1024 * 1024)


def check_xlsx(path: Path) -> None:
    """Refuse zip bombs and zips that are not workbooks, before openpyxl opens them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRejected(
            _("The workbook is damaged: it is not a readable .xlsx file.")
        ) from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        refusal = _not_supported(_("a zip archive"))
        if "word/document.xml" in names:
            refusal = _not_supported(_("a Word document"))
        if "ppt/presentation.xml" in names:
            refusal = _not_supported(_("a PowerPoint presentation"))
        if "content.xml" in names:
            refusal = _not_supported(_("an OpenDocument file (save it as .xlsx)"))
        raise ImportRejected(refusal)
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportRejected(_("The workbook has too many parts to be a spreadsheet (zip bomb?)."))
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED:
        raise ImportRejected(
            _(
                "The workbook would unpack to %(size)s, over the %(limit)s allowed: it looks "
                "like a zip bomb.",
                size=_mb(total),
                limit=_mb(MAX_XLSX_UNPACKED),
            )
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO:
            raise ImportRejected(
                _(
                    "The workbook part %(part)s is compressed %(ratio)s to 1: it looks like a "
                    "zip bomb.",
                    part=repr(member.filename),
                    ratio=format(ratio, ",.0f"),
                )
            )


def text_encoding(path: Path) -> str:
    """The encoding of a CSV: UTF-16 with a BOM, UTF-8 (with or without BOM), else cp1252."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in _TEXT_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportRejected(
        _(
            "The CSV file's text encoding is not recognised: it is neither UTF-8 nor "
            "Windows-1252. Save it as 'CSV UTF-8' and upload it again."
        )
    )


def store_upload(stream: BinaryIO, filename: str, target: Path) -> StoredFile:
    """Copy an upload to `target` while hashing it, then inspect it; refused files are removed."""
    hasher = hashlib.sha256()
    ceiling = max(limit_for("ifc"), limit_for("xlsx"))
    size = 0
    ensure_folder(target.parent, "the file")
    # A full disk leaves no partial upload behind: InsufficientStorage (507), nothing kept.
    with atomic_write(target, "the file") as out:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > ceiling:
                break
            hasher.update(chunk)
            out.write(chunk)
    try:
        return inspect_file(target, filename, size=size, sha256=hasher.hexdigest())
    except ImportRejected:
        target.unlink(missing_ok=True)
        raise


def inspect_file(
    path: Path, filename: str | None = None, *, size: int | None = None, sha256: str | None = None
) -> StoredFile:
    """Sniff a file on disk, check its size limit and, for a workbook, its zip structure."""
    if size is None:
        size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    kind = sniff(head, path)
    limit = limit_for(kind)
    if size > limit:
        if kind == "ifc":
            refusal = _("IFC models may be up to %(limit)s.", limit=_mb(limit))
        else:
            refusal = _("Spreadsheets may be up to %(limit)s.", limit=_mb(limit))
        raise ImportRejected(refusal, code=413)
    if kind == "xlsx":
        check_xlsx(path)
    if sha256 is None:
        hasher = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                hasher.update(chunk)
        sha256 = hasher.hexdigest()
    return StoredFile(path, _clean_name(filename or path.name), kind, size, sha256)


def _clean_name(filename: str) -> str:
    name = Path((filename or "upload").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:255] or "upload"
