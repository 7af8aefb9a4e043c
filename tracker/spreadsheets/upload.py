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
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook

from tracker.i18n import SUPPORTED_LOCALES
from tracker.narrative import clean_text
from tracker.reporting.states import Status
from tracker.results.parsing import ParseError, parse_date, parse_number
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
    sheet: str = layout.REPORT_SHEET  # the sheet's name, as Excel shows it on its tab


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
class UploadedIndicator:
    row: int
    number: int
    value: float | None
    period: str
    comment: str
    unchanged: bool
    stamp: str


@dataclass
class UploadedMilestone:
    row: int
    number: int
    done_on: date | None
    stamp: str


@dataclass
class ParsedSheet:
    sheet_stamp: str
    rows: list[UploadedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    indicators: list[UploadedIndicator] = field(default_factory=list)
    milestones: list[UploadedMilestone] = field(default_factory=list)

    def has_problem(self, sheet: str, row: int) -> bool:
        return any(p.sheet == sheet and p.row == row for p in self.problems)


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
        vocabulary = _Vocabulary()
        _read_rows(book[layout.REPORT_SHEET], parsed, vocabulary, narrative_limit)
        # A sheet without indicators or milestones has no such sheets (nor one downloaded
        # before they were added): nothing to read there.
        if layout.INDICATOR_SHEET in book.sheetnames:
            _read_indicators(book[layout.INDICATOR_SHEET], parsed, vocabulary)
        if layout.MILESTONE_SHEET in book.sheetnames:
            _read_milestones(book[layout.MILESTONE_SHEET], parsed)
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


def _rows(page, parsed: ParsedSheet, sheet: str, headings: list[str]):
    """(row number, cells, values) of each filled row of a sheet, counted as they stream (a
    sheet past MAX_ROWS is refused whole); a row with a formula is a problem, not yielded."""
    count = 0
    for cells in page.iter_rows(min_row=2, max_col=len(headings)):
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
                        sheet,
                    )
                )
            continue
        yield row_number, cells, values


def _read_rows(page, parsed: ParsedSheet, vocabulary, narrative_limit: int) -> None:
    headings = layout.headings()
    for row_number, _cells, values in _rows(page, parsed, layout.REPORT_SHEET, headings):
        _read_row(row_number, values, parsed, headings, vocabulary, narrative_limit)


PERIOD_LIMIT, COMMENT_LIMIT = 50, 2000  # the results form's limits


def _read_indicators(page, parsed: ParsedSheet, vocabulary) -> None:
    headings = layout.indicator_headings()
    for row_number, cells, values in _rows(page, parsed, layout.INDICATOR_SHEET, headings):

        def problem(column: int, message: str, row_number=row_number) -> None:
            parsed.problems.append(
                Problem(row_number, headings[column - 1], message, layout.INDICATOR_SHEET)
            )

        number = _integer(values.get(layout.I_NUMBER))
        if number is None:
            problem(layout.I_NUMBER, _("Tiltaksnummeret mangler eller er ikke et tall."))
            continue
        try:
            value = _number(values.get(layout.I_VALUE), cells[layout.I_VALUE - 1])
        except ParseError as refused:
            problem(layout.I_VALUE, str(refused.message))
            value = None
        period = clean_text(_text(values.get(layout.I_PERIOD))).strip()
        comment = clean_text(_text(values.get(layout.I_COMMENT))).strip()
        for column, text, limit in (
            (layout.I_PERIOD, period, PERIOD_LIMIT),
            (layout.I_COMMENT, comment, COMMENT_LIMIT),
        ):
            _check_length(problem, column, text, limit)
        unchanged = vocabulary.yes_no(values.get(layout.I_UNCHANGED))
        if unchanged is None:
            problem(layout.I_UNCHANGED, _("Svar ja eller nei på «ingen endring»."))
        parsed.indicators.append(
            UploadedIndicator(
                row=row_number,
                number=number,
                value=value,
                period=period,
                comment=comment,
                unchanged=bool(unchanged),
                stamp=_text(values.get(layout.I_STAMP)),
            )
        )


def _read_milestones(page, parsed: ParsedSheet) -> None:
    headings = layout.milestone_headings()
    for row_number, _cells, values in _rows(page, parsed, layout.MILESTONE_SHEET, headings):
        number = _integer(values.get(layout.M_NUMBER))
        try:
            if number is None:
                raise ParseError(_("Tiltaksnummeret mangler eller er ikke et tall."))
            done_on = _date(values.get(layout.M_DONE))
        except ParseError as refused:
            column = layout.M_NUMBER if number is None else layout.M_DONE
            parsed.problems.append(
                Problem(
                    row_number, headings[column - 1], str(refused.message), layout.MILESTONE_SHEET
                )
            )
            continue
        parsed.milestones.append(
            UploadedMilestone(
                row=row_number,
                number=number,
                done_on=done_on,
                stamp=_text(values.get(layout.M_STAMP)),
            )
        )


def _number(value, cell) -> float | None:
    """A value cell: a number as Excel stores it, or text as a person types it («1 234,5»)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ParseError(_("Skriv verdien som et tall, for eksempel 1234,5."))
    if isinstance(value, int | float):
        # «12 %» typed in Excel is stored as 0.12 shown as a percentage; the person meant 12.
        if "%" in (getattr(cell, "number_format", "") or ""):
            return round(float(value) * 100, 10)
        return float(value)
    return parse_number(str(value))


def _date(value) -> date | None:
    """A date cell: a date as Excel stores it, or text (31.12.2026 or 2026-12-31). Whether it
    lies in the plan's period is for reconcile.py, which knows the plan."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value, 1)
    raise ParseError(_("Skriv datoen delmålet ble nådd som dd.mm.åååå, for eksempel 31.12.2026."))


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
    _check_length(problem, layout.NARRATIVE, narrative, narrative_limit)
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


def _check_length(problem, column: int, text: str, limit: int) -> None:
    if len(text) > limit:
        problem(
            column,
            _(
                "Teksten er %(length)d tegn. Den kan være på høyst %(limit)d tegn; korter den inn.",
                length=len(text),
                limit=limit,
            ),
        )


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
