"""Only published rounds and approved reports ever reach a public page or the open data."""

import html
import io
import zipfile
from collections import deque
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from tests.factories import ReportFactory, RoundFactory
from tests.support.public_helpers import PLAN_ONE, measure
from tracker.extensions import db
from tracker.models import MeasureReport
from tracker.reporting.states import ReviewState, RoundState, Status

SECRET = "HEMMELIG"
# Searched for: they match only the hidden reports, and echoing them back leaks nothing.
UNAPPROVED_WORDS = "tekst som ikke er godkjent"


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag in ("a", "link") else None
        if href:
            self.links.append(href)


def readable_text(body: bytes) -> str:
    """A page or data file as text; a spreadsheet (a zip of XML parts) as all its parts' text."""
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name).decode() for name in archive.namelist()]
        return html.unescape("\n".join(parts))
    return body.decode()


def crawl(client, start_urls) -> dict[str, str]:
    """Every same-site page and data file reachable by links from ``start_urls``."""
    seen, queue, bodies = set(start_urls), deque(start_urls), {}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = readable_text(response.get_data())
        if response.mimetype != "text/html":
            continue
        collector = LinkCollector()
        collector.feed(bodies[url])
        for href in collector.links:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith("/static/") or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    return bodies


def hide_secrets_in_every_state(seeded):
    """The published midterm round gets a submitted, a returned and a draft report; an open
    round holds a draft and an approved report; all carry text nobody outside may read."""
    midterm_reports = {r.measure.number: r for r in db.session.scalars(select(MeasureReport))}
    for number, state in (
        (2, ReviewState.SUBMITTED),
        (3, ReviewState.RETURNED),
        (4, ReviewState.DRAFT),
    ):
        report = midterm_reports[number]
        report.review_state = state
        report.narrative = f"{SECRET}-{state.value} {UNAPPROVED_WORDS}"
        report.status = Status.COMPLETED
    open_round = RoundFactory(
        slug=f"{SECRET.lower()}-runde",
        title=f"{SECRET} runde",
        as_of=date(2027, 6, 1),
        state=RoundState.CLOSED,
    )
    ReportFactory(
        round=open_round,
        measure=measure(5),
        narrative=f"{SECRET}-utkast",
        review_state=ReviewState.DRAFT,
    )
    ReportFactory(
        round=open_round,
        measure=measure(6),
        narrative=f"{SECRET}-godkjent-men-upublisert",
        review_state=ReviewState.APPROVED,
        status=Status.COMPLETED,
    )
    db.session.commit()


def test_unpublished_text_appears_on_no_public_page_and_in_no_open_data(client, seeded):
    hide_secrets_in_every_state(seeded)
    start = [
        "/",
        "/?lang=en",
        PLAN_ONE + "/tiltak",
        PLAN_ONE + "/tiltak?lang=en",
        PLAN_ONE + "/om-dataene",
        PLAN_ONE + "/data/tiltak.json",
        PLAN_ONE + "/data/tiltak.csv",
        PLAN_ONE + f"/tiltak?q={UNAPPROVED_WORDS}",
        PLAN_ONE + f"/tiltak?q={UNAPPROVED_WORDS}&lang=en",
    ]
    pages = crawl(client, start)
    assert {
        PLAN_ONE + "/tiltak/2",
        PLAN_ONE + "/tiltak/6?lang=en",
        PLAN_ONE + "/enheter/KDD",
        PLAN_ONE + "/data/midtveis-2025/tiltak.json",
    } <= set(pages)
    assert len(pages) > 120
    leaks = [url for url, body in pages.items() if SECRET.lower() in body.lower()]
    assert leaks == []
    # The search finds nothing, the unpublished round has no files, and the count stays honest.
    assert "Ingen tiltak passer filteret." in pages[PLAN_ONE + f"/tiltak?q={UNAPPROVED_WORDS}"]
    assert client.get(PLAN_ONE + f"/data/{SECRET.lower()}-runde/tiltak.json").status_code == 404
    assert "Av totalt 50 tiltak er" in pages["/"]
    assert "3 tiltak er ikke rapportert ennå." in pages["/"]


def test_unapproved_reports_show_as_not_reported(client, seeded):
    hide_secrets_in_every_state(seeded)
    html = client.get(PLAN_ONE + "/tiltak/2").get_data(as_text=True)
    assert "Tiltaket er ikke rapportert ennå." in html
    assert "Ingen publiserte rapporteringer for dette tiltaket ennå." in html
