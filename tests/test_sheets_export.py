"""The coordinator's export: every report of a round, or of all a plan's rounds, as XLSX, one row
per measure and responsible unit."""

import io

from openpyxl import load_workbook

from tests.factories import PlanFactory, ReportFactory, RoundFactory
from tests.support.sheets import build_sheet_world
from tracker.extensions import db
from tracker.reporting.operations import save_report
from tracker.reporting.states import RoundState, Status
from tracker.reporting.workflow_queries import reports_for_unit


def rows_of(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True))


def test_the_round_export_has_a_row_per_measure_and_unit_with_review_state_who_and_text(
    app, client, login
):
    world = build_sheet_world()
    report = {r.measure.number: r for r in reports_for_unit(world.reporting_round, world.unit.id)}[
        3
    ]
    save_report(report, report.version, Status.COMPLETED, "=1+1 er ferdig, æøå", world.contact)
    db.session.commit()
    login(world.coordinator)
    response = client.get(world.base + "/rapporter.xlsx")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = rows_of(response.data)
    assert rows[0][:7] == ("Runde", "Nr.", "Tiltak", "Enhet", "Ansvar", "Status", "Behandling")
    # Measure 3 has two responsible units: a row for each, lead first.
    assert [(row[1], row[3], row[4]) for row in rows[1:]] == [
        (1, "KUD", "Hovedansvar"),
        (2, "KUD", "Hovedansvar"),
        (3, "JD", "Hovedansvar"),
        (3, "KUD", "Medansvar"),
        (99, "JD", "Hovedansvar"),
    ]
    three = rows[3]
    assert three[5] == "Gjennomført" and three[6] == "Utkast"
    assert three[7] == world.contact.name and three[8]
    assert three[10] == "'=1+1 er ferdig, æøå"  # neutralised like every spreadsheet we write


def test_the_plan_export_holds_every_round_and_contacts_may_not_have_it(app, client, login):
    world = build_sheet_world()
    older = RoundFactory(plan=PlanFactory(), slug="eldre", state=RoundState.PUBLISHED)
    ReportFactory(round=older, measure=world.measures[1], narrative="Fra forrige runde.")
    db.session.commit()
    login(world.coordinator)
    plan = PlanFactory()
    response = client.get(f"/rapportering/planer/{plan.slug}/rapporter.xlsx")
    assert response.status_code == 200
    rows = rows_of(response.data)[1:]
    assert {row[0] for row in rows} == {"var-2027", "host-2026", "eldre"}
    assert ("eldre", 1, "Fra forrige runde.") in {(row[0], row[1], row[10]) for row in rows}
    login(world.contact)
    assert client.get(world.base + "/rapporter.xlsx").status_code == 403
    assert client.get(f"/rapportering/planer/{plan.slug}/rapporter.xlsx").status_code == 403
