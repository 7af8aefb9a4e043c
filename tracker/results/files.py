"""What an uploaded evidence file really is, decided by its content, never its name or the
browser's claim: PDF, DOCX, XLSX, ODT, PNG or JPEG, at most 20 MB, not encrypted, and (for the
zip-based formats) no more than a bounded amount once unpacked, so a zip bomb is refused
before it is unpacked in full."""

import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.user_errors import UserError

MAX_BYTES = 20 * 1024 * 1024
# A real document unpacks to a few times its size; a bomb to thousands of times.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", (".pdf",), "PDF")
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "DOCX"
)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "XLSX")
ODT = Kind("application/vnd.oasis.opendocument.text", (".odt",), "ODT")
PNG = Kind("image/png", (".png",), "PNG")
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"), "JPEG")
KINDS = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
ACCEPT = ",".join(extension for kind in KINDS for extension in kind.extensions)


class FileRefused(UserError):
    """An evidence file we do not keep; the message says why."""


def check_file(name: str, data: bytes) -> Kind:
    """The file's kind, or a refusal: empty, too big, not what its name says, encrypted, or
    a zip that unpacks to too much."""
    if not data:
        raise FileRefused(_("Filen «%(name)s» er tom.", name=name))
    if len(data) > MAX_BYTES:
        raise FileRefused(_("Filen «%(name)s» er større enn 20 MB.", name=name))
    named = _kind_by_name(name)
    if named is None:
        raise FileRefused(
            _(
                "Filen «%(name)s» har en type vi ikke tar imot. Last opp PDF, DOCX, XLSX, ODT, "
                "PNG eller JPEG.",
                name=name,
            )
        )
    found = _kind_by_content(data, name)
    if found != named:
        raise FileRefused(
            _(
                "Innholdet i «%(name)s» er ikke en %(kind)s-fil, slik navnet sier.",
                name=name,
                kind=named.label,
            )
        )
    return found


def _kind_by_name(name: str) -> Kind | None:
    lowered = name.lower()
    return next((k for k in KINDS if lowered.endswith(k.extensions)), None)


def _kind_by_content(data: bytes, name: str) -> Kind | None:
    if data.startswith(b"%PDF-"):
        return _checked_pdf(data, name)
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return PNG
    if data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-1024:]:
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _checked_zip(data, name)
    return None


def _checked_pdf(data: bytes, name: str) -> Kind | None:
    if b"%%EOF" not in data[-2048:]:
        return None  # cut off, or not a PDF after its first line
    # Every encrypted PDF names its encryption dictionary in the trailer.
    if b"/Encrypt" in data:
        raise FileRefused(
            _(
                "«%(name)s» er kryptert eller passordbeskyttet. Last opp en PDF uten passord.",
                name=name,
            )
        )
    return PDF


def _checked_zip(data: bytes, name: str) -> Kind | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _bomb(name)
        names = {entry.filename for entry in entries}
        _unpack_bounded(archive, entries, name)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        if "mimetype" in names and archive.read("mimetype").strip() == ODT.content_type.encode():
            return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return None
    except RuntimeError:  # an encrypted entry
        raise FileRefused(_("«%(name)s» er kryptert eller passordbeskyttet.", name=name)) from None
    return None


def _unpack_bounded(archive: zipfile.ZipFile, entries, name: str) -> None:
    """Unpack every entry, counting the bytes that come out (the sizes an archive declares
    can lie), and stop as soon as the total passes the bound."""
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise RuntimeError("encrypted")
        with archive.open(entry) as stream:
            while chunk := stream.read(1024 * 1024):
                total += len(chunk)
                if total > MAX_UNPACKED_BYTES:
                    raise _bomb(name)


def _bomb(name: str) -> FileRefused:
    return FileRefused(
        _("«%(name)s» pakker seg ut til mer enn 100 MB og kan ikke lastes opp.", name=name)
    )
