"""A cached public page is answered before Flask's per-request work, and nothing is lost."""

import gzip
import json

import pytest

from tests.factories import UserFactory
from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.reporting.states import Status

# Headers that differ between any two responses by nature.
PER_RESPONSE = {"X-Request-ID", "Date"}


@pytest.fixture
def app_config():
    # As in production: a worker trusts the data version it read for a while.
    return {"PUBLIC_VERSION_CHECK_SECONDS": 3600}


@pytest.fixture
def flask_hooks_run(app):
    """Counts the requests that reached Flask's before-request hooks (session, login, locale)."""
    calls = []
    app.before_request_funcs.setdefault(None, []).append(lambda: calls.append(1))
    return calls


def headers_of(response) -> dict:
    return {name: value for name, value in response.headers.items() if name not in PER_RESPONSE}


def request_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "path", ["/", PLAN_ONE + "/tiltak?q=diskriminering&lang=en", PLAN_ONE + "/tiltak/12"]
)
def test_cached_page_skips_flask_but_keeps_every_header_and_the_body(
    client, seeded, flask_hooks_run, path
):
    gzip_headers = {"Accept-Encoding": "gzip"}
    rendered = client.get(path, headers=gzip_headers)
    assert flask_hooks_run == [1]
    early = client.get(path, headers=gzip_headers)
    assert flask_hooks_run == [1]  # answered before any Flask hook ran
    assert early.status_code == 200
    assert headers_of(early) == headers_of(rendered)
    assert early.headers["Content-Security-Policy"] and early.headers["X-Frame-Options"] == "DENY"
    assert early.headers["Cache-Control"] == "public, max-age=60"
    assert early.data == rendered.data
    plain = client.get(path)
    assert gzip.decompress(early.data) == plain.data


def test_cached_page_answers_304_and_is_logged_like_any_request(client, seeded, capsys):
    first = client.get(PLAN_ONE + "/tiltak/12")
    capsys.readouterr()
    again = client.get(
        PLAN_ONE + "/tiltak/12",
        headers={"If-None-Match": first.headers["ETag"], "X-Request-ID": "fra-proxy-1"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["X-Request-ID"] == "fra-proxy-1"
    [line] = request_lines(capsys.readouterr().out)
    assert (
        line["path"] == PLAN_ONE + "/tiltak/12"
        and line["status"] == 304
        and line["method"] == "GET"
    )
    assert line["remote_addr"] == "192.0.2.7" and line["user_id"] is None
    assert line["request_id"] == "fra-proxy-1" and line["duration_ms"] >= 0


def test_https_requests_answered_early_carry_hsts(client, seeded):
    client.get("/", base_url="https://localhost")
    early = client.get("/", base_url="https://localhost")
    assert early.headers["Strict-Transport-Security"].startswith("max-age=")


def test_signed_in_person_never_gets_the_shared_page(client, seeded, login, flask_hooks_run):
    client.get("/")
    login(UserFactory())
    response = client.get("/")
    assert flask_hooks_run == [1, 1]
    assert response.cache_control.private and "Logg ut" in response.get_data(as_text=True)


def test_each_language_is_its_own_cached_page(client, seeded):
    client.get(PLAN_ONE + "/tiltak")
    client.get(PLAN_ONE + "/tiltak?lang=en")
    assert "Alle tiltak" in client.get(PLAN_ONE + "/tiltak").get_data(as_text=True)
    english = client.get(PLAN_ONE + "/tiltak?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert "All measures" in english.get_data(as_text=True)


def test_a_publication_reaches_readers_once_the_version_is_read_again(app, client, seeded):
    client.get("/")
    publish_second_round({9: Status.COMPLETED})
    assert "1. oktober 2026" not in client.get("/").get_data(as_text=True)  # trusted for now
    app.config["PUBLIC_VERSION_CHECK_SECONDS"] = 0
    assert "Status pr. 1. oktober 2026" in client.get("/").get_data(as_text=True)
