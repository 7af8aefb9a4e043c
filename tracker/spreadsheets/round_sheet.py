"""The contact person's sheet for a round: one row per measure their unit reports on, the cells
to fill unlocked and everything else protected, instructions first. ``build_round_sheet`` makes
the bytes; ``tracker/spreadsheets/upload.py`` reads them back by the same column layout.
"""

import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.spreadsheets.cells import could_run
from tracker.spreadsheets.workbook import cell_text

REPORT_SHEET = "Rapport"
CONTROL_SHEET = "Kontroll"
# The report sheet's columns, in order; upload.py reads by these positions.
NUMBER, TITLE, RESPONSIBILITY, REVIEW, STATUS, NARRATIVE, LANGUAGE, UNCHANGED, STAMP = range(1, 10)
FILL_IN = (STATUS, NARRATIVE, LANGUAGE, UNCHANGED)
WIDTHS = {"A": 6, "B": 40, "C": 16, "D": 18, "E": 16, "F": 90, "G": 11, "H": 13, "I": 10}
FILL_COLOUR = PatternFill("solid", fgColor="FFF6D5")  # the cells to fill, told apart
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


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


def build_round_sheet(sheet: RoundSheet) -> bytes:
    book = Workbook()
    _instructions(book.active, sheet)
    _report(book.create_sheet(REPORT_SHEET), sheet)
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


def _report(page, sheet: RoundSheet) -> None:
    page.append(headings())
    for cell in page[1]:
        cell.font = Font(bold=True)
        cell.alignment = TOP
    for letter, width in WIDTHS.items():
        page.column_dimensions[letter].width = width
    page.column_dimensions["I"].hidden = True
    page.freeze_panes = "C2"  # the header and each row's number and title stay in view
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
        # The person's own text goes back and forth unchanged: a text cell (never a formula),
        # marked the way Excel marks text typed after an apostrophe when it could be read as one.
        narrative = page.cell(row=index, column=NARRATIVE)
        narrative.value = cell_text_raw(row.narrative)
        narrative.data_type = "s"
        narrative.quotePrefix = could_run(row.narrative)
        narrative.alignment = WRAP
        if row.editable:
            for column in FILL_IN:
                page.cell(row=index, column=column).protection = Protection(locked=False)
                page.cell(row=index, column=column).fill = FILL_COLOUR
            status.add(f"E{index}")
            language.add(f"G{index}")
            unchanged.add(f"H{index}")
    page.protection.sheet = True
    # Resizing rows and columns and filtering stay allowed: only the content is protected.
    page.protection.formatColumns = False
    page.protection.formatRows = False
    page.protection.autoFilter = False


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
