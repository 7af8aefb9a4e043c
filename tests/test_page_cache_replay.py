"""The page cache replays what Flask's own full pass produced, skips only the hooks declared
skippable, and lets every refusing hook and guard apply to cached pages too."""

import functools
import gzip
import json

import pytest
from flask import abort, request, template_rendered

from tests.factories import UserFactory
from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker import request_guards
from tracker.public.page_cache import public_page
from tracker.public.skippable_hooks import SKIPPABLE, HookCheck, hook_name
from tracker.reporting.states import Status
from tracker.typography import as_read

# Headers that differ between any two responses by nature.
PER_RESPONSE = {"X-Request-ID", "Date"}
PUBLIC_BLUEPRINTS = ("public", "open_data", "feeds")


@pytest.fixture
def app_config():
    # As in production: a worker trusts the data version it read for a while.
    return {"PUBLIC_VERSION_CHECK_SECONDS": 3600}


@pytest.fixture
def hook_calls(app):
    """Every hook of the app, counted by name: each is wrapped under its own name, so the
    declaration in skippable_hooks.py still applies to it."""
    calls = []

    def counted(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            calls.append(hook_name(function))
            return function(*args, **kwargs)

        return wrapper

    for registry in (app.before_request_funcs, app.after_request_funcs):
        for name, functions in registry.items():
            registry[name] = [counted(function) for function in functions]
    return calls


@pytest.fixture
def renders(app):
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(note, app)
    yield rendered
    template_rendered.disconnect(note, app)


def headers_of(response) -> dict:
    return {name: value for name, value in response.headers.items() if name not in PER_RESPONSE}


def request_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "path", ["/", PLAN_ONE + "/tiltak?q=diskriminering&lang=en", PLAN_ONE + "/tiltak/12"]
)
def test_a_replay_has_every_header_and_the_body_flask_produced(client, seeded, renders, path):
    gzip_headers = {"Accept-Encoding": "gzip"}
    rendered = client.get(path, headers=gzip_headers)
    assert renders
    renders.clear()
    replayed = client.get(path, headers=gzip_headers)
    assert renders == []  # nothing rendered again
    assert replayed.status_code == 200
    assert headers_of(replayed) == headers_of(rendered)
    assert replayed.headers["Content-Security-Policy"]
    assert replayed.headers["X-Frame-Options"] == "DENY"
    assert replayed.headers["Cache-Control"] == "public, max-age=60"
    assert replayed.headers["X-Request-ID"] != rendered.headers["X-Request-ID"]
    assert replayed.data == rendered.data
    plain = client.get(path)
    assert gzip.decompress(replayed.data) == plain.data


def test_the_declared_skippable_hooks_are_really_skipped_on_a_replay(client, seeded, hook_calls):
    client.get(PLAN_ONE + "/tiltak/12")
    ran = set(hook_calls)
    assert {
        "tracker.request_guards.run_guards",
        "flask_babel.refresh",
        "tracker.auth.views.require_new_password",
        "tracker.security.add_security_headers",
        "tracker.request_log.note_user",
    } <= ran
    hook_calls.clear()
    replayed = client.get(PLAN_ONE + "/tiltak/12")
    assert replayed.status_code == 200 and "Tiltak 12" in replayed.get_data(as_text=True)
    assert hook_calls == []


# As in production, where instances compare their keys on requests now and then.
@pytest.mark.parametrize("app_config", [{"SECRET_KEY_CHECK": True}])
def test_every_hook_of_the_public_pages_is_declared_and_every_declaration_is_used(app):
    check = HookCheck(app)
    assert check.undeclared(PUBLIC_BLUEPRINTS) == []
    registered = {hook_name(function) for function in check.hooks(PUBLIC_BLUEPRINTS)}
    assert set(SKIPPABLE) == registered


class TestRefusals:
    """Issue 18: a cached /tiltak/12 answered 200 while an uncached /tiltak/13 answered 503."""

    @pytest.fixture
    def maintenance(self):
        return {"on": False}

    def test_a_refusing_guard_applies_to_cached_pages_too(self, app, client, seeded, maintenance):
        def maintenance_switch(incoming):
            if maintenance["on"]:
                abort(503)

        request_guards.register(app, maintenance_switch)
        assert client.get(PLAN_ONE + "/tiltak/12").status_code == 200  # recorded
        maintenance["on"] = True
        for path in (PLAN_ONE + "/tiltak/12", PLAN_ONE + "/tiltak/13"):
            refused = client.get(path)
            assert refused.status_code == 503, path
            assert "Tjenesten er midlertidig utilgjengelig" in refused.get_data(as_text=True)
            assert refused.cache_control.private or not refused.cache_control.public
        maintenance["on"] = False
        assert client.get(PLAN_ONE + "/tiltak/12").status_code == 200

    def test_a_refusing_before_request_hook_applies_to_cached_pages_too(
        self, app, client, seeded, maintenance, renders
    ):
        @app.before_request
        def maintenance_switch():
            if maintenance["on"]:
                abort(503)

        assert client.get(PLAN_ONE + "/tiltak/12").status_code == 200
        maintenance["on"] = True
        assert client.get(PLAN_ONE + "/tiltak/12").status_code == 503
        assert client.get(PLAN_ONE + "/tiltak/13").status_code == 503
        maintenance["on"] = False
        renders.clear()
        # Not declared skippable: Flask handles every request, the page is rendered again.
        assert client.get(PLAN_ONE + "/tiltak/12").status_code == 200 and renders


def test_a_replay_answers_304_and_is_logged_by_the_same_code(client, seeded, capsys):
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


def test_a_head_request_gets_the_replayed_headers_without_a_body(client, seeded):
    rendered = client.get(PLAN_ONE + "/tiltak/12")
    head = client.head(PLAN_ONE + "/tiltak/12")
    assert head.status_code == 200 and head.data == b""
    assert headers_of(head) == headers_of(rendered)


def test_the_scheme_is_in_the_key_so_hsts_goes_only_where_it_belongs(client, seeded):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_the_host_is_in_the_key(app, client, seeded):
    # A page that (wrongly) printed the host still could not hand one reader's host to another.
    @app.get("/test-host")
    @public_page
    def host_page():
        return f"<p>{request.host}</p>"

    assert client.get("/test-host", headers={"Host": "angriper.example"}).data == (
        b"<p>angriper.example</p>"
    )
    assert client.get("/test-host").data == b"<p>localhost</p>"


def test_signed_in_person_never_gets_the_shared_page(client, seeded, login, renders):
    client.get("/")
    login(UserFactory())
    renders.clear()
    response = client.get("/")
    assert renders  # rendered for them
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
    assert "Status pr. 1. oktober 2026" in as_read(client.get("/").get_data(as_text=True))
