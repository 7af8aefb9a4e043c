"""An embedded status card in Chromium: another site on EMBED_ALLOWED_ORIGINS shows it in a
frame; a site that is not there is refused by the browser (frame-ancestors)."""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import MeasureFactory, ReportFactory, RoundFactory
from tests.support.browser import assert_accessible
from tests.support.processes import SERVER_POLL_SECONDS
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.reporting.states import ReviewState, Status

pytestmark = pytest.mark.browser
CARD = "/planer/handlingsplan-rasisme-2024-2027/tiltak/29/innebygd"


class HostPage(BaseHTTPRequestHandler):
    """Another site's page with our card in an <iframe> (its address in ?src=)."""

    def do_GET(self):  # noqa: N802 - http.server's name
        source = parse_qs(urlsplit(self.path).query).get("src", [""])[0]
        body = (
            '<!doctype html><html lang="nb"><head><title>Departementets side</title></head>'
            "<body><main><h1>Departementets side</h1>"
            f'<iframe src="{html.escape(source)}" title="Status for tiltak 29" '
            'width="420" height="200"></iframe></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_sites():
    """Two sites on ports of their own: one allowed to frame the card, one not."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), HostPage) for _ in range(2)]
    for server in servers:
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": SERVER_POLL_SECONDS}, daemon=True
        ).start()
    yield [f"http://127.0.0.1:{server.server_port}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app_config(other_sites):
    return {"EMBED_ALLOWED_ORIGINS": other_sites[0]}


@pytest.fixture
def measure_29(app):
    reporting_round = RoundFactory(midterm=True)
    ReportFactory(
        round=reporting_round,
        measure=MeasureFactory(number=29, title="Økt antall samiske veivisere"),
        status=Status.IN_PROGRESS,
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()


def test_a_card_shows_on_an_allowed_site_and_is_refused_on_another(
    page, live_server, other_sites, measure_29
):
    allowed, other = other_sites
    page.goto(f"{live_server}{CARD}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.goto(f"{allowed}/?src={live_server}{CARD}")
    card = page.frame_locator("iframe")
    expect(
        card.get_by_role("heading", name="Tiltak 29: Økt antall samiske veivisere")
    ).to_be_visible()
    expect(card.get_by_text("Pågående")).to_be_visible()

    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(f"{other}/?src={live_server}{CARD}")
    assert page.frame_locator("iframe").get_by_role("heading").count() == 0

    # The measure's own page is never framed, from anywhere.
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(f"{allowed}/?src={live_server}/planer/handlingsplan-rasisme-2024-2027/tiltak/29")


SAMI_SUMMARY = "Lasihit sámi ofelaččaid logu."  # written for the test: the sources have none


def test_a_card_of_a_measure_with_a_sami_summary_links_it_marked_as_sami(
    page, live_server, other_sites, measure_29
):
    measure = db.session.scalars(select(Measure).where(Measure.number == 29)).one()
    measure.summary_se = SAMI_SUMMARY
    db.session.commit()
    allowed, _other = other_sites
    page.goto(f"{live_server}{CARD}")
    expect(page.get_by_role("link", name="Sámegillii")).to_have_attribute("lang", "se")
    assert_accessible(page)

    page.goto(f"{allowed}/?src={live_server}{CARD}")
    frame = page.locator("iframe")
    card = page.frame_locator("iframe")
    link = card.get_by_role("link", name="Sámegillii")
    # Inside the frame the snippet's size gives it (420 × 200): the link is not cut off.
    link_box, frame_box = link.bounding_box(), frame.bounding_box()
    assert link_box and frame_box
    assert link_box["y"] + link_box["height"] <= frame_box["y"] + frame_box["height"]
    link.click()
    # The whole window goes to the measure's page, at its Sámi summary.
    expect(page).to_have_url(
        f"{live_server}/planer/handlingsplan-rasisme-2024-2027/tiltak/29#summary-se"
    )
    page.locator("#summary-se summary").click()
    expect(page.locator('#summary-se div[lang="se"]')).to_have_text(SAMI_SUMMARY)
