"""Without MAIL_URL (development) messages stay in the outbox and the admin reads them there."""

from datetime import date

import pytest

from tests.factories import PlanFactory
from tests.support.app import make_app
from tests.support.workflow import build_world, snapshot
from tracker.config import ConfigurationError
from tracker.reporting.operations import open_round
from tracker.reporting.states import RoundState
from tracker.transactions import transaction


def test_without_mail_url_messages_wait_and_the_admin_page_shows_their_text(
    app, runner, client, login
):
    world = build_world(round_state=RoundState.PUBLISHED)
    with transaction():
        open_round(
            PlanFactory(),
            "status-2027",
            "Status 2027",
            date(2027, 6, 1),
            date(2027, 3, 15),
            world.coordinator,
        )
    before = snapshot()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert "MAIL_URL er ikke satt, så ingenting sendes. 3 meldinger venter" in result.output
    assert snapshot() == before

    login(world.admin)
    page = client.get("/admin/utboks").get_data(as_text=True)
    assert "MAIL_URL er ikke satt" in page
    assert "Venter: 3" in page
    assert "Ny rapporteringsrunde: Status 2027" in page
    assert "Tiltak 8: Annet tiltak" in page
    assert "http://127.0.0.1:5000/rapportering/" in page  # the development PUBLIC_URL


def test_the_outbox_page_is_for_administrators_only(app, client, login):
    world = build_world()
    login(world.coordinator)
    assert client.get("/admin/utboks").status_code == 403


def test_a_malformed_mail_url_stops_the_app_at_start(app):
    with pytest.raises(ConfigurationError, match="MAIL_URL må ha formen"):
        make_app("sqlite://", MAIL_URL="http://mail.example.no")
