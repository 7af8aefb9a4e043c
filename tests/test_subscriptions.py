"""E-mail subscriptions for the public, against a real SMTP server: asked for, confirmed (double
opt-in), mailed on publication, ended with one click (RFC 8058), and bounded against abuse."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import MeasureFactory, ReportFactory, RoundFactory, UnitFactory, UserFactory
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.mail.sender import deliver_pending
from tracker.reporting.operations import publish_round, withdraw_publication
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.subscriptions.models import Subscription
from tracker.transactions import transaction

PLAN = "/planer/handlingsplan-rasisme-2024-2027"
READER = "leser@example.no"


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


@pytest.fixture
def plan_with_closed_round(app):
    """Measures 7 (unit KDD) and 8 (unit AID); a closed round with both approved."""
    kdd, aid = UnitFactory(abbreviation="KDD"), UnitFactory(abbreviation="AID")
    seven = MeasureFactory(number=7, title="Kampanje", units=[kdd])
    eight = MeasureFactory(number=8, title="Kurs", units=[aid], area=seven.area)
    RoundFactory(midterm=True)
    closed = RoundFactory(slug="host-2026", title="Høst 2026", state=RoundState.CLOSED)
    for measure, status in ((seven, Status.COMPLETED), (eight, Status.IN_PROGRESS)):
        ReportFactory(
            round=closed, measure=measure, status=status, review_state=ReviewState.APPROVED
        )
    db.session.commit()
    return closed


def subscribe(client, email=READER, **form):
    return client.post(PLAN + "/abonnement", data={"email": email, **form})


def link_in(text: str, path: str) -> str:
    return re.search(rf"https://tracker\.example\.no{path}/[A-Za-z0-9_-]+", text).group(0)


def local(url: str) -> str:
    return url.removeprefix("https://tracker.example.no")


def test_subscribe_confirm_get_mail_on_publication_and_unsubscribe_with_one_click(
    app, client, smtp_server, plan_with_closed_round
):
    smtp_server.start()
    form = client.get(PLAN + "/abonnement?tiltak=7").get_data(as_text=True)
    assert '<option value="measure:7" selected>' in form

    sent = subscribe(client, omfang="measure:7")
    assert sent.status_code == 200
    assert "Sjekk e-posten din" in sent.get_data(as_text=True)
    assert "Set-Cookie" not in sent.headers  # no cookie for a reader
    deliver_pending()
    [confirmation] = smtp_server.to(READER)
    assert confirmation.subject == "Bekreft at du vil få e-post om tiltak 7: Kampanje"
    confirm_url = link_in(confirmation.text, "/abonnement/bekreft")

    # Nothing is sent to an address that has not confirmed.
    with transaction():
        publish_round(plan_with_closed_round, UserFactory(role=Role.COORDINATOR))
    deliver_pending()
    assert len(smtp_server.to(READER)) == 1

    # A mail scanner's GET confirms nothing; the reader's button does.
    assert client.get(local(confirm_url)).status_code == 200
    assert db.session.scalar(select(Subscription.confirmed_at)) is None
    confirmed = client.post(local(confirm_url))
    assert "Abonnementet er bekreftet" in confirmed.get_data(as_text=True)
    assert confirmed.headers["Referrer-Policy"] == "no-referrer"

    later = RoundFactory(slug="var-2027", title="Vår 2027", state=RoundState.CLOSED)
    ReportFactory(
        round=later,
        measure=db.session.scalars(select(MeasureFactory._meta.model).filter_by(number=7)).one(),
        status=Status.COMPLETED,
        review_state=ReviewState.APPROVED,
    )
    with transaction():
        publish_round(later, UserFactory(role=Role.COORDINATOR))
    deliver_pending()
    update = smtp_server.to(READER)[-1]
    assert update.subject == "Ny status publisert: Vår 2027"
    assert "Tiltak 7: Kampanje: Gjennomført" in update.text and "Kurs" not in update.text
    unsubscribe_url = link_in(update.text, "/abonnement/avslutt")
    assert update.message["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert update.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The mail program's one click: a POST with that body, no cookie, no CSRF token.
    ended = client.post(local(unsubscribe_url), data={"List-Unsubscribe": "One-Click"})
    assert ended.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert (
        db.session.scalar(select(func.count()).where(OutboxMessage.recipient == READER)) == 0
    )  # the address is gone
    assert client.post(local(unsubscribe_url)).status_code == 200  # a second click is harmless
    assert client.get(local(unsubscribe_url)).status_code == 404


def test_a_plan_subscription_hears_of_every_measure_a_unit_one_of_its_own(
    app, client, smtp_server, plan_with_closed_round
):
    smtp_server.start()
    subscribe(client, "plan@example.no", omfang="plan")
    subscribe(client, "enhet@example.no", omfang="unit:AID")
    deliver_pending()
    for received in smtp_server.received:
        client.post(local(link_in(received.text, "/abonnement/bekreft")))
    with transaction():
        publish_round(plan_with_closed_round, UserFactory(role=Role.COORDINATOR))
    deliver_pending()
    [plan_mail] = smtp_server.to("plan@example.no")[1:]
    assert "Tiltak 7: Kampanje" in plan_mail.text and "Tiltak 8: Kurs" in plan_mail.text
    [unit_mail] = smtp_server.to("enhet@example.no")[1:]
    assert "Tiltak 8: Kurs: Pågående" in unit_mail.text and "Kampanje" not in unit_mail.text


def test_nobody_can_mail_bomb_an_address_or_flood_from_one_client(
    app, client, plan_with_closed_round
):
    for _ in range(5):
        assert subscribe(client, "offer@example.no", omfang="plan").status_code == 200
    confirmations = db.session.scalar(
        select(func.count()).where(OutboxMessage.recipient == "offer@example.no")
    )
    assert confirmations == 3  # whoever asks, at most three a day
    for number in range(15):
        subscribe(client, f"person{number}@example.no", omfang="plan")
    refused = subscribe(client, "en-til@example.no", omfang="plan")
    assert refused.status_code == 429
    assert "For mange forespørsler om abonnement herfra" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).where(Subscription.email == "en-til@example.no"))
        == 0
    )


def test_bad_input_gets_a_norwegian_message_and_stores_nothing(app, client, plan_with_closed_round):
    for email in (
        "",
        "ikke-en-adresse",
        "a@b",
        "to@example.no, tre@example.no",
        "x" * 250 + "@e.no",
    ):
        response = subscribe(client, email, omfang="plan")
        assert response.status_code == 400, email
        assert "Skriv en gyldig e-postadresse" in response.get_data(as_text=True)
    wrong_scope = subscribe(client, omfang="measure:999")
    assert wrong_scope.status_code == 400
    assert "Velg hva du vil få e-post om." in wrong_scope.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_unconfirmed_requests_are_deleted_after_a_week(app, runner, client, plan_with_closed_round):
    subscribe(client, omfang="plan")
    subscription = db.session.scalars(select(Subscription)).one()
    subscription.created_at = datetime.now(UTC) - timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["retention", "apply"])
    assert "Slettet 1 ubekreftede abonnementer eldre enn 7 dager." in result.output
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert db.session.scalar(select(func.count()).where(OutboxMessage.recipient == READER)) == 0


def test_the_publication_mail_links_a_measures_sami_text_where_it_has_one(
    app, client, smtp_server, plan_with_closed_round
):
    seven = db.session.scalars(select(MeasureFactory._meta.model).filter_by(number=7)).one()
    next(
        r for r in plan_with_closed_round.reports if r.measure_id == seven.id
    ).narrative_se = "Bargu lea jođus."
    db.session.commit()
    smtp_server.start()
    subscribe(client, "plan@example.no", omfang="plan")
    deliver_pending()
    client.post(local(link_in(smtp_server.received[0].text, "/abonnement/bekreft")))
    with transaction():
        publish_round(plan_with_closed_round, UserFactory(role=Role.COORDINATOR))
    deliver_pending()
    [mail] = smtp_server.to("plan@example.no")[1:]
    # The mail is in bokmål and carries no measure text; a Sámi text is a link to it.
    sami_link = f"https://tracker.example.no{PLAN}/tiltak/7#narrative-se"
    text = mail.text.replace("\r\n", "\n")
    assert (
        f"- Tiltak 7: Kampanje: Gjennomført\n  https://tracker.example.no{PLAN}/tiltak/7\n"
        f"  Sámegillii: {sami_link}\n- Tiltak 8: Kurs: Pågående\n"
    ) in text
    assert text.count("Sámegillii") == 1 and "Bargu" not in text
    assert f'<a href="{sami_link}" lang="se">Sámegillii</a>' in mail.html


def test_a_withdrawn_publication_is_told_and_a_republication_mailed_again(
    app, client, smtp_server, plan_with_closed_round
):
    smtp_server.start()
    subscribe(client, omfang="measure:7")
    deliver_pending()
    client.post(local(link_in(smtp_server.to(READER)[0].text, "/abonnement/bekreft")))
    coordinator = UserFactory(role=Role.COORDINATOR)

    with transaction():
        publish_round(plan_with_closed_round, coordinator)
    with transaction():
        withdraw_publication(plan_with_closed_round, coordinator)
    deliver_pending()
    published, withdrawn = smtp_server.to(READER)[1:]
    assert published.subject == "Ny status publisert: Høst 2026"
    assert withdrawn.subject == "Status trukket tilbake: Høst 2026"
    assert "Tiltak 7: Kampanje" in withdrawn.text and "Kurs" not in withdrawn.text
    assert withdrawn.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Published again (after a correction): the reader hears of it again.
    with transaction():
        publish_round(plan_with_closed_round, coordinator)
    deliver_pending()
    again = smtp_server.to(READER)[-1]
    assert again.subject == "Ny status publisert: Høst 2026"
    assert len(smtp_server.to(READER)) == 4


def test_a_reader_who_subscribed_in_english_gets_english_mail_with_english_links(
    app, client, smtp_server, plan_with_closed_round
):
    smtp_server.start()
    client.post(PLAN + "/abonnement?lang=en", data={"email": READER, "omfang": "measure:7"})
    deliver_pending()
    [confirmation] = smtp_server.to(READER)
    assert confirmation.subject == "Confirm that you want e-mail about measure 7: Kampanje"
    confirm_url = re.search(r"https://\S+/abonnement/bekreft/\S+", confirmation.text).group(0)
    assert confirm_url.endswith("?lang=en")
    assert "Confirm" in client.get(local(confirm_url)).get_data(as_text=True)
    client.post(local(confirm_url))

    with transaction():
        publish_round(plan_with_closed_round, UserFactory(role=Role.COORDINATOR))
    deliver_pending()
    update = smtp_server.to(READER)[-1]
    assert update.subject == "New status published: Høst 2026"
    assert "Measure 7: Kampanje: Completed" in update.text
    assert f"https://tracker.example.no{PLAN}/tiltak/7?lang=en" in update.text
    assert "?lang=en" in update.message["List-Unsubscribe"]
