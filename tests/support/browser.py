"""What the browser tests share: an axe check of the page as it is, and signing in and out."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.support.workflow import PASSWORD


def assert_accessible(page):
    page.wait_for_load_state()  # a click may still be navigating; axe needs the finished page
    results = Axe().run(page)
    assert results.violations_count == 0, (page.url, results.generate_report())


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server + "/logg-inn")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def sign_out(page):
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    # The page's own requests finish before the next person signs in, as they would at a
    # desk: under a full parallel run a late answer could still carry the old session cookie.
    page.wait_for_load_state("networkidle")
