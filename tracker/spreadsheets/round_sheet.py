"""The contact person's sheet for a round: one row per measure their unit reports on, the cells
to fill unlocked and everything else protected, instructions first. ``build_round_sheet`` makes
the bytes; ``tracker/spreadsheets/upload.py`` reads them back by the same column layout.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.spreadsheets.cells import could_run
from tracker.spreadsheets.workbook import cell_text

REPORT_SHEET = "Rapport"
CONTROL_SHEET = "Kontroll"
INDICATOR_SHEET = "Indikatorer"
MILESTONE_SHEET = "Delmål"  # the app's word for milestones
# The report sheet's columns, in order; upload.py reads by these positions.
NUMBER, TITLE, RESPONSIBILITY, REVIEW, STATUS, NARRATIVE, LANGUAGE, UNCHANGED, STAMP = range(1, 10)
FILL_IN = (STATUS, NARRATIVE, LANGUAGE, UNCHANGED)
WIDTHS = {"A": 6, "B": 40, "C": 16, "D": 18, "E": 16, "F": 90, "G": 11, "H": 13, "I": 10}
FILL_COLOUR = PatternFill("solid", fgColor="FFF6D5")  # the cells to fill, told apart
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
# The indicator sheet's columns: one row per indicator of the unit's measures.
(
    I_NUMBER,
    I_MEASURE,
    I_NAME,
    I_UNIT,
    I_PREVIOUS,
    I_VALUE,
    I_PERIOD,
    I_COMMENT,
    I_UNCHANGED,
    I_STAMP,
) = range(1, 11)
I_FILL_IN = (I_VALUE, I_PERIOD, I_COMMENT, I_UNCHANGED)
I_WIDTHS = {"A": 6, "B": 30, "C": 34, "D": 10, "E": 18, "F": 14, "G": 16, "H": 50, "I": 13}
# The milestone sheet's columns: one row per milestone.
M_NUMBER, M_MEASURE, M_TITLE, M_DUE, M_DONE, M_STAMP = range(1, 7)
M_WIDTHS = {"A": 6, "B": 30, "C": 50, "D": 14, "E": 14}
LARGEST_VALUE = 10**15  # tracker.results.parsing.LARGEST: a larger value is a typing error
DATE_FORMAT = "DD.MM.YYYY"
NUMBER_FORMAT = "General"  # the value as typed; a «%» typed in Excel changes it (upload.py)


@dataclass(frozen=True)
class SheetRow:
    number: int
    title: str
    responsibility: str  # "Hovedansvar" or "Medansvar", in the person's language
    review_state: str
    editable: bool
    status: str  # the status's label
    narrative: str
    language: str  # "Bokmål" or "Nynorsk"
    stamp: str


@dataclass(frozen=True)
class RoundSheet:
    round_title: str
    unit_name: str
    deadline: str | None
    status_labels: list[str]
    language_labels: list[str]
    yes: str
    no: str
    sheet_stamp: str
    rows: list[SheetRow]
    indicators: list["IndicatorRow"] = field(default_factory=list)
    milestones: list["MilestoneRow"] = field(default_factory=list)
    first_day: date = date(1900, 1, 1)  # the plan's first day: no milestone is done before it


@dataclass(frozen=True)
class IndicatorRow:
    number: int
    measure_title: str
    name: str
    unit: str
    previous: str  # the last round's value, as a reader reads it («42 (2025)»), or ""
    value: float | None  # this round's, None when there is none or it is carried
    period: str
    comment: str
    unchanged: bool  # «ingen endring»: the last value carried
    editable: bool
    stamp: str


@dataclass(frozen=True)
class MilestoneRow:
    number: int
    measure_title: str
    title: str
    due_on: date
    done_on: date | None
    editable: bool  # open to this round's report (not done by the coordinator or earlier)
    stamp: str


def build_round_sheet(sheet: RoundSheet) -> bytes:
    book = Workbook()
    _instructions(book.active, sheet)
    _report(book.create_sheet(REPORT_SHEET), sheet)
    if sheet.indicators:
        _indicators(book.create_sheet(INDICATOR_SHEET), sheet)
    if sheet.milestones:
        _milestones(book.create_sheet(MILESTONE_SHEET), sheet)
    control = book.create_sheet(CONTROL_SHEET)
    control.append(["stamp", sheet.sheet_stamp])
    control.sheet_state = "veryHidden"  # not even listed in Excel's "Unhide" dialog
    control.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _instructions(page, sheet: RoundSheet) -> None:
    page.title = _("Veiledning")
    page.column_dimensions["A"].width = 110
    lines = [
        (_("Rapportering for %(unit)s", unit=sheet.unit_name), True),
        (sheet.round_title, False),
        (_("Frist: %(date)s", date=sheet.deadline) if sheet.deadline else "", False),
        ("", False),
        (_("Slik fyller du ut arket"), True),
        (
            _(
                "1. Gå til arket «%(sheet)s». Hver rad er et tiltak enheten din rapporterer på.",
                sheet=REPORT_SHEET,
            ),
            False,
        ),
        (
            _(
                "2. Fyll ut de gule cellene: status (velg fra listen), statusbeskrivelse, språk "
                "og «ingen endring». De andre cellene er låst."
            ),
            False,
        ),
        (
            _(
                "3. Svar «%(yes)s» på «ingen endring» for tiltak der ingenting har endret seg "
                "siden forrige runde. Endrer du status eller tekst, la det stå «%(no)s».",
                yes=sheet.yes,
                no=sheet.no,
            ),
            False,
        ),
        (
            _(
                "4. Lagre filen som Excel-arbeidsbok (.xlsx) og last den opp på siden «Last opp "
                "regneark». Du ser hva som endres, før noe lagres."
            ),
            False,
        ),
        (
            _(
                "Har tiltakene indikatorer, står de i arket «%(sheet)s», én rad per indikator: "
                "skriv rundens verdi som et tall (for eksempel 1234,5), hvilken periode den "
                "gjelder og en kommentar, eller svar «%(yes)s» på «ingen endring» for å føre "
                "forrige verdi videre. La verdien stå tom hvis dere ikke har noen verdi.",
                sheet=INDICATOR_SHEET,
                yes=sheet.yes,
            ),
            False,
        ),
        (
            _(
                "Har tiltakene delmål, står de i arket «%(sheet)s»: skriv datoen et delmål ble "
                "nådd (dd.mm.åååå). Delmål som er registrert nådd tidligere, er låst.",
                sheet=MILESTONE_SHEET,
            ),
            False,
        ),
        (
            _(
                "Tekst som begynner med =, + eller - blir lagret som tekst; skriv ikke formler. "
                "En tom linje skiller avsnitt; linjer som begynner med «- » blir punktlister."
            ),
            False,
        ),
        (
            _(
                "Endrer noen en rapport i nettleseren etter at du lastet ned arket, blir raden "
                "vist som en konflikt, og ingen av tekstene blir overskrevet."
            ),
            False,
        ),
        (
            _(
                "Ikke endre tiltaksnumrene eller den skjulte kontrollkolonnen: de knytter raden "
                "til rapporten."
            ),
            False,
        ),
    ]
    for text, bold in lines:
        page.append([cell_text(text)])
        cell = page.cell(row=page.max_row, column=1)
        cell.alignment = WRAP
        if bold:
            cell.font = Font(bold=True, size=13)
    page.protection.sheet = True


def headings() -> list[str]:
    """The report sheet's column headings, in the person's language."""
    return [
        _("Nr."),
        _("Tiltak"),
        _("Ansvar"),
        _("Behandling"),
        _("Status"),
        _("Statusbeskrivelse"),
        _("Språk"),
        _("Ingen endring"),
        _("Kontroll"),
    ]


def _begin(page, titles: list[str], widths: Mapping[str, float], stamp_column: int) -> None:
    """Header in bold, widths, the stamp column hidden, and the header and each row's measure
    number and title kept in view."""
    page.append(titles)
    for cell in page[1]:
        cell.font = Font(bold=True)
        cell.alignment = TOP
    for letter, width in widths.items():
        page.column_dimensions[letter].width = width
    page.column_dimensions[get_column_letter(stamp_column)].hidden = True
    page.freeze_panes = "C2"


def _protect(page) -> None:
    page.protection.sheet = True
    # Resizing rows and columns and filtering stay allowed: only the content is protected.
    page.protection.formatColumns = False
    page.protection.formatRows = False
    page.protection.autoFilter = False


def _fill_in(page, row: int, columns) -> None:
    for column in columns:
        cell = page.cell(row=row, column=column)
        cell.protection = Protection(locked=False)
        cell.fill = FILL_COLOUR


def _own_text(cell, text: str) -> None:
    """The person's own text goes back and forth unchanged: a text cell (never a formula),
    marked the way Excel marks text typed after an apostrophe when it could be read as one."""
    cell.value = cell_text_raw(text)
    cell.data_type = "s"
    cell.quotePrefix = could_run(text)
    cell.alignment = WRAP


def _report(page, sheet: RoundSheet) -> None:
    _begin(page, headings(), WIDTHS, STAMP)
    status = _list_validation(sheet.status_labels, _("Velg en status fra listen."))
    language = _list_validation(sheet.language_labels, _("Velg bokmål eller nynorsk."))
    unchanged = _list_validation([sheet.yes, sheet.no], _("Velg ja eller nei."))
    for validation in (status, language, unchanged):
        page.add_data_validation(validation)
    for index, row in enumerate(sheet.rows, start=2):
        values = {
            NUMBER: row.number,
            TITLE: cell_text(row.title),
            RESPONSIBILITY: row.responsibility,
            REVIEW: row.review_state,
            STATUS: row.status,
            LANGUAGE: row.language,
            UNCHANGED: sheet.no,
            STAMP: row.stamp,
        }
        for column, value in values.items():
            cell = page.cell(row=index, column=column, value=value)
            cell.alignment = WRAP if column == TITLE else TOP
        _own_text(page.cell(row=index, column=NARRATIVE), row.narrative)
        if row.editable:
            _fill_in(page, index, FILL_IN)
            status.add(f"E{index}")
            language.add(f"G{index}")
            unchanged.add(f"H{index}")
    _protect(page)


def indicator_headings() -> list[str]:
    return [
        _("Nr."),
        _("Tiltak"),
        _("Indikator"),
        _("Enhet"),
        _("Forrige verdi"),
        _("Verdi"),
        _("Periode"),
        _("Kommentar"),
        _("Ingen endring"),
        _("Kontroll"),
    ]


def _indicators(page, sheet: RoundSheet) -> None:
    _begin(page, indicator_headings(), I_WIDTHS, I_STAMP)
    number = DataValidation(
        type="decimal",
        operator="between",
        formula1=str(-LARGEST_VALUE),
        formula2=str(LARGEST_VALUE),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Ugyldig verdi"),
        error=_("Skriv verdien som et tall, for eksempel 1234,5."),
    )
    unchanged = _list_validation([sheet.yes, sheet.no], _("Velg ja eller nei."))
    page.add_data_validation(number)
    page.add_data_validation(unchanged)
    for index, row in enumerate(sheet.indicators, start=2):
        values = {
            I_NUMBER: row.number,
            I_MEASURE: cell_text(row.measure_title),
            I_NAME: cell_text(row.name),
            I_UNIT: cell_text(row.unit),
            I_PREVIOUS: row.previous,
            I_VALUE: row.value,
            I_UNCHANGED: sheet.yes if row.unchanged else sheet.no,
            I_STAMP: row.stamp,
        }
        for column, value in values.items():
            cell = page.cell(row=index, column=column, value=value)
            cell.alignment = WRAP if column in (I_MEASURE, I_NAME) else TOP
        page.cell(row=index, column=I_VALUE).number_format = NUMBER_FORMAT
        for column, text in ((I_PERIOD, row.period), (I_COMMENT, row.comment)):
            _own_text(page.cell(row=index, column=column), text)
            # Text format: a period typed as 2026 stays «2026», not a number Excel reformats.
            page.cell(row=index, column=column).number_format = "@"
        if row.editable:
            _fill_in(page, index, I_FILL_IN)
            number.add(page.cell(row=index, column=I_VALUE).coordinate)
            unchanged.add(page.cell(row=index, column=I_UNCHANGED).coordinate)
    _protect(page)


def milestone_headings() -> list[str]:
    return [_("Nr."), _("Tiltak"), _("Delmål"), _("Planlagt"), _("Nådd dato"), _("Kontroll")]


def _milestones(page, sheet: RoundSheet) -> None:
    _begin(page, milestone_headings(), M_WIDTHS, M_STAMP)
    first = sheet.first_day
    done = DataValidation(
        type="date",
        operator="between",
        # From the plan's first day to the day it is typed: never done tomorrow.
        formula1=f"DATE({first.year},{first.month},{first.day})",
        formula2="TODAY()",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Ugyldig dato"),
        error=_(
            "Skriv datoen delmålet ble nådd (dd.mm.åååå), tidligst %(date)s og ikke fram i tid.",
            date=first.strftime("%d.%m.%Y"),
        ),
    )
    page.add_data_validation(done)
    for index, row in enumerate(sheet.milestones, start=2):
        values = {
            M_NUMBER: row.number,
            M_MEASURE: cell_text(row.measure_title),
            M_TITLE: cell_text(row.title),
            M_DUE: row.due_on,
            M_DONE: row.done_on,
            M_STAMP: row.stamp,
        }
        for column, value in values.items():
            cell = page.cell(row=index, column=column, value=value)
            cell.alignment = WRAP if column in (M_MEASURE, M_TITLE) else TOP
        for column in (M_DUE, M_DONE):
            page.cell(row=index, column=column).number_format = DATE_FORMAT
        if row.editable:
            _fill_in(page, index, (M_DONE,))
            done.add(page.cell(row=index, column=M_DONE).coordinate)
    _protect(page)


def cell_text_raw(text: str) -> str:
    """The text without the control characters an XLSX cannot hold, otherwise as it is."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _list_validation(choices: list[str], error: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle=_("Ugyldig verdi"),
        error=error,
    )
