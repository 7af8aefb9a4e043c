"""A real browser opens the first page."""
import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def test_first_page_shows_the_measures_by_area(page, live_server, seeded):
    page.goto(live_server + "/")
    assert page.locator("h2").all_inner_texts() == [
        "Arbeidsliv", "Ungdom", "Lokalt arbeid", "Mer kunnskap", "Styrket innsats",
    ]
    assert page.locator("tbody tr").count() == 50
    first_row = page.locator("tbody tr").first.inner_text()
    assert "Kampanje mot diskriminering i arbeidslivet" in first_row
    assert "Pågående" in first_row


def test_first_page_has_no_accessibility_violations(page, live_server, seeded):
    page.goto(live_server + "/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
