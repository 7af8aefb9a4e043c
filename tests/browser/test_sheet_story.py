"""A ministry reports from Excel, in Debian's Chromium: the contact person downloads the unit's
sheet, saves one measure in the browser meanwhile, changes three rows in the sheet (openpyxl, as
Excel would) and one indicator value, uploads it, sees the preview with the conflict, confirms
and finds the drafts and the value."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import IndicatorFactory
from tests.support.browser import assert_accessible, sign_in
from tests.support.sheets import build_sheet_world, edit_results, edit_sheet
from tracker.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def world(app):
    world = build_sheet_world()
    world.contact.email = "kontakt@kud.example.no"
    IndicatorFactory(measure=world.measures[1], name="Kommuner med plan", unit="antall")
    db.session.commit()
    return world


def test_a_ministry_reports_three_measures_from_a_sheet_with_one_conflict(page, live_server, world):
    sign_in(page, live_server, "kontakt@kud.example.no")
    page.get_by_role("link", name="Rapporter mange tiltak på en gang med regneark").click()
    expect(page.get_by_role("heading", name="Rapporter med regneark")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned regnearket for Kultur").click()
    sheet = Path(download.value.path()).read_bytes()

    # Meanwhile, measure 2 is saved in the browser.
    page.goto(live_server + "/rapportering/var-2027/tiltak/2")
    page.get_by_label("Statusbeskrivelse").fill("Skrevet i nettleseren etter nedlastingen.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()

    edited = edit_sheet(
        sheet,
        {
            1: {"status": "Gjennomført", "narrative": "Tiltaket er gjennomført i 2027."},
            2: {"narrative": "Skrevet i regnearket."},
            3: {"narrative": "Arbeidet held fram.", "language": "Nynorsk"},
        },
    )
    edited = edit_results(edited, indicators={"Kommuner med plan": {"value": 57, "period": "2026"}})
    page.goto(live_server + "/rapportering/var-2027/regneark")
    page.get_by_label("Regnearket (.xlsx)").set_input_files(
        {
            "name": "kud.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": edited,
        }
    )
    page.get_by_role("button", name="Les arket og vis endringene").click()

    expect(page.get_by_role("heading", name="2 tiltak blir endret")).to_be_visible()
    conflict = page.locator('.sheet-conflict[data-measure="2"]')
    expect(conflict).to_contain_text("Skrevet i nettleseren etter nedlastingen.")
    expect(conflict).to_contain_text("Skrevet i regnearket.")
    change = page.locator('.sheet-change[data-measure="1"]')
    # A word diff against last year's carried text: what goes, and what comes.
    expect(change.locator("del").first).to_contain_text("Status")
    expect(change.locator("ins").first).to_contain_text("Tiltaket er")
    expect(change).to_contain_text("Gjennomført")
    value = page.locator('.result-change[data-measure="1"]')
    expect(value.locator(".before")).to_have_text("ingen verdi")
    expect(value.locator(".after")).to_have_text("57 antall (2026)")
    assert_accessible(page)
    page.get_by_role("button", name="Bekreft og lagre utkastene").click()

    expect(page.get_by_text("2 utkast er lagret fra regnearket.")).to_be_visible()
    expect(page.get_by_text("1 tiltak hadde konflikt og er ikke endret.")).to_be_visible()
    expect(
        page.get_by_text("1 indikatorverdi eller delmål er lagret fra regnearket.")
    ).to_be_visible()
    page.goto(live_server + "/rapportering/var-2027/tiltak/1/resultater")
    expect(page.get_by_label("Verdi for «Kommuner med plan» (antall)")).to_have_value("57")
    expect(page.get_by_label("Periode verdien gjelder")).to_have_value("2026")
    page.goto(live_server + "/rapportering/var-2027/tiltak/1")
    expect(page.get_by_label("Statusbeskrivelse")).to_have_value("Tiltaket er gjennomført i 2027.")
    expect(page.get_by_label("Gjennomført")).to_be_checked()
    page.goto(live_server + "/rapportering/var-2027/tiltak/2")
    expect(page.get_by_label("Statusbeskrivelse")).to_have_value(
        "Skrevet i nettleseren etter nedlastingen."
    )
    page.goto(live_server + "/rapportering/var-2027/tiltak/3")
    expect(page.get_by_label("Statusbeskrivelse")).to_have_value("Arbeidet held fram.")
    expect(page.get_by_label("Nynorsk")).to_be_checked()
