"""A plan as a spreadsheet: the template a coordinator downloads, and the reader that turns a
filled-in copy into the plan file's data (``tracker/plan/validation.py`` then checks it like any
plan file, and every problem is named by sheet and row).

Free of Flask. An uploaded file is hostile until proven otherwise: its size is checked before a
byte is read, its content is sniffed (an XLSX is a ZIP), the ZIP's uncompressed size is capped
before anything is parsed, openpyxl reads it in read-only mode with defusedxml (it uses it
whenever it is installed), a sheet may have at most MAX_ROWS rows, and a formula is refused,
never evaluated.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from tracker.ministries.models import UnitKind
from tracker.plan.validation import PlanProblem

# A plan of a few hundred measures is well under a megabyte as XLSX.
MAX_SPREADSHEET_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 5000
ZIP_MAGIC = b"PK\x03\x04"

PLAN_SHEET = "Plan"
AREA_SHEET = "Hovedområder"
UNIT_SHEET = "Enheter"
MEASURE_SHEET = "Tiltak"

# The plan sheet: one field per row (label in column A, value in column B).
PLAN_FIELDS = {
    "Kortnavn": "slug",
    "Tittel": "title",
    "Tittel på nynorsk": "title_nn",
    "Tittel på engelsk": "title_en",
    "Periode": "period",
    "Eier": "owner",
    "Innledning": "intro",
    "Språk": "default_language",
}
# The list sheets: column headers (row 1) and the plan file's field for each.
COLUMNS = {
    AREA_SHEET: {"Nøkkel": "key", "Navn": "name", "Navn på engelsk": "name_en"},
    UNIT_SHEET: {"Forkortelse": "abbreviation", "Navn": "name", "Type": "kind"},
    MEASURE_SHEET: {
        "Nummer": "number",
        "Hovedområde": "area",
        "Tittel": "title",
        "Beskrivelse": "description",
        "Ansvarlige": "units",
        "Merknad": "note",
    },
}
REQUIRED_SHEETS = (PLAN_SHEET, AREA_SHEET, UNIT_SHEET, MEASURE_SHEET)
# The plan file's list each sheet fills, and the noun the validation uses for its items.
LISTS = {AREA_SHEET: "areas", UNIT_SHEET: "units", MEASURE_SHEET: "measures"}

EXAMPLE: dict[str, list[tuple]] = {
    PLAN_SHEET: [
        ("Kortnavn", "oslo-mot-rasisme-2025-2028"),
        ("Tittel", "Oslo kommunes handlingsplan mot rasisme 2025–2028"),
        ("Tittel på nynorsk", ""),
        ("Tittel på engelsk", ""),
        ("Periode", "2025–2028"),
        ("Eier", "Oslo kommune"),
        ("Innledning", "Denne siden viser status for tiltakene i planen."),
        ("Språk", "nb"),
    ],
    AREA_SHEET: [("skole", "Skole og barnehage", "School and kindergarten")],
    UNIT_SHEET: [("UDE", "Utdanningsetaten", UnitKind.MUNICIPAL_AGENCY.value)],
    MEASURE_SHEET: [
        (1, "skole", "Kurs for lærere", "Alle skoler skal tilby kurs.", "UDE", ""),
    ],
}


@dataclass
class SpreadsheetProblems(Exception):
    """The file cannot be read as a plan spreadsheet; each problem names sheet and row."""

    problems: list[str] = field(default_factory=list)


@dataclass
class Rows:
    """Where each item of the plan file came from: sheet rows by list index and by key."""

    by_index: dict[str, list[int]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], list[int]] = field(default_factory=dict)


def template() -> bytes:
    """The template to download: the four sheets with their headers and one example row each."""
    workbook = Workbook()
    plan_sheet = workbook.worksheets[0]  # a new workbook has one sheet
    plan_sheet.title = PLAN_SHEET
    plan_sheet.append(["Felt", "Verdi"])
    for row in EXAMPLE[PLAN_SHEET]:
        plan_sheet.append(list(row))
    for name in (AREA_SHEET, UNIT_SHEET, MEASURE_SHEET):
        sheet = workbook.create_sheet(name)
        sheet.append(list(COLUMNS[name]))
        for row in EXAMPLE[name]:
            sheet.append(list(row))
    kinds = workbook.create_sheet("Typer enheter")
    kinds.append(["Type", "Betyr"])
    for kind in UnitKind:
        kinds.append([kind.value, kind.label])
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 40
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def read_plan_spreadsheet(content: bytes) -> tuple[dict, Rows]:
    """The plan file's data from the spreadsheet, and where each item came from; raises
    SpreadsheetProblems naming sheet and row when the file is not a readable plan sheet."""
    if len(content) > MAX_SPREADSHEET_BYTES:
        raise SpreadsheetProblems([too_large_message(len(content))])
    if not content.startswith(ZIP_MAGIC):
        raise SpreadsheetProblems(["Filen er ikke et Excel-regneark (XLSX)."])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetProblems(
                ["Regnearket pakker seg ut til mer enn 100 MB og blir ikke lest."]
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except SpreadsheetProblems:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise SpreadsheetProblems(
            [f"Filen kunne ikke leses som et Excel-regneark (XLSX): {type(error).__name__}."]
        ) from error
    try:
        return _read(workbook)
    finally:
        workbook.close()


def too_large_message(size: int) -> str:
    return (
        f"Filen er på {size / 1024 / 1024:.0f} MB; et regneark med en plan kan være på høyst "
        f"{MAX_SPREADSHEET_BYTES // 1024 // 1024} MB. Ingenting er lagret."
    )


def _read(workbook) -> tuple[dict, Rows]:
    problems: list[str] = []
    missing = [name for name in REQUIRED_SHEETS if name not in workbook.sheetnames]
    if missing:
        raise SpreadsheetProblems(
            [
                "Regnearket mangler arket "
                + ", ".join(f"«{name}»" for name in missing)
                + ". Last ned malen og fyll den ut."
            ]
        )
    rows = Rows()
    data: dict[str, Any] = {"plan": _read_plan(workbook[PLAN_SHEET], problems)}
    for sheet_name, list_name in LISTS.items():
        items, numbers = _read_list(workbook[sheet_name], sheet_name, problems)
        data[list_name] = items
        rows.by_index[list_name] = numbers
        key_field = {"areas": "key", "units": "abbreviation", "measures": "number"}[list_name]
        for item, row in zip(items, numbers, strict=True):
            rows.by_key.setdefault((list_name, str(item.get(key_field))), []).append(row)
    if problems:
        raise SpreadsheetProblems(problems)
    return data, rows


def _cells(sheet: Worksheet, sheet_name: str, problems: list[str]):
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 1:
            problems.append(f"arket «{sheet_name}» har mer enn {MAX_ROWS} rader")
            return
        if any(isinstance(value, str) and value.startswith("=") for value in row):
            problems.append(
                f"arket «{sheet_name}», rad {number}: inneholder en formel; skriv verdien i "
                "stedet (formler blir aldri regnet ut)"
            )
            continue
        yield number, [_text(value) for value in row]


def _text(value) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _read_plan(sheet: Worksheet, problems: list[str]) -> dict:
    plan: dict[str, Any] = {}
    for number, values in _cells(sheet, PLAN_SHEET, problems):
        if number == 1 or not values or values[0] in ("", None):
            continue
        label = str(values[0])
        value = values[1] if len(values) > 1 else ""
        if label not in PLAN_FIELDS:
            problems.append(
                f"arket «{PLAN_SHEET}», rad {number}: ukjent felt «{label}» (kjente felt: "
                + ", ".join(PLAN_FIELDS)
                + ")"
            )
            continue
        if value != "":
            plan[PLAN_FIELDS[label]] = value if PLAN_FIELDS[label] != "period" else str(value)
    return plan


def _read_list(sheet: Worksheet, sheet_name: str, problems: list[str]):
    columns = COLUMNS[sheet_name]
    header: list = []
    items: list[dict] = []
    numbers: list[int] = []
    for number, values in _cells(sheet, sheet_name, problems):
        if number == 1:
            header = [str(value) for value in values]
            unknown = [name for name in header if name and name not in columns]
            absent = [name for name in columns if name not in header and name != "Merknad"]
            if unknown or absent:
                problems.append(
                    f"arket «{sheet_name}», rad 1: kolonnene må hete "
                    + ", ".join(f"«{name}»" for name in columns)
                )
                return items, numbers
            continue
        if all(value in ("", None) for value in values):
            continue
        item = {}
        for name, value in zip(header, values, strict=False):
            if name in columns and value != "":
                item[columns[name]] = value
        if sheet_name == MEASURE_SHEET:
            item["units"] = _split(item.get("units", ""))
            areas = _split(item.get("area", ""))
            item["area"] = areas if len(areas) > 1 else (areas[0] if areas else None)
        items.append(item)
        numbers.append(number)
    return items, numbers


def _split(value) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


# --- Problems named by sheet and row -----------------------------------------------------------

_WHERE = [
    (re.compile(r"^område nr\. (\d+) i «areas»$"), AREA_SHEET, "areas", "index"),
    (re.compile(r"^område «(.*)»$"), AREA_SHEET, "areas", "key"),
    (re.compile(r"^enhet nr\. (\d+) i «(?:units|ministries)»$"), UNIT_SHEET, "units", "index"),
    (re.compile(r"^enhet «(.*)»$"), UNIT_SHEET, "units", "key"),
    (re.compile(r"^tiltak nr\. (\d+) i «measures»$"), MEASURE_SHEET, "measures", "index"),
    (re.compile(r"^tiltak (\d+)$"), MEASURE_SHEET, "measures", "key"),
]
_SHEET_OF = {
    "plan": PLAN_SHEET,
    "areas": AREA_SHEET,
    "units": UNIT_SHEET,
    "ministries": UNIT_SHEET,
    "measures": MEASURE_SHEET,
}
# The plan file's field names, as the sheets' columns call them.
_COLUMN_OF = {
    "slug": "Kortnavn",
    "title": "Tittel",
    "owner": "Eier",
    "intro": "Innledning",
    "default_language": "Språk",
    "key": "Nøkkel",
    "name": "Navn",
    "name_en": "Navn på engelsk",
    "abbreviation": "Forkortelse",
    "kind": "Type",
    "number": "Nummer",
    "area": "Hovedområde",
    "description": "Beskrivelse",
    "units": "Ansvarlige",
    "note": "Merknad",
}
_FIELD = re.compile("«(" + "|".join(_COLUMN_OF) + ")»")


def problem_in_sheet(problem: PlanProblem, rows: Rows) -> str:
    """The validation's problem, named by the sheet and row it came from."""
    message = _FIELD.sub(lambda match: f"«{_COLUMN_OF[match.group(1)]}»", problem.message)
    if problem.where != "plan":  # the plan sheet has a row per field; the others columns
        message = message.replace("feltet «", "kolonnen «")
    for pattern, sheet, list_name, kind in _WHERE:
        match = pattern.match(problem.where)
        if match is None:
            continue
        if kind == "index":
            index = int(match.group(1)) - 1
            numbers = rows.by_index.get(list_name, [])
            found = [numbers[index]] if 0 <= index < len(numbers) else []
        else:
            found = rows.by_key.get((list_name, match.group(1)), [])
        place = f"arket «{sheet}», " + (
            "rad " + " og ".join(str(number) for number in found) if found else "en rad"
        )
        return f"{place} ({problem.where}): {message}"
    plan_sheet = _SHEET_OF.get(problem.where)
    if plan_sheet is not None:
        return f"arket «{plan_sheet}»: {message}"
    return str(problem)
