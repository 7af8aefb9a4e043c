"""Reading an uploaded round sheet, distrustfully. The file is refused whole (``SheetRefused``)
when it is too big, not an XLSX, has macros, would unpack too large or has too many rows; all
of that is checked before openpyxl parses a cell. Then each row's values are read by the
columns of ``round_sheet``; what is wrong in a row becomes a ``Problem`` with its row and column.

openpyxl parses in read-only mode (streamed, rows counted as they come) with defusedxml, and
never evaluates a formula: a formula cell is a problem, its text shown, never run.
"""

import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook

from tracker.i18n import SUPPORTED_LOCALES
from tracker.narrative import clean_text
from tracker.reporting.states import Status
from tracker.spreadsheets import round_sheet as layout
from tracker.user_errors import UserError

MAX_BYTES = 5 * 1024 * 1024  # 50 measures of 20,000 characters make well under 2 MB
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_MEMBERS = 200
MAX_ROWS = 1000  # a unit reports on tens of measures; the whole plan has a hundred or so
ZIP_MAGIC = b"PK\x03\x04"
MACRO_PARTS = ("vbaproject.bin", "macrosheets/", "vbadata.xml")


class SheetRefused(UserError):
    """The whole file is refused; nothing in it is read further."""

    field = "sheet"


@dataclass(frozen=True)
class Problem:
    row: int | None  # the sheet's row number, as Excel shows it
    column: str | None  # the column's heading
    message: str


@dataclass
class UploadedRow:
    row: int
    number: int
    status: Status | None
    narrative: str
    language: str | None
    unchanged: bool
    stamp: str


@dataclass
class ParsedSheet:
    sheet_stamp: str
    rows: list[UploadedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_upload(data: bytes, filename: str, narrative_limit: int) -> ParsedSheet:
    _check_file(data, filename)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # noqa: BLE001 - any parser failure means "not a sheet of ours"
        raise SheetRefused(_not_xlsx()) from error
    try:
        if (
            layout.REPORT_SHEET not in book.sheetnames
            or layout.CONTROL_SHEET not in book.sheetnames
        ):
            raise SheetRefused(_not_ours())
        stamp = _control_stamp(book[layout.CONTROL_SHEET])
        parsed = ParsedSheet(sheet_stamp=stamp)
        _read_rows(book[layout.REPORT_SHEET], parsed, narrative_limit)
        return parsed
    except SheetRefused:
        raise
    except Exception as error:  # noqa: BLE001 - read-only mode parses as it goes: a part whose
        # size lied (zipfile stops at the declared size and fails the checksum), an XML entity
        # defusedxml forbids, a broken cell: all mean the file is not a sheet we can read.
        raise SheetRefused(_not_xlsx()) from error
    finally:
        book.close()


def _check_file(data: bytes, filename: str) -> None:
    if len(data) > MAX_BYTES:
        raise SheetRefused(
            _(
                "Filen er på %(size).1f MB. Et regneark kan være på høyst %(limit)d MB.",
                size=len(data) / 1024 / 1024,
                limit=MAX_BYTES // 1024 // 1024,
            )
        )
    name = (filename or "").lower()
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        raise SheetRefused(_macros())
    if not name.endswith(".xlsx"):
        raise SheetRefused(_("Last opp arket som en Excel-arbeidsbok med filtypen .xlsx."))
    if not data.startswith(ZIP_MAGIC):
        raise SheetRefused(_not_xlsx())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            content_types = (
                archive.read("[Content_Types].xml")
                if "[Content_Types].xml" in archive.namelist()
                and archive.getinfo("[Content_Types].xml").file_size < 1024 * 1024
                else b""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise SheetRefused(_not_xlsx()) from error
    if any(part in member.filename.lower() for member in members for part in MACRO_PARTS) or (
        b"macroEnabled" in content_types
    ):
        raise SheetRefused(_macros())
    # The sizes the archive declares bound what zipfile will unpack (it stops there and fails
    # the checksum), so a zip bomb is refused here, before a byte is inflated.
    if (
        len(members) > MAX_MEMBERS
        or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES
    ):
        raise SheetRefused(
            _(
                "Filen pakker seg ut til mer enn %(limit)d MB. Et rapporteringsark er langt "
                "mindre; last ned arket på nytt og fyll det ut.",
                limit=MAX_UNCOMPRESSED_BYTES // 1024 // 1024,
            )
        )


def _control_stamp(control) -> str:
    for row in control.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True):
        if len(row) == 2 and row[0] == "stamp" and isinstance(row[1], str):
            return row[1]
    raise SheetRefused(_not_ours())


def _read_rows(page, parsed: ParsedSheet, narrative_limit: int) -> None:
    headings = layout.headings()
    vocabulary = _Vocabulary()
    count = 0
    for cells in page.iter_rows(min_row=2, max_col=layout.STAMP):
        count += 1
        if count > MAX_ROWS:
            raise SheetRefused(
                _(
                    "Arket har mer enn %(limit)d rader. Last opp arket du lastet ned for "
                    "runden, uten rader lagt til.",
                    limit=MAX_ROWS,
                )
            )
        values = {index: cell.value for index, cell in enumerate(cells, start=1)}
        if all(value in (None, "") for value in values.values()):
            continue
        row_number = count + 1  # read-only mode yields every row from 2, empty ones too
        formulas = [index for index, cell in enumerate(cells, start=1) if cell.data_type == "f"]
        if formulas:
            for index in formulas:
                parsed.problems.append(
                    Problem(
                        row_number,
                        headings[index - 1],
                        _(
                            "Cellen inneholder en formel (%(formula)s). Formler blir ikke "
                            "regnet ut: skriv teksten uten = foran, eller med en apostrof (') "
                            "foran.",
                            formula=str(values[index])[:80],
                        ),
                    )
                )
            continue
        _read_row(row_number, values, parsed, headings, vocabulary, narrative_limit)


def _read_row(row_number, values, parsed, headings, vocabulary, narrative_limit) -> None:
    def problem(column: int, message: str) -> None:
        parsed.problems.append(Problem(row_number, headings[column - 1], message))

    number = _integer(values.get(layout.NUMBER))
    if number is None:
        problem(layout.NUMBER, _("Tiltaksnummeret mangler eller er ikke et tall."))
        return
    status = vocabulary.status(values.get(layout.STATUS))
    if status is None:
        problem(
            layout.STATUS,
            _(
                "«%(value)s» er ikke en status. Velg %(choices)s.",
                value=_text(values.get(layout.STATUS)),
                choices=", ".join(vocabulary.status_choices),
            ),
        )
    narrative = clean_text(_text(values.get(layout.NARRATIVE)))
    if len(narrative) > narrative_limit:
        problem(
            layout.NARRATIVE,
            _(
                "Teksten er %(length)d tegn. Den kan være på høyst %(limit)d tegn; korter den inn.",
                length=len(narrative),
                limit=narrative_limit,
            ),
        )
    language = vocabulary.language(values.get(layout.LANGUAGE))
    if language is None:
        problem(layout.LANGUAGE, _("Velg bokmål eller nynorsk som språk."))
    unchanged = vocabulary.yes_no(values.get(layout.UNCHANGED))
    if unchanged is None:
        problem(layout.UNCHANGED, _("Svar ja eller nei på «ingen endring»."))
    parsed.rows.append(
        UploadedRow(
            row=row_number,
            number=number,
            status=status,
            narrative=narrative,
            language=language,
            unchanged=bool(unchanged),
            stamp=_text(values.get(layout.STAMP)),
        )
    )


class _Vocabulary:
    """The words a cell may hold, in any of the interface's languages (a sheet downloaded in
    nynorsk is read the same way)."""

    def __init__(self) -> None:
        self.statuses: dict[str, Status] = {}
        self.languages: dict[str, str] = {"nb": "nb", "nn": "nn"}
        self.answers: dict[str, bool] = {"": False}
        for locale in SUPPORTED_LOCALES:
            with force_locale(locale):
                for status in Status:
                    self.statuses[_(status.label).casefold()] = status
                self.languages[_("Bokmål").casefold()] = "nb"
                self.languages[_("Nynorsk").casefold()] = "nn"
                self.answers[_("Ja").casefold()] = True
                self.answers[_("Nei").casefold()] = False
        for status in Status:
            self.statuses[status.value] = status
        self.status_choices = [_(status.label) for status in Status]

    def status(self, value) -> Status | None:
        return self.statuses.get(_text(value).strip().casefold())

    def language(self, value) -> str | None:
        return self.languages.get(_text(value).strip().casefold())

    def yes_no(self, value) -> bool | None:
        return self.answers.get(_text(value).strip().casefold())


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _not_xlsx() -> str:
    return _(
        "Filen er ikke et Excel-regneark (.xlsx). Er det en CSV-fil eller en annen filtype med "
        "nytt navn? Lagre arket som Excel-arbeidsbok (.xlsx) og last det opp igjen."
    )


def _not_ours() -> str:
    return _(
        "Filen er ikke et rapporteringsark fra denne tjenesten. Last ned arket for runden, fyll "
        "det ut og last det opp."
    )


def _macros() -> str:
    return _(
        "Filen inneholder makroer eller er en makroaktivert arbeidsbok (.xlsm). Lagre arket som "
        "vanlig Excel-arbeidsbok (.xlsx) og last det opp igjen."
    )
