"""Validators, conditional requests, compression and cache lifetimes."""

import gzip

import pytest

from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.reporting.states import Status
from tracker.templating import content_hash

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
    assert "Status pr. 1. oktober 2026" in response.get_data(as_text=True)
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
        assert response.status_code == 200 and "Status pr. 1. juni 2025" in response.get_data(
            as_text=True
        )
        assert statements == []
