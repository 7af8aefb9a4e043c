"""Approvals and returns gathered per contact person: one message per review sitting (after the
quiet period, or at «Ferdig med gjennomgangen»), or one a day for those who chose it; delivered
to a real SMTP server."""

from datetime import timedelta

import pytest

from tests.factories import MeasureFactory, ReportFactory
from tests.support.workflow import build_world, csrf_token, make_user
from tracker.extensions import db
from tracker.mail.models import DecisionMail
from tracker.mail.operations import set_decision_choice
from tracker.mail.sender import deliver_pending
from tracker.models import Role
from tracker.reporting.operations import approve_report, return_report
from tracker.reporting.states import ReviewState
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.timeutil import utcnow
from tracker.transactions import transaction


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def sixteen_submitted(world) -> list:
    """LED's measure 7 (shared with MED) and fifteen more of LED's own, all waiting for review."""
    reports = [world.report]
    for number in range(20, 35):
        measure = MeasureFactory(number=number, title=f"LED-tiltak {number}", units=[world.lead])
        reports.append(
            ReportFactory(
                round=world.reporting_round,
                measure=measure,
                review_state=ReviewState.SUBMITTED,
                narrative="Tekst.",
            )
        )
    db.session.commit()
    return reports


def review(world, reports) -> None:
    """The coordinator approves fifteen and returns one, with a two-line comment."""
    with transaction():
        return_report(reports[3], "Mangler årstall.\nHvem har ansvaret?", world.coordinator)
        for report in reports[:3] + reports[4:]:
            approve_report(report, world.coordinator)


def test_a_review_sitting_sends_each_contact_one_message_with_every_decision(
    app, client, login, smtp_server
):
    smtp_server.start()
    world = build_world(review_state=ReviewState.SUBMITTED)
    reports = sixteen_submitted(world)
    review(world, reports)

    # Straight after the decisions: the sitting may go on, so nothing is sent yet.
    deliver_pending()
    assert smtp_server.received == []

    login(world.coordinator)
    overview = f"/rapportering/{world.reporting_round.slug}/oversikt"
    done = client.post(
        f"/rapportering/{world.reporting_round.slug}/gjennomgang-ferdig",
        data={"csrf_token": csrf_token(client, overview), "next": overview},
        follow_redirects=True,
    )
    assert "Tilbakemeldingene er samlet i 2 e-poster" in done.get_data(as_text=True)
    deliver_pending()

    [lead] = smtp_server.to("leder@led.example.no")
    assert lead.subject == "Gjennomgått: 15 godkjent, 1 sendt tilbake"
    assert "Sendt tilbake (1)" in lead.text and "Godkjent (15)" in lead.text
    assert "Tiltak 22: LED-tiltak 22" in lead.text
    assert "  > Mangler årstall.\r\n  > Hvem har ansvaret?" in lead.text
    assert "Mangler årstall." in lead.html
    assert "https://tracker.example.no/rapportering/status-2026/tiltak/34" in lead.text
    # MED shares measure 7 only: one message, about that one.
    [co] = smtp_server.to("med@med.example.no")
    assert co.subject == "Gjennomgått: 1 godkjent"
    assert "Tiltak 7: Felles tiltak" in co.text and "LED-tiltak" not in co.text
    assert smtp_server.to("annen@ann.example.no") == []

    # Pressed again: nothing new to tell.
    again = client.post(
        f"/rapportering/{world.reporting_round.slug}/gjennomgang-ferdig",
        data={"csrf_token": csrf_token(client, overview)},
        follow_redirects=True,
    )
    assert "Det er ingen nye tilbakemeldinger å sende." in again.get_data(as_text=True)
    deliver_pending(utcnow() + timedelta(hours=1))
    assert len(smtp_server.received) == 2


def test_after_the_quiet_period_the_sitting_goes_out_by_itself(app, smtp_server):
    smtp_server.start()
    world = build_world(review_state=ReviewState.SUBMITTED)
    reports = sixteen_submitted(world)
    review(world, reports)

    deliver_pending(utcnow() + timedelta(minutes=9))  # still inside the 10 quiet minutes
    assert smtp_server.received == []
    deliver_pending(utcnow() + timedelta(minutes=11))
    assert [m.subject for m in smtp_server.to("leder@led.example.no")] == [
        "Gjennomgått: 15 godkjent, 1 sendt tilbake"
    ]
    assert len(smtp_server.received) == 2


def test_a_contact_who_chose_daily_hears_from_the_morning_run(app, runner, smtp_server):
    smtp_server.start()
    world = build_world(review_state=ReviewState.SUBMITTED)
    set_decision_choice(world.lead_contact, DecisionMail.DAILY)
    inactive = make_user(Role.CONTACT, world.lead, email="sluttet@led.example.no", active=False)
    assert inactive is not None
    db.session.commit()
    review(world, sixteen_submitted(world))

    deliver_pending(utcnow() + timedelta(hours=2))
    assert smtp_server.to("leder@led.example.no") == []  # waits for the morning
    assert len(smtp_server.to("med@med.example.no")) == 1  # «straks», the default

    # The timer the next morning (and an operator's --date) sends everything gathered before.
    tomorrow = oslo_today() + timedelta(days=1)
    result = runner.invoke(args=["reminders", "send", "--date", tomorrow.isoformat()])
    assert "1 samlede tilbakemeldinger" in result.output, result.output
    runner.invoke(args=["mail", "send"])
    [daily] = smtp_server.to("leder@led.example.no")
    assert daily.subject == "Gjennomgått: 15 godkjent, 1 sendt tilbake"
    assert smtp_server.to("sluttet@led.example.no") == []
    assert len(smtp_server.received) == 2


def test_a_contact_chooses_daily_on_their_notifications_page(app, client, login):
    world = build_world()
    login(world.lead_contact)
    page = client.get("/konto/varsler").get_data(as_text=True)
    assert "Straks: én samlet e-post når koordinatoren er ferdig" in page
    refused = client.post(
        "/konto/varsler", data={"decisions": "hourly", "csrf_token": csrf_token(client)}
    )
    assert refused.status_code == 400
    saved = client.post(
        "/konto/varsler", data={"decisions": "daily", "csrf_token": csrf_token(client)}
    )
    assert saved.status_code == 302
    page = client.get("/konto/varsler").get_data(as_text=True)
    assert 'value="daily"' in page and "checked" in page.split('value="daily"')[0][-80:]
