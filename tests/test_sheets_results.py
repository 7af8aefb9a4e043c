"""Indicator values and milestone dates in a contact person's round sheet: the sheets
«Indikatorer» and «Delmål» downloaded, filled in with openpyxl as in Excel, uploaded,
previewed (old → new), confirmed in the reports' one transaction, and public once published;
every bad cell refused with its sheet, row and column and nothing changed; a value saved in
the browser after the download shown as a conflict. Two plans, two rounds."""

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import (
    AreaFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MilestoneFactory,
    PlanFactory,
)
from tests.support.public_helpers import PLAN_ONE
from tests.support.sheets import (
    build_sheet_world,
    confirm,
    edit_results,
    edit_sheet,
    sheet_rows,
    upload,
)
from tests.support.workflow import audit_events
from tracker.extensions import db
from tracker.models import MeasureReport, ReportingRound
from tracker.reporting.operations import approve_report, close_round, open_round, publish_round
from tracker.reporting.states import ReviewState
from tracker.results.models import IndicatorValue, Milestone
from tracker.results.operations import ValueInput, remove_indicator, save_results
from tracker.spreadsheets import round_sheet as layout

COUNT, SHARE = "Kommuner med plan", "Andel ansatte med opplæring"
GUIDE, SURVEY, DONE_BEFORE = "Veileder sendt på høring", "Kartlegging ferdig", "Nettside lansert"


@pytest.fixture
def world(app):
    world = build_sheet_world()
    one, two = world.measures[1], world.measures[2]
    last_year = db.session.scalar(
        select(MeasureReport)
        .join(ReportingRound)
        .where(MeasureReport.measure_id == one.id, ReportingRound.slug == "host-2026")
    )
    world.count = IndicatorFactory(measure=one, name=COUNT, unit="antall")
    world.share = IndicatorFactory(measure=one, name=SHARE, unit="prosent")
    # Round 1 (published): 42 municipalities in 2025. The round-2 sheet must leave it be.
    IndicatorValueFactory(report=last_year, indicator=world.count, value=42.0, period="2025")
    world.guide = MilestoneFactory(measure=one, title=GUIDE, due_on=date(2026, 9, 1))
    world.survey = MilestoneFactory(measure=two, title=SURVEY, due_on=date(2026, 5, 1))
    world.done_before = MilestoneFactory(
        measure=two, title=DONE_BEFORE, due_on=date(2025, 1, 1), done_on=date(2025, 1, 10)
    )
    db.session.commit()
    return world


@pytest.fixture
def sheet(client, login, world):
    login(world.contact)
    response = client.get(world.base + "/regneark.xlsx")
    assert response.status_code == 200
    return response.data


def stored(world) -> dict:
    """Every indicator value and milestone date, as a reader of the database sees them."""
    db.session.expire_all()
    values = {
        (v.indicator.name, v.round.slug): (v.value, v.period, v.comment, v.carried)
        for v in db.session.scalars(select(IndicatorValue))
    }
    milestones = {
        m.title: (m.done_on, m.done_report_id) for m in db.session.scalars(select(Milestone))
    }
    return {"values": values, "milestones": milestones}


def report_of(world, number: int) -> MeasureReport:
    db.session.expire_all()
    return next(r for r in world.reporting_round.reports if r.measure.number == number)


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_sheet_has_a_row_per_indicator_and_milestone_unlocked_only_where_to_fill(world, sheet):
    book = load_workbook(io.BytesIO(sheet))
    assert book.sheetnames[:4] == ["Veiledning", "Rapport", "Indikatorer", "Delmål"]
    assert any("Indikatorer" in (row[0] or "") for row in book["Veiledning"].values)
    indicators = book[layout.INDICATOR_SHEET]
    rows = sheet_rows(sheet, layout.INDICATOR_SHEET)
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (1, COUNT, "antall", "42 (2025)"),  # last round's value beside the cell to fill
        (1, SHARE, "prosent", None),
    ]
    assert indicators.protection.sheet and indicators.column_dimensions["J"].hidden
    value = indicators.cell(row=2, column=layout.I_VALUE)
    assert not value.protection.locked
    assert indicators.cell(row=2, column=layout.I_NAME).protection.locked
    kinds = {v.type for v in indicators.data_validations.dataValidation}
    assert kinds == {"decimal", "list"}
    milestones = book[layout.MILESTONE_SHEET]
    rows = sheet_rows(sheet, layout.MILESTONE_SHEET)
    assert [(r[0], r[2], r[4]) for r in rows] == [
        (1, GUIDE, None),
        (2, DONE_BEFORE, datetime(2025, 1, 10)),
        (2, SURVEY, None),
    ]
    # Done by the coordinator: shown, locked. Open ones: a date to fill, validated as a date.
    assert milestones.cell(row=3, column=layout.M_DONE).protection.locked
    assert not milestones.cell(row=4, column=layout.M_DONE).protection.locked
    (dates,) = milestones.data_validations.dataValidation
    assert dates.type == "date" and dates.formula1 == "DATE(2024,1,1)"


def test_values_and_dates_are_previewed_then_saved_in_the_round_with_the_reports(
    client, world, sheet
):
    before = stored(world)
    edited = edit_results(
        edit_sheet(sheet, {1: {"narrative": "Ny tekst fra arket."}}),
        indicators={
            COUNT: {"value": 1234.5, "period": "2026", "comment": "Tall fra KS."},
            # «12 %» typed in Excel: stored as 0.12 shown as a percentage.
            SHARE: {"value": 0.12, "period": "2026"},
        },
        milestones={SURVEY: {"done": datetime(2026, 11, 20)}},
        formats={SHARE: "0%"},
    )
    response = upload(client, world, edited)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 indikatorverdier og delmål blir endret" in page
    words = text_of(page)
    assert "ingen verdi 1 234,5 antall (2026)" in words
    assert "ingen verdi 12 % (2026)" in words
    assert "ikke nådd 20.11.2026" in words
    assert stored(world) == before  # nothing until confirmed

    response = confirm(client, world, page)
    assert response.status_code == 302
    after = stored(world)
    assert after["values"][(COUNT, "var-2027")] == (1234.5, "2026", "Tall fra KS.", False)
    assert after["values"][(SHARE, "var-2027")] == (12.0, "2026", "", False)
    assert after["values"][(COUNT, "host-2026")] == (42.0, "2025", "", False)  # round 1 kept
    report_two = report_of(world, 2)
    assert after["milestones"][SURVEY] == (date(2026, 11, 20), report_two.id)
    (event,) = audit_events("sheet_uploaded")
    assert event.details["results_changed"] == 3 and event.details["measures"] == [1, 2]
    # The results form shows what the sheet saved.
    results = client.get(world.base + "/tiltak/1/resultater").get_data(as_text=True)
    assert re.search(r'value="1\s234,5"', results)


def test_ingen_endring_carries_last_rounds_value(client, world, sheet):
    edited = edit_results(sheet, indicators={COUNT: {"unchanged": "Ja"}})
    page = upload(client, world, edited).get_data(as_text=True)
    assert "ingen verdi ingen endring: 42" in text_of(page)
    confirm(client, world, page)
    assert stored(world)["values"][(COUNT, "var-2027")] == (42.0, "2025", "", True)


def test_a_value_sent_in_from_the_sheet_is_public_once_approved_and_published(client, world, sheet):
    edited = edit_results(
        edit_sheet(sheet, {1: {"narrative": "Planen er fulgt opp."}}),
        indicators={COUNT: {"value": 57, "period": "2026"}},
    )
    page = upload(client, world, edited, submit=True).get_data(as_text=True)
    assert confirm(client, world, page).status_code == 302
    db.session.expire_all()
    report = report_of(world, 1)
    assert report.review_state == ReviewState.SUBMITTED
    approve_report(report, world.coordinator)
    close_round(world.reporting_round, world.coordinator, before_deadline_confirmed=True)
    publish_round(world.reporting_round, world.coordinator)
    db.session.commit()
    public = text_of(client.get(PLAN_ONE + "/tiltak/1").get_data(as_text=True))
    assert "57 av 60" in public  # the progress sentence towards the target


BAD_CELLS = {
    "not a number": (
        {"indicators": {COUNT: {"value": "mange"}}},
        "Indikatorer",
        "Verdi",
        "«mange» er ikke et tall",
    ),
    "a formula": (
        {"indicators": {COUNT: {"value": "=40+2"}}},
        "Indikatorer",
        "Verdi",
        "Cellen inneholder en formel (=40+2)",
    ),
    "a value and «ingen endring»": (
        {"indicators": {COUNT: {"value": 50, "unchanged": "Ja"}}},
        "Indikatorer",
        "Ingen endring",
        "Du har svart ja på «ingen endring» og skrevet en ny verdi",
    ),
    "«ingen endring» with nothing to carry": (
        {"indicators": {SHARE: {"unchanged": "Ja"}}},
        "Indikatorer",
        "Ingen endring",
        "«Ingen endring» trenger en verdi fra en tidligere runde",
    ),
    "a period too long": (
        {"indicators": {COUNT: {"value": 50, "period": "x" * 51}}},
        "Indikatorer",
        "Periode",
        "Teksten er 51 tegn",
    ),
    "an edited stamp": (
        {"indicators": {COUNT: {"value": 50, "stamp": "999:abc:def"}}},
        "Indikatorer",
        "Kontroll",
        "Kontrollfeltet i raden er endret eller mangler",
    ),
    "another unit's measure": (
        {"indicators": {COUNT: {"number": 99, "value": 5}}},
        "Indikatorer",
        "Nr.",
        "Tiltak 99 er ikke et av tiltakene enheten din rapporterer på i denne runden.",
    ),
    "a milestone of another measure": (
        {"milestones": {GUIDE: {"number": 2, "done": datetime(2026, 11, 1)}}},
        "Delmål",
        "Nr.",
        "Raden hører til tiltak 1, ikke tiltak 2",
    ),
    "a date before the plan": (
        {"milestones": {SURVEY: {"done": datetime(2020, 1, 1)}}},
        "Delmål",
        "Nådd dato",
        "Datoen 01.01.2020 er før planperioden (2024–2027)",
    ),
    "a date in the future": (
        {"milestones": {SURVEY: {"done": "31.12.2030"}}},
        "Delmål",
        "Nådd dato",
        "Datoen 31.12.2030 er fram i tid",
    ),
    "not a date": (
        {"milestones": {SURVEY: {"done": "i fjor"}}},
        "Delmål",
        "Nådd dato",
        "«i fjor» er ikke en dato",
    ),
    "a milestone done by the coordinator": (
        {"milestones": {DONE_BEFORE: {"done": datetime(2025, 2, 1)}}},
        "Delmål",
        "Nådd dato",
        "registrert nådd av koordinatoren eller i en tidligere runde",
    ),
}


@pytest.mark.parametrize("case", BAD_CELLS, ids=list(BAD_CELLS))
def test_a_bad_cell_is_listed_with_sheet_row_and_column_and_nothing_changes(
    client, world, sheet, case
):
    edits, sheet_name, column, message = BAD_CELLS[case]
    before = stored(world)
    # A good change beside the bad one: it is not applied either.
    edited = edit_results(edit_sheet(sheet, {2: {"narrative": "Endret."}}), **edits)
    page = upload(client, world, edited).get_data(as_text=True)
    problems = re.search(r'<table[^>]*id="problems".*?</table>', page, re.S)
    assert problems, page
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", problems.group(0), re.S)]
    assert any(r.startswith(f"{sheet_name} ") and column in r and message in r for r in rows), rows
    assert "/regneark/bekreft" not in page  # nothing to confirm
    assert stored(world) == before


def test_an_indicator_removed_after_the_download_is_unknown(client, world, sheet):
    remove_indicator(world.share)
    db.session.commit()
    edited = edit_results(sheet, indicators={SHARE: {"value": 12}})
    page = text_of(upload(client, world, edited).get_data(as_text=True))
    assert "Indikatorer 3 Verdi Indikatoren finnes ikke lenger for tiltakene dine" in page


def test_a_value_saved_in_the_browser_after_the_download_is_a_conflict_never_overwritten(
    client, world, sheet
):
    report = report_of(world, 1)
    # Meanwhile, in the browser: 50 for 2026.
    save_results(report, {}, [ValueInput(world.count, 50.0, "2026", "", False)], [], [])
    db.session.commit()
    edited = edit_results(
        sheet,
        indicators={COUNT: {"value": 55, "period": "2026"}, SHARE: {"value": 30}},
    )
    page = upload(client, world, edited).get_data(as_text=True)
    conflict = re.search(r'<tr class="result-conflict".*?</tr>', page, re.S).group(0)
    assert "55 antall (2026)" in text_of(conflict)  # the sheet's
    assert "50 antall (2026)" in text_of(conflict)  # the browser's
    assert "1 indikatorverdi eller delmål blir endret" in page
    confirm(client, world, page)
    values = stored(world)["values"]
    assert values[(COUNT, "var-2027")][0] == 50.0  # the browser's stays
    assert values[(SHARE, "var-2027")][0] == 30.0


def test_a_value_saved_between_preview_and_confirmation_is_not_overwritten(client, world, sheet):
    edited = edit_results(sheet, indicators={COUNT: {"value": 55}})
    page = upload(client, world, edited).get_data(as_text=True)
    report = report_of(world, 1)
    save_results(report, {}, [ValueInput(world.count, 50.0, "", "", False)], [], [])
    db.session.commit()
    response = confirm(client, world, page)
    assert response.status_code == 409
    assert "result-conflict" in response.get_data(as_text=True)
    assert stored(world)["values"][(COUNT, "var-2027")][0] == 50.0


def test_a_report_already_sent_locks_its_results_rows(client, login, world):
    report = report_of(world, 1)
    report.review_state = ReviewState.SUBMITTED
    db.session.commit()
    login(world.contact)
    sheet = client.get(world.base + "/regneark.xlsx").data
    page = load_workbook(io.BytesIO(sheet))[layout.INDICATOR_SHEET]
    assert page.cell(row=2, column=layout.I_VALUE).protection.locked
    edited = edit_results(sheet, indicators={COUNT: {"value": 55}})
    words = text_of(upload(client, world, edited).get_data(as_text=True))
    assert "Tiltak 1 er sendt til gjennomgang eller godkjent og kan ikke endres nå." in words
    assert (COUNT, "var-2027") not in stored(world)["values"]


def test_two_plans_each_sheet_carries_only_its_own_plans_rows(client, login, world, sheet):
    other_plan = PlanFactory(slug="kommuneplan", first_year=2025, last_year=2028)
    measure = MeasureFactory(
        number=1, area=AreaFactory(plan=other_plan), title="Kommunens tiltak", units=[world.unit]
    )
    IndicatorFactory(measure=measure, name="Kommunens indikator")
    other_round = open_round(
        other_plan, "kommune-2027", "Kommune 2027", date(2027, 3, 1), None, world.coordinator
    )
    db.session.commit()
    other_sheet = client.get(f"/rapportering/{other_round.slug}/regneark.xlsx").data
    assert [r[2] for r in sheet_rows(other_sheet, layout.INDICATOR_SHEET)] == [
        "Kommunens indikator"
    ]
    assert [r[2] for r in sheet_rows(sheet, layout.INDICATOR_SHEET)] == [COUNT, SHARE]
    # The other plan's row, copied into this plan's sheet in place of measure 1's first row.
    (foreign,) = sheet_rows(other_sheet, layout.INDICATOR_SHEET)
    edited = edit_results(sheet, indicators={COUNT: {"value": 7, "stamp": foreign[-1]}})
    words = text_of(upload(client, world, edited).get_data(as_text=True))
    assert "Indikatorer 2 Kontroll Kontrollfeltet i raden er endret eller mangler" in words
    assert (COUNT, "var-2027") not in stored(world)["values"]
