"""Each request is one JSON line on stdout, with what an operator needs and no secrets."""

import json

import pytest

from tests.factories import UserFactory
from tracker.extensions import db


def request_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_each_request_is_one_json_line(client, capsys):
    capsys.readouterr()
    response = client.get("/finnes-ikke", headers={"X-Request-ID": "abc-123"})
    [line] = request_lines(capsys.readouterr().out)
    assert line["method"] == "GET"
    assert line["path"] == "/finnes-ikke"
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["remote_addr"] == "127.0.0.1"
    assert line["user_id"] is None
    assert line["request_id"] == "abc-123" == response.headers["X-Request-ID"]


def test_log_names_the_signed_in_user(app, client, login, capsys):
    user = login(UserFactory())
    db.session.commit()
    capsys.readouterr()
    client.get("/")
    [line] = request_lines(capsys.readouterr().out)
    assert line["user_id"] == user.id
    assert len(line["request_id"]) == 32  # generated when the proxy sent none


@pytest.mark.own_app  # adds a test-only route
def test_log_leaves_out_form_bodies_query_strings_and_unsafe_request_ids(app, client, capsys):
    @app.post("/test-sign-in")
    def sign_in():
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    capsys.readouterr()
    client.post(
        "/test-sign-in?token=spoerrestreng-hemmelig",
        data={"password": "passord-hemmelig"},
        headers={"X-Request-ID": '<script> falsk "linje"'},
    )
    output = capsys.readouterr().out
    [line] = request_lines(output)
    assert line["path"] == "/test-sign-in" and line["status"] == 200
    assert "hemmelig" not in output
    assert "script" not in output and line["request_id"] != "<script>"


def test_a_request_refused_by_the_csrf_check_is_timed_too(client, capsys):
    capsys.readouterr()
    response = client.post("/logg-inn", data={"email": "a@b.no", "password": "x"})
    [line] = request_lines(capsys.readouterr().out)
    assert response.status_code == 400
    assert line["status"] == 400
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
