"""Error pages are Norwegian, helpful, and never show how the code failed."""

import pytest

from tests.factories import UserFactory
from tests.support.public_helpers import PLAN_ONE
from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.extensions import db

SECRET_DETAIL = "psycopg.OperationalError: password=hemmelig host=db.internal"


@pytest.fixture
def app_config():
    # As in production: an exception becomes the 500 page instead of reaching the test.
    return {"PROPAGATE_EXCEPTIONS": False}


def assert_error_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert f'<h1 class="ds-heading" data-size="lg">{heading}</h1>' in body
    assert 'lang="nb"' in body
    assert "Traceback" not in body and "werkzeug" not in body.lower()
    return body


def test_unknown_page_gives_norwegian_404(client):
    assert_error_page(client.get(PLAN_ONE + "/tiltak/finnes-ikke"), 404, "Fant ikke siden")


def test_wrong_method_gives_norwegian_405(client):
    response = client.delete("/")
    assert_error_page(response, 405, "Handlingen er ikke tillatt")
    assert "GET" in response.headers["Allow"]


def test_wrong_role_gives_norwegian_403(app, client, login):
    @app.get("/test-coordinators-only")
    @role_required(Role.COORDINATOR)
    def coordinators_only():
        return "hemmelig side"

    login(UserFactory(role=Role.CONTACT))
    db.session.commit()
    body = assert_error_page(client.get("/test-coordinators-only"), 403, "Ingen tilgang")
    assert "hemmelig side" not in body


def test_crash_gives_norwegian_500_without_internals(app, client):
    @app.get("/test-crash")
    def crash():
        raise RuntimeError(SECRET_DETAIL)

    body = assert_error_page(client.get("/test-crash"), 500, "Noe gikk galt")
    assert "hemmelig" not in body and "RuntimeError" not in body and "db.internal" not in body
    # The app keeps serving after the crash.
    assert client.get("/").status_code == 200


def test_form_without_csrf_token_gives_norwegian_400_and_changes_nothing(app, client):
    received = []

    @app.post("/test-form")
    def form():
        received.append(True)
        return "lagret"

    body = assert_error_page(
        client.post("/test-form", data={"narrative": "tekst"}), 400, "Skjemaet er utløpt"
    )
    assert "last inn siden på nytt" in body
    assert received == []
