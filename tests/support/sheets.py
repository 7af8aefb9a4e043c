"""Helpers for the spreadsheet tests: a round for a unit opened the way a coordinator opens it,
a sheet edited the way a person edits it in Excel (openpyxl), and the upload and confirm forms."""

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

from openpyxl import load_workbook

from tests.factories import (
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
    UnitFactory,
)
from tests.support.workflow import csrf_token, make_user
from tracker.extensions import db
from tracker.models import Role
from tracker.reporting.operations import open_round
from tracker.reporting.states import ReviewState, RoundState
from tracker.spreadsheets import round_sheet as layout

COLUMN = {"status": layout.STATUS, "narrative": layout.NARRATIVE, "language": layout.LANGUAGE}
COLUMN |= {"unchanged": layout.UNCHANGED, "number": layout.NUMBER, "stamp": layout.STAMP}


@dataclass
class SheetWorld:
    reporting_round: object
    unit: object
    other_unit: object
    contact: object
    other_contact: object
    coordinator: object
    measures: dict  # number → measure (1, 2, 3 the unit's; 3 led by the other unit; 4 not)

    @property
    def base(self) -> str:
        return f"/rapportering/{self.reporting_round.slug}"


def build_sheet_world(measure_count: int = 3) -> SheetWorld:
    unit = UnitFactory(abbreviation="KUD", name="Kultur- og likestillingsdepartementet")
    other = UnitFactory(abbreviation="JD", name="Justis- og beredskapsdepartementet")
    area = AreaFactory(plan=PlanFactory())
    measures = {}
    for number in range(1, measure_count + 1):
        owners = [other, unit] if number == 3 else [unit]
        measures[number] = MeasureFactory(
            number=number, area=area, title=f"Tiltak {number} om æøå", units=owners
        )
    measures[99] = MeasureFactory(number=99, area=area, title="Et annet tiltak", units=[other])
    # Last year's published round: the new round's drafts carry its texts, as in real life.
    published = RoundFactory(slug="host-2026", as_of=date(2026, 10, 1), state=RoundState.PUBLISHED)
    for number, measure in measures.items():
        ReportFactory(
            round=published,
            measure=measure,
            narrative=f"Status i fjor for tiltak {number}.",
            review_state=ReviewState.APPROVED,
        )
    coordinator = make_user(Role.COORDINATOR)
    reporting_round = open_round(
        PlanFactory(), "var-2027", "Vår 2027", date(2027, 3, 1), None, coordinator
    )
    world = SheetWorld(
        reporting_round=reporting_round,
        unit=unit,
        other_unit=other,
        contact=make_user(Role.CONTACT, unit=unit),
        other_contact=make_user(Role.CONTACT, unit=other),
        coordinator=coordinator,
        measures=measures,
    )
    db.session.commit()
    return world


def edit_sheet(body: bytes, rows: dict[int, dict], add: list[dict] | None = None) -> bytes:
    """The sheet with the rows of these measure numbers changed, as a person would in Excel."""
    book = load_workbook(io.BytesIO(body))
    page = book[layout.REPORT_SHEET]
    by_number = {page.cell(row=r, column=1).value: r for r in range(2, page.max_row + 1)}
    for number, values in rows.items():
        for name, value in values.items():
            page.cell(row=by_number[number], column=COLUMN[name], value=value)
    for values in add or []:
        row = page.max_row + 1
        for name, value in values.items():
            page.cell(row=row, column=COLUMN[name], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_member(body: bytes, name: str, content: bytes) -> bytes:
    """The XLSX with one part of its zip replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def upload(client, world: SheetWorld, body: bytes, filename="ark.xlsx", submit=False):
    data = {
        "csrf_token": csrf_token(client, world.base + "/regneark"),
        "sheet": (io.BytesIO(body), filename),
    }
    if submit:
        data["submit_reports"] = "y"
    return client.post(world.base + "/regneark", data=data, content_type="multipart/form-data")


def confirm(client, world: SheetWorld, preview_page: str):
    upload_id = re.search(r'name="upload"[^>]*value="(\d+)"', preview_page).group(1)
    fingerprint = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]+)"', preview_page).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', preview_page).group(1)
    return client.post(
        world.base + "/regneark/bekreft",
        data={"csrf_token": token, "upload": upload_id, "fingerprint": fingerprint},
    )


INDICATOR_COLUMN = {
    "number": layout.I_NUMBER,
    "value": layout.I_VALUE,
    "period": layout.I_PERIOD,
    "comment": layout.I_COMMENT,
    "unchanged": layout.I_UNCHANGED,
    "stamp": layout.I_STAMP,
}
MILESTONE_COLUMN = {"number": layout.M_NUMBER, "done": layout.M_DONE, "stamp": layout.M_STAMP}


def edit_results(
    body: bytes,
    indicators: dict[str, dict] | None = None,
    milestones: dict[str, dict] | None = None,
    formats: dict[str, str] | None = None,
) -> bytes:
    """The sheet with indicator rows (by the indicator's name) and milestone rows (by title)
    changed, as a person would in Excel; ``formats``: a number format per indicator's value
    cell (Excel sets «0%» when «12 %» is typed)."""
    book = load_workbook(io.BytesIO(body))
    for sheet_name, name_column, columns, rows in (
        (layout.INDICATOR_SHEET, layout.I_NAME, INDICATOR_COLUMN, indicators or {}),
        (layout.MILESTONE_SHEET, layout.M_TITLE, MILESTONE_COLUMN, milestones or {}),
    ):
        if not rows:
            continue
        page = book[sheet_name]
        by_name = {
            page.cell(row=r, column=name_column).value: r for r in range(2, page.max_row + 1)
        }
        for name, values in rows.items():
            for field_name, value in values.items():
                page.cell(row=by_name[name], column=columns[field_name], value=value)
    for name, number_format in (formats or {}).items():
        page = book[layout.INDICATOR_SHEET]
        for r in range(2, page.max_row + 1):
            if page.cell(row=r, column=layout.I_NAME).value == name:
                page.cell(row=r, column=layout.I_VALUE).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_rows(body: bytes, sheet_name: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(body))
    return list(book[sheet_name].iter_rows(min_row=2, values_only=True))
