"""Validators, conditional requests, compression, cache lifetimes and the cache's bound."""

import gc
import gzip
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.extensions import db
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.operations import withdraw_publication
from tracker.reporting.states import Status
from tracker.templating import content_hash
from tracker.typography import as_read

PLOTLY = "vendor/plotly/plotly-basic-4.1.1.min.js"


def test_public_page_carries_validators_and_a_public_cache_lifetime(client, seeded):
    response = client.get("/")
    assert response.headers["ETag"]
    assert response.last_modified is not None
    assert response.cache_control.public and response.cache_control.max_age == 60
    assert {"Accept-Encoding", "Cookie"} <= set(response.vary)
    assert response.headers["Content-Language"] == "nb"


def test_conditional_requests_answer_304(client, seeded):
    first = client.get(PLAN_ONE + "/tiltak/12")
    etag = first.headers["ETag"]
    again = client.get(PLAN_ONE + "/tiltak/12", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(
        PLAN_ONE + "/tiltak/12", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    other = client.get(PLAN_ONE + "/tiltak/12", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_publishing_changes_the_etag_so_readers_get_the_new_page(client, seeded):
    before = client.get("/")
    old = before.headers["ETag"]
    publish_second_round({9: Status.COMPLETED})
    response = client.get("/", headers={"If-None-Match": old})
    assert response.status_code == 200
    assert "Status pr. 1. oktober 2026" in as_read(response.get_data(as_text=True))
    assert response.headers["ETag"] != old
    assert response.last_modified >= before.last_modified


def test_pages_are_gzipped_for_clients_that_accept_it(client, seeded):
    plain = client.get("/")
    compressed = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data) == plain.data
    assert len(compressed.data) < len(plain.data) / 3
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    assert (
        client.get(
            "/", headers={"Accept-Encoding": "gzip", "If-None-Match": compressed.headers["ETag"]}
        ).status_code
        == 304
    )


def test_fingerprinted_assets_are_immutable_for_a_year_and_compressed(client, app):
    url = f"/static/{PLOTLY}?v={content_hash(PLOTLY)}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.cache_control.max_age == 31536000 and response.cache_control.immutable
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 450_000
    assert gzip.decompress(response.data).startswith(b"/**")
    revalidated = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_assets_without_the_current_fingerprint_must_be_revalidated(client, app):
    response = client.get("/static/css/public.css?v=old")
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.immutable
    assert client.get("/static/css/finnes-ikke.css").status_code == 404


def test_page_links_assets_by_fingerprint(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert f"/static/{PLOTLY}?v={content_hash(PLOTLY)}" in html
    assert f"/static/js/status-chart.js?v={content_hash('js/status-chart.js')}" in html


def test_a_request_with_a_session_cookie_is_never_cached_publicly(client, seeded):
    client.set_cookie("session", "someone")
    response = client.get("/")
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public


class TestVersionCheckInterval:
    """In production a worker re-reads the data version at most once a second."""

    @pytest.fixture
    def app_config(self):
        return {"PUBLIC_VERSION_CHECK_SECONDS": 3600}

    def test_cache_hits_within_the_interval_skip_the_database(self, client, seeded):
        from sqlalchemy import event

        from tracker.extensions import db

        client.get("/")
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get("/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        assert "Status pr. 1. juni 2025" in as_read(response.get_data(as_text=True))
        assert statements == []


def test_gzip_refused_with_q_0_gets_the_plain_page(client, seeded):
    plain = client.get("/")
    for refused in ("gzip;q=0", "*;q=0", "br, gzip;q=0", "x-gzip"):
        response = client.get("/", headers={"Accept-Encoding": refused})
        assert "Content-Encoding" not in response.headers, refused
        assert response.data == plain.data
    wildcard = client.get("/", headers={"Accept-Encoding": "*"})
    assert wildcard.headers["Content-Encoding"] == "gzip"
    script = f"/static/js/status-chart.js?v={content_hash('js/status-chart.js')}"
    asset = client.get(script, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in asset.headers and asset.data.startswith(b"/")


def test_a_withdrawal_moves_last_modified_forward_so_no_client_keeps_the_withdrawn_page(
    client, seeded
):
    second = publish_second_round({9: Status.COMPLETED}, narrative="Skal trekkes tilbake.")
    # Everything happened a while ago: HTTP dates count whole seconds, and a test is quick.
    earlier = timedelta(hours=1)
    for reporting_round in db.session.scalars(select(ReportingRound)):
        reporting_round.published_at -= earlier
    for report in db.session.scalars(select(MeasureReport)):
        report.updated_at -= earlier
    db.session.commit()
    published = client.get(PLAN_ONE + "/tiltak/9")
    assert "Skal trekkes tilbake." in published.get_data(as_text=True)
    withdraw_publication(second, None)
    db.session.commit()
    # A client (or proxy) that revalidates with the date alone must get the page back.
    again = client.get(
        PLAN_ONE + "/tiltak/9", headers={"If-Modified-Since": published.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert "Skal trekkes tilbake." not in again.get_data(as_text=True)
    assert again.last_modified > published.last_modified


class TestMemoryBound:
    """Issue 19: `/data/tiltak.json?x=<n>` grew a worker by 110 MB, and never gave it back."""

    # Room for three search pages (about 47 KB each with their gzip copy) or one tiltak.json
    # (about 97 KB): small, so that a few requests under tracemalloc (slow) overfill it.
    BOUND = 150_000

    @pytest.fixture
    def app_config(self):
        return {"PUBLIC_PAGE_CACHE_BYTES": self.BOUND}

    def test_pages_that_differ_only_by_unknown_parameters_take_no_memory(self, app, client, seeded):
        client.get(PLAN_ONE + "/data/tiltak.json")  # the page itself may be kept
        with held_memory() as growth:
            for n in range(20):
                response = client.get(
                    f"{PLAN_ONE}/data/tiltak.json?x={n}", headers={"Accept-Encoding": "gzip"}
                )
                assert response.status_code == 200 and response.headers["ETag"]
        # 20 pages of 87 KB (and their gzip) were kept before: about 2 MB.
        assert growth() < 1_000_000

    @pytest.mark.parametrize(
        "query",
        ["lang=en&lang=en&n={n}", "lang=xx{n}", "omrade=feil{n}", "q=a&q=b{n}", "utm_source={n}"],
    )
    def test_unknown_repeated_or_ignored_values_are_answered_but_not_kept(
        self, app, client, seeded, query
    ):
        cache = app.extensions["public_page_cache"].store
        client.get(PLAN_ONE + "/tiltak")
        held = cache.bytes_held
        assert held > 0  # the page itself is kept
        for n in range(3):
            response = client.get(PLAN_ONE + "/tiltak?" + query.format(n=n))
            assert response.status_code == 200 and response.cache_control.public
        assert cache.bytes_held == held

    def test_searches_are_kept_within_the_bound_in_bytes(self, app, client, seeded):
        client.get(PLAN_ONE + "/tiltak?q=diskriminering")  # templates and statements compiled once
        with held_memory() as growth:
            for n in range(1, 16):
                # Each address its own page, every one as long as the first.
                response = client.get(PLAN_ONE + "/tiltak?q=diskriminering" + "+" * n)
                assert response.status_code == 200 and len(response.data) > 20_000
        # The recordings, and little else (15 pages and their gzip copies are about 700 KB).
        assert growth() < 2 * self.BOUND
        cache = app.extensions["public_page_cache"].store
        assert 0 < cache.bytes_held <= self.BOUND and len(cache) < 15
        # The latest searches are still kept.
        assert cache.get(
            # The last part is a feed's negotiated type: empty for pages.
            ("http", "localhost", "", PLAN_ONE + "/tiltak", "q=diskriminering" + "+" * 15, "")
        )


@contextmanager
def held_memory():
    """How much more memory Python holds after the block than before it (read after it)."""
    held: dict[str, int] = {}
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    try:
        yield lambda: held["growth"]
    finally:
        gc.collect()
        held["growth"] = tracemalloc.get_traced_memory()[0] - start
        tracemalloc.stop()
