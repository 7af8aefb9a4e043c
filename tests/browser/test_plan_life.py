"""A plan's life in Debian's Chromium: a coordinator makes a second plan from a spreadsheet,
edits a measure and retires another, makes a successor plan, runs a round in it that a unit
reports in, and builds its report. axe-core checks the plan pages on the way."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.factories import PlanFactory, UnitFactory
from tests.support.browser import assert_accessible, sign_in, sign_out
from tests.support.plan_spreadsheet import SLUG, workbook
from tests.support.workflow import make_user
from tracker.extensions import db
from tracker.ministries.models import UnitKind
from tracker.models import Role
from tracker.typography import as_read

pytestmark = pytest.mark.browser

SUCCESSOR = "oslo-mot-rasisme-2029-2032"


@pytest.fixture
def people(app, tmp_path):
    PlanFactory()  # the installation's first plan
    UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    # A unit the spreadsheet names, with its contact person already in place.
    school = UnitFactory(
        abbreviation="UDE", name="Utdanningsetaten", kind=UnitKind.MUNICIPAL_AGENCY
    )
    make_user(Role.COORDINATOR, email="koordinator@oslo.example.no", name="Kari Koordinator")
    make_user(Role.CONTACT, school, email="kontakt@ude.example.no", name="Ola Kontakt")
    db.session.commit()
    path = tmp_path / "oslo-plan.xlsx"
    path.write_bytes(workbook())
    return path


def test_a_plan_from_a_spreadsheet_edited_succeeded_reported_and_built(page, live_server, people):
    sign_in(page, live_server, "koordinator@oslo.example.no")
    page.get_by_role("link", name="Planene").click()
    page.get_by_role("link", name="Ny plan fra regneark").click()
    assert_accessible(page)
    page.get_by_label("Regneark (XLSX)").set_input_files(people)
    page.get_by_role("button", name="Lag planen").click()
    expect(page.get_by_text("Du koordinerer den.")).to_be_visible()
    assert_accessible(page)

    # Edit measure 1's title; retire measure 3 with a reason.
    page.get_by_role("link", name="Kurs for lærere").click()
    assert_accessible(page)
    page.get_by_label("Tittel").fill("Kurs for lærere og ledere")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_text("Endringene i tiltak 1 er lagret.")).to_be_visible()
    page.get_by_role("link", name="Tilbake til planen").click()
    page.get_by_role("link", name="Leirskole").click()
    page.get_by_label("Avsluttet eller tatt ut fra").fill("2026-01-15")
    page.get_by_label("Begrunnelse").fill("Tatt inn i skolens ordinære budsjett.")
    page.get_by_role("button", name="Avslutt tiltaket").click()
    expect(page.get_by_text("Tiltak 3 er avsluttet eller tatt ut av planen.")).to_be_visible()
    page.goto(f"{live_server}/planer/{SLUG}/tiltak/3")
    expect(page.locator("#retired")).to_contain_text("15. januar 2026")
    expect(page.locator("#retired")).to_contain_text("Tatt inn i skolens ordinære budsjett.")

    # The change log and a unit's reorganisation page.
    page.goto(f"{live_server}/planarbeid/{SLUG}/endringer")
    expect(page.get_by_role("cell", name="Tiltak avsluttet eller tatt ut")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/planarbeid/enheter/UDE")
    expect(page.get_by_role("heading", name="Del enheten")).to_be_visible()
    assert_accessible(page)

    # The successor plan starts from measures 1 and 2 (3 is retired: unticked).
    page.goto(f"{live_server}/planarbeid/{SLUG}/")
    page.get_by_role("link", name="Lag etterfølgerplan").click()
    expect(page.get_by_label("3. Leirskole")).not_to_be_checked()
    assert_accessible(page)
    page.get_by_label("Tittel").fill("Oslo mot rasisme 2029–2032")
    page.get_by_label("Kortnavn").fill(SUCCESSOR)
    page.get_by_role("button", name="Lag etterfølgerplanen").click()
    expect(page.get_by_text("er laget med 2 tiltak")).to_be_visible()

    # A round in the successor plan.
    page.goto(f"{live_server}/rapportering/runder/ny?plan={SUCCESSOR}")
    page.get_by_label("Tittel").fill("Status 2029")
    page.get_by_label("Kortnavn").fill("oslo-2029")
    page.get_by_label("Status pr. dato").fill("2029-06-01")
    page.get_by_role("button", name="Åpne runden").click()
    expect(page.get_by_text("Runden «Status 2029» er åpnet.")).to_be_visible()
    sign_out(page)

    # The unit reports on the measure the successor carries on.
    sign_in(page, live_server, "kontakt@ude.example.no")
    page.get_by_role("link", name="Kurs for lærere og ledere").click()
    page.get_by_label("Gjennomført").check()
    page.get_by_label("Statusbeskrivelse").fill("Alle skoler har hatt kurs.")
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.get_by_text("Rapporten er sendt til gjennomgang.")).to_be_visible()
    sign_out(page)

    # The coordinator approves, closes, publishes and builds the report.
    sign_in(page, live_server, "koordinator@oslo.example.no")
    page.goto(f"{live_server}/rapportering/oslo-2029/tiltak/1")
    page.get_by_role("button", name="Godkjenn").click()
    expect(page.get_by_text("Rapporten for tiltak 1 er godkjent.")).to_be_visible()
    page.get_by_role("link", name="Til oversikten over runden").click()
    page.get_by_role("button", name="Lukk runden").click()
    expect(page.get_by_text("Runden er lukket.")).to_be_visible()
    page.get_by_role("link", name="Se hva som blir offentlig, og publiser").click()
    page.get_by_role("button", name="Publiser runden").click()
    expect(page.get_by_text("Runden er publisert.")).to_be_visible()

    page.goto(f"{live_server}/planer/{SUCCESSOR}/tiltak/1")
    expect(page.locator("#across-plans")).to_contain_text("tiltak 1 i")
    expect(page.get_by_text("Alle skoler har hatt kurs.").first).to_be_visible()

    page.goto(f"{live_server}/koordinator/rapport/")
    round_section = page.locator("section.export-round", has_text="Status 2029")
    # A final report needs the round's own introduction, written by the coordinator.
    round_section.get_by_label("Innledning («Om rapporten»)").fill(
        "Oslo kommune følger opp planen mot rasisme i 2029."
    )
    round_section.get_by_role("button", name="Lagre innledningen").click()
    round_section = page.locator("section.export-round", has_text="Status 2029")
    round_section.get_by_role("button", name="Lag rapporten (Word og PDF)").click()
    docx_link = page.get_by_role("link", name="Last ned Word-dokumentet (oslo-2029.docx)")
    expect(docx_link).to_be_visible(timeout=180_000)
    with page.expect_download() as download:
        docx_link.click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    # As a reader sees them: the no-break characters that keep «2029–2032» whole, as spaces.
    texts = [as_read(paragraph.text) for paragraph in document.paragraphs]
    assert texts[0] == "Oslo mot rasisme 2029–2032"
    assert "Utgitt av: Oslo kommune" in texts
    assert document.core_properties.author == "Oslo kommune"
