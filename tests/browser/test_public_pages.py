"""The public pages in Chromium: filters, language, keyboard, phone width and axe-core
(in bokmål, nynorsk and English)."""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.support.public_helpers import PLAN_ONE

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    PLAN_ONE + "/tiltak",
    PLAN_ONE + "/tiltak?status=completed&q=kurs",
    PLAN_ONE + "/tiltak/45",
    PLAN_ONE + "/enheter/KDD",
    PLAN_ONE + "/om-dataene",
    "/personvern",
    PLAN_ONE + "/innebygd",
    PLAN_ONE + "/abonnement?tiltak=45",
    # A feed opened in a browser: the page that explains feeds, with the entries.
    PLAN_ONE + "/feed.atom",
    PLAN_ONE + "/tiltak/45/feed.atom",
]


@pytest.fixture
def app_config():
    """Every footer link the law asks for, so axe sees the footer as production shows it."""
    return {
        "ACCESSIBILITY_STATEMENT_URL": "https://uustatus.no/nb/erklaringer/publisert/eksempel",
        "ACCESSIBILITY_FEEDBACK": "tilgjengelighet@dep.example.no",
        "PRIVACY_CONTACT": "personvernombud@dep.example.no",
        # The measure page then offers the embed snippet, and axe sees it.
        "EMBED_ALLOWED_ORIGINS": "https://www.regjeringen.no",
    }


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_public_page_has_no_accessibility_violations(
    page, live_server, seeded, axe, language
):
    for path in PAGES:
        separator = "&" if "?" in path else "?"
        url = live_server + path + (f"{separator}lang={language}" if language != "nb" else "")
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        if path == "/":
            page.locator(".status-chart .main-svg").first.wait_for()
        results = axe.run(page)
        assert results.violations_count == 0, (url, results.generate_report())


def test_filters_work_from_the_keyboard_and_can_be_bookmarked(page, live_server, seeded):
    page.goto(live_server + PLAN_ONE + "/tiltak")
    page.get_by_label("Status", exact=True).select_option("not_started")
    page.get_by_label("Hovedområde").select_option("arbeidsliv")
    page.get_by_label("Søk i tittel, beskrivelse og status").press("Enter")
    page.wait_for_url("**/tiltak?**")
    assert "status=not_started" in page.url and "omrade=arbeidsliv" in page.url
    assert page.locator("main tbody tr").count() == 2
    assert page.get_by_role("heading", name="2 tiltak passer filteret").is_visible()
    bookmarked = page.url
    page.goto(live_server + "/")
    page.goto(bookmarked)
    assert page.locator("main tbody tr").count() == 2
    page.get_by_role("link", name="Fjern alle filtre").click()
    assert page.locator("main tbody tr").count() == 50


def test_status_shortcut_links_filter_without_a_form(page, live_server, seeded):
    page.goto(live_server + PLAN_ONE + "/tiltak")
    page.get_by_role("link", name="Gjennomført", exact=True).click()
    assert page.locator("main tbody tr").count() == 13
    assert set(page.locator("main tbody tr td:last-child").all_inner_texts()) == {"Gjennomført"}


def test_language_switch_keeps_the_page(page, live_server, seeded):
    page.goto(live_server + PLAN_ONE + "/tiltak/12")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Measure 12:")
    page.get_by_role("link", name="All measures").first.click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Norsk (bokmål)").click()
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("h1").inner_text() == "Alle tiltak"


def test_keyboard_focus_is_visible_and_the_skip_link_comes_first(page, live_server, seeded):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.inner_text() == "Gå til hovedinnhold"
    assert focused.is_visible()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"


def test_a_table_region_is_a_focus_stop_only_while_it_scrolls(page, live_server, seeded):
    """Orca in Chromium (docs/accessibility.md) left the round overview's table at its first
    table key: the focusable scroll region around it took focus. A region whose table fits is
    no focus stop; one that scrolls sideways stays one, so the arrow keys can scroll it."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/planer/")
    region = page.get_by_role("region", name="Planene og status for tiltakene i dem")
    expect(region).not_to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 600, "height": 800})
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    page.keyboard.press("ArrowRight")
    # Polled from here: wait_for_function polls inside the page with eval, which the site's
    # Content-Security-Policy forbids (it failed whenever the scroll had not begun at once).
    deadline = time.monotonic() + 10
    while page.evaluate("document.activeElement.scrollLeft") == 0:
        assert time.monotonic() < deadline, "the arrow key did not scroll the table"
        page.wait_for_timeout(50)


def test_main_takes_focus_only_from_the_skip_link(page, live_server, seeded):
    """A focusable <main> pulled Orca out of a table at its first table key (Chromium focuses the
    nearest focusable ancestor of the reading position): main is focusable only while the skip
    link has put focus there, and the next Tab goes on inside it."""
    page.goto(live_server + PLAN_ONE + "/tiltak/29")
    main = page.get_by_role("main")
    expect(main).not_to_have_attribute("tabindex", re.compile(".*"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(main).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main :focus")).to_have_count(1)
    expect(main).not_to_have_attribute("tabindex", re.compile(".*"))


def test_sign_in_puts_focus_in_one_field(page, live_server, seeded):
    """The screen reader walk found the password field marked autofocus="None" beside the
    e-mail field's autofocus: one field has it, the one a person types in next."""
    page.goto(live_server + "/logg-inn")
    expect(page.locator("[autofocus]")).to_have_count(1)
    expect(page.get_by_label("E-postadresse")).to_be_focused()
    page.get_by_label("E-postadresse").fill("noen@example.no")
    page.get_by_label("Passord").fill("feil passord her")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("Feil e-postadresse eller passord.")).to_be_visible()
    expect(page.locator("[autofocus]")).to_have_count(1)
    expect(page.get_by_label("Passord")).to_be_focused()


def test_pages_fit_a_360_pixel_phone_screen(browser, live_server, seeded):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in PAGES:
        page.goto(live_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360, (path, overflow)
    page.goto(live_server + "/")
    page.locator(".status-chart .main-svg").first.wait_for()
    assert page.locator(".status-chart").bounding_box()["width"] <= 360
    context.close()


def test_print_hides_navigation_and_filters(page, live_server, seeded):
    page.goto(live_server + PLAN_ONE + "/tiltak")
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator("header nav").is_visible()
    assert page.locator("main tbody tr").first.is_visible()


def test_word_search_then_a_status_shortcut_keeps_the_search(page, live_server, seeded):
    page.goto(live_server + PLAN_ONE + "/tiltak")
    page.get_by_label("Søk i tittel, beskrivelse og status").fill("Diskriminering  ARBEIDSLIV")
    page.get_by_role("button", name="Vis tiltak").click()
    page.wait_for_url("**/tiltak?**")
    found = page.locator("main tbody tr").count()
    assert 0 < found < 50
    page.get_by_role("link", name="Pågående", exact=True).click()
    page.wait_for_url("**status=in_progress**")
    assert page.get_by_label("Søk i tittel, beskrivelse og status").input_value() == (
        "Diskriminering ARBEIDSLIV"
    )
    narrowed = page.locator("main tbody tr").count()
    assert 0 < narrowed <= found
    assert set(page.locator("main tbody tr td:last-child").all_inner_texts()) == {"Pågående"}
    axe_results = Axe().run(page)
    assert axe_results.violations_count == 0, axe_results.generate_report()
