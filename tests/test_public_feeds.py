"""Atom feeds of publications: valid Atom, one entry per published round, linked from pages."""

import re

import feedparser
import pytest
from sqlalchemy import select

from tests.factories import ReportFactory, RoundFactory
from tests.support.public_helpers import PLAN_ONE as P
from tests.support.public_helpers import measure, publish_second_round
from tracker.extensions import db
from tracker.reporting.models import MeasureReport
from tracker.reporting.states import ReviewState, RoundState, Status


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")  # well-formed XML, Atom as feedparser reads it
    assert feed.version == "atom10"
    return feed


def measure_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"/tiltak/(\d+)\"", html)]


def test_site_feed_has_one_entry_per_published_round_listing_status_changes(client, seeded):
    before = measure_status(9)
    changed_to = Status.COMPLETED if before != Status.COMPLETED else Status.NOT_STARTED
    publish_second_round({9: changed_to, 12: measure_status(12)})  # 12 keeps its status
    feed = parsed(client, P + "/feed.atom")
    assert feed.feed.title.startswith("Handlingsplan mot rasisme og diskriminering")
    assert feed.feed.language == "nb"
    assert [entry.title.split(":")[0] for entry in feed.entries] == [
        "Statusrapport høst 2026",
        seeded["rounds"][0]["title"],
    ]
    newest = feed.entries[0]
    content = newest.content[0].value
    assert measure_numbers(content) == [9]
    assert f"{before.label} → {changed_to.label}" in content
    assert newest.title.endswith("1 tiltak endret status")
    # The first publication: every reported measure's status is new.
    assert len(measure_numbers(feed.entries[1].content[0].value)) == 50
    assert newest.id != feed.entries[1].id and newest.updated_parsed


def measure_status(number: int) -> Status:
    return db.session.scalar(
        select(MeasureReport.status).where(MeasureReport.measure_id == measure(number).id)
    )


def test_unpublished_rounds_and_unapproved_reports_stay_out_of_the_feeds(client, seeded):
    draft = RoundFactory(slug="utkast-2026", title="Hemmelig runde", state=RoundState.CLOSED)
    ReportFactory(round=draft, measure=measure(9), review_state=ReviewState.APPROVED)
    db.session.commit()
    for url in (P + "/feed.atom", P + "/tiltak/9/feed.atom", P + "/enheter/KUD/feed.atom"):
        feed = parsed(client, url)
        assert all("Hemmelig runde" not in entry.title for entry in feed.entries), url


def test_ministry_feed_lists_only_that_ministrys_measures(client, seeded):
    publish_second_round({45: Status.COMPLETED, 1: Status.COMPLETED})
    feed = parsed(client, P + "/enheter/KDD/feed.atom")
    assert "Kommunal- og distriktsdepartementet" in feed.feed.title
    listed = measure_numbers(feed.entries[0].content[0].value)
    assert 45 in listed and 1 not in listed  # KDD shares 45; measure 1 is AID's alone


def test_measure_feed_has_its_reports_with_the_narrative(client, seeded):
    publish_second_round({45: Status.COMPLETED}, narrative="Rapporten er levert.")
    feed = parsed(client, P + "/tiltak/45/feed.atom")
    assert feed.feed.title == "Tiltak 45: publiserte statuser"
    assert len(feed.entries) == 2
    assert feed.entries[0].title == "Statusrapport høst 2026: Gjennomført"
    assert "Rapporten er levert. (tiltak 45)" in feed.entries[0].content[0].value
    assert feed.entries[0].link.endswith(P + "/tiltak/45")


def test_feeds_follow_the_language_and_unknown_ones_are_404(client, seeded):
    english = parsed(client, P + "/feed.atom?lang=en")
    assert english.feed.language == "en"
    assert client.get(P + "/tiltak/999/feed.atom").status_code == 404
    assert client.get(P + "/enheter/FINNES-IKKE/feed.atom").status_code == 404


def test_pages_link_to_the_feed_that_follows_them(client, seeded):
    expected = {
        "/": P + "/feed.atom",
        P + "/tiltak": P + "/feed.atom",
        P + "/enheter/KDD": P + "/enheter/KDD/feed.atom",
        P + "/tiltak/45": P + "/tiltak/45/feed.atom",
        P + "/tiltak/45?lang=en": P + "/tiltak/45/feed.atom?lang=en",
    }
    for page, feed_url in expected.items():
        html = client.get(page).get_data(as_text=True)
        links = re.findall(
            r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html
        )
        assert links == [feed_url], page
        assert client.get(feed_url).status_code == 200


FEEDS = (
    P + "/feed.atom",
    P + "/enheter/KDD/feed.atom",
    P + "/tiltak/45/feed.atom",
)


class TestLinksComeFromPublicUrl:
    """Issue 19: one request with a foreign Host header rewrote every link of the cached feed."""

    @pytest.fixture
    def app_config(self):
        # As behind nginx: X-Forwarded-Host is believed, so it is a way in too.
        return {"PUBLIC_URL": "https://tracker.example.no", "TRUSTED_PROXIES": 1}

    @pytest.mark.parametrize("url", FEEDS)
    @pytest.mark.parametrize(
        "forged", [{"Host": "angriper.example"}, {"X-Forwarded-Host": "angriper.example"}]
    )
    def test_a_forged_host_changes_no_link_for_anyone(self, client, seeded, url, forged):
        publish_second_round({45: Status.COMPLETED})
        forged_answer = client.get(url, headers=forged)
        assert forged_answer.status_code == 200
        assert b"angriper" not in forged_answer.data
        feed = parsed(client, url)  # the next reader, with the right host
        links = [feed.feed.link, *(link.href for link in feed.feed.links)]
        links += [entry.link for entry in feed.entries]
        links += re.findall(r'href="([^"]+)"', "".join(e.content[0].value for e in feed.entries))
        assert links and all(link.startswith("https://tracker.example.no/") for link in links)
        assert any(link.href.endswith(url) for link in feed.feed.links if link.rel == "self")
        ids = [feed.feed.id, *(entry.id for entry in feed.entries)]
        assert all(entry_id.startswith("tag:tracker.example.no,") for entry_id in ids)


def test_feeds_are_dated_by_the_round_and_skip_publications_without_a_change(client, seeded):
    # Measure 9 is one unit's; the second round changes nothing for the other units.
    before = measure_status(9)
    publish_second_round(
        {9: Status.COMPLETED if before != Status.COMPLETED else Status.NOT_STARTED}
    )
    lead = measure(9).lead_unit.abbreviation
    other = next(
        unit.abbreviation
        for unit in (
            r.unit for m in [measure(1), measure(20), measure(40)] for r in m.responsibilities
        )
        if unit.abbreviation != lead
    )
    own = parsed(client, f"{P}/enheter/{lead}/feed.atom")
    assert [entry.title.split(":")[0] for entry in own.entries][0] == "Statusrapport høst 2026"
    unchanged = parsed(client, f"{P}/enheter/{other}/feed.atom")
    assert all("0 tiltak" not in entry.title for entry in unchanged.entries)
    assert [entry.title.split(":")[0] for entry in unchanged.entries] == [
        seeded["rounds"][0]["title"]
    ]
    # The seeded round is dated by its status date, not by when the seed was loaded.
    assert unchanged.entries[0].updated.startswith(seeded["rounds"][0]["as_of"])


BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)
READER_ACCEPT = "application/atom+xml,application/rdf+xml,application/rss+xml,*/*;q=0.1"


def test_a_browser_opening_a_feed_gets_a_page_explaining_it_and_readers_keep_atom(
    client, app, seeded
):
    url = P + "/feed.atom"
    # Browser first, so the page cache records the page before any reader asks.
    for _round in range(2):  # the second round is answered from the page cache
        page = client.get(url, headers={"Accept": BROWSER_ACCEPT})
        assert page.mimetype == "text/html"
        text = page.get_data(as_text=True)
        assert "Dette er en nyhetsstrøm (Atom-feed)" in text
        assert "feedleser" in text
        assert 'value="http://' in text and "/feed.atom" in text  # the address to copy
        assert seeded["rounds"][0]["title"] in text  # the feed's entry, readable
        assert "Accept" in page.vary
        reader = client.get(url, headers={"Accept": READER_ACCEPT})
        assert reader.mimetype == "application/atom+xml"
        assert feedparser.parse(reader.data).version == "atom10"
        assert parsed(client, url).entries  # no Accept header: Atom
    store = app.extensions["public_page_cache"].store
    assert sum(1 for key in store._entries if key[3] == url) == 2
