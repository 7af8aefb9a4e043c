"""The coordinator builds the report in Debian's Chromium: the page shows progress while it is
built in the background, then offers the DOCX and the PDF. axe-core checks both pages."""

import pikepdf
import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_accessible
from tests.support.workflow import PASSWORD, make_user
from tracker.export import office
from tracker.extensions import db
from tracker.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(office.office_missing_reason() is not None, reason="needs LibreOffice"),
]


@pytest.fixture
def coordinator(app, seeded):
    make_user(Role.COORDINATOR, email="koordinator@aid.example.no", name="Kari Koordinator")
    db.session.commit()


def test_coordinator_builds_the_report_and_downloads_both_files(
    page, live_server, coordinator, tmp_path
):
    page.goto(live_server + "/logg-inn")
    page.get_by_label("E-postadresse").fill("koordinator@aid.example.no")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(live_server + "/koordinator/rapport/")
    expect(page.get_by_role("heading", name="Rapport som Word-dokument og PDF")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Lag rapporten (Word og PDF)").first.click()
    # The progress message is a live region; the script replaces the page when it is done.
    expect(page.get_by_role("status")).to_be_visible()
    docx_link = page.get_by_role("link", name="Last ned Word-dokumentet (midtveis-2025.docx)")
    expect(docx_link).to_be_visible(timeout=180_000)
    expect(page.get_by_role("status")).to_have_text("Rapporten er klar.")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF-en (midtveis-2025.pdf)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "midtveis-2025.pdf"
    assert str(pikepdf.open(saved).Root.Lang) == "nb-NO"
