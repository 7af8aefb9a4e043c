"""Changes that used to happen in silence are told to those concerned: closing and reopening a
round (its contact persons), withdrawing and re-publishing a publication, and a coordinator's
correction of a unit's text (that unit, with the difference)."""

from datetime import date

import pytest

from tests.support.smtp_server import MAIL_SETTINGS
from tests.support.workflow import build_world, fresh
from tests.test_mail_events import by_recipient, outbox
from tracker.reporting.operations import (
    close_round,
    correct_report,
    publish_round,
    reopen_round,
    withdraw_publication,
)
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.transactions import transaction

EVERYONE = {"leder@led.example.no", "med@med.example.no", "annen@ann.example.no"}


@pytest.fixture
def app_config():
    return dict(MAIL_SETTINGS)


def test_closing_and_reopening_a_round_tell_its_contacts_what_is_still_open(app):
    world = build_world(deadline=date(2099, 3, 15))
    with transaction():
        world.report.review_state = ReviewState.SUBMITTED
        close_round(world.reporting_round, world.coordinator, before_deadline_confirmed=True)
    closed = by_recipient(outbox("round_closed"))
    assert set(closed) == EVERYONE
    assert closed["annen@ann.example.no"].subject == "Runden er lukket: Status 2026"
    text = closed["annen@ann.example.no"].body_text
    assert "Dere kan ikke lenger endre eller sende inn rapporter." in text
    assert "Tiltak 8: Annet tiltak" in text  # never sent: keeps the previous public status
    assert "Tiltak 7" not in closed["leder@led.example.no"].body_text  # LED's was sent

    with transaction():
        reopen_round(fresh(world.reporting_round), world.coordinator)
    reopened = by_recipient(outbox("round_reopened"))
    assert set(reopened) == EVERYONE
    message = reopened["annen@ann.example.no"]
    assert message.subject == "Runden er åpnet igjen: Status 2026"
    assert "Fristen er 15. mars 2099." in message.body_text
    assert "Tiltak 8: Annet tiltak" in message.body_text
    assert "https://tracker.example.no/rapportering/" in message.body_text

    # Closed a second time: told again, not swallowed as a repeat of the first.
    with transaction():
        close_round(fresh(world.reporting_round), world.coordinator, before_deadline_confirmed=True)
    assert len(outbox("round_closed")) == 2 * len(EVERYONE)


def test_withdrawing_and_republishing_are_both_told(app):
    world = build_world(review_state=ReviewState.APPROVED, round_state=RoundState.CLOSED)
    with transaction():
        publish_round(world.reporting_round, world.coordinator)
    with transaction():
        withdraw_publication(fresh(world.reporting_round), world.coordinator)
    withdrawn = by_recipient(outbox("publication_withdrawn"))
    assert set(withdrawn) == EVERYONE
    assert withdrawn["leder@led.example.no"].subject == (
        "Publiseringen er trukket tilbake: Status 2026"
    )
    assert "forrige publiserte status" in withdrawn["leder@led.example.no"].body_text
    with transaction():
        publish_round(fresh(world.reporting_round), world.coordinator)
    assert len(outbox("round_published")) == 2 * len(EVERYONE)
    link = "https://tracker.example.no/planer/handlingsplan-rasisme-2024-2027/"
    assert all(link in message.body_text for message in outbox("round_published"))


def test_a_correction_tells_the_units_whose_text_it_was_with_the_difference(app):
    world = build_world(review_state=ReviewState.SUBMITTED)
    with transaction():
        correct_report(
            world.report,
            world.report.version,
            Status.COMPLETED,
            "Rettet tekst.",
            world.coordinator,
        )
    corrected = by_recipient(outbox("report_corrected"))
    assert set(corrected) == {"leder@led.example.no", "med@med.example.no"}
    message = corrected["med@med.example.no"]
    assert message.subject == "Koordinatoren har rettet rapporten for tiltak 7"
    assert "Kari Koordinator har rettet rapporten for tiltak 7" in message.body_text
    assert "[– Opprinnelig] [+ Rettet]" in message.body_text
    assert "Status: Pågående → Gjennomført" in message.body_text
    assert "<del" in message.body_html and "Opprinnelig" in message.body_html
