"""Subscriptions: asked for, confirmed, ended; and the messages a publication sends. Flush only;
the view or the publishing operation commits.

Abuse: anyone can type anyone's address, so a request sends at most one confirmation, each
address gets at most CONFIRMATIONS_PER_ADDRESS_PER_DAY of them whoever asks, and one client
address may ask at most REQUESTS_PER_CLIENT_PER_HOUR times. The page answers the same whether
a confirmation went out or not, so it tells nobody who subscribes to what.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from tracker.absolute_urls import absolute_url
from tracker.audit.models import AuditEvent
from tracker.audit.operations import client_address, record_event
from tracker.extensions import db
from tracker.i18n import DEFAULT_LOCALE
from tracker.mail.messages import render
from tracker.mail.models import MessageState, OutboxMessage
from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.public.queries import public_measures
from tracker.reporting.models import ReportingRound
from tracker.reporting.queries import reports_by_measure
from tracker.subscriptions.models import Subscription
from tracker.timeutil import utcnow
from tracker.user_errors import UserError

CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3
REQUESTS_PER_CLIENT_PER_HOUR = 20
UNCONFIRMED_DAYS = 7
REQUESTED = "subscription_requested"
CONFIRM_EVENT = "subscription_confirm"
UPDATE_EVENT = "subscription_update"
WITHDRAWN_EVENT = "subscription_withdrawn"
# Deliberately plain: one @, no spaces or angle brackets, a dot in the domain.
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")


class SubscriptionError(UserError):
    """A subscription request that is refused; ``message`` says why."""


class TooManyRequests(SubscriptionError):
    status = 429


@dataclass(frozen=True)
class Scope:
    """What a subscription is about, within its plan."""

    key: str  # the stored scope: «plan», «area:…», «unit:…», «measure:…»
    label: str  # as the pages and the mail name it (bokmål)


def checked_address(typed: str) -> str:
    address = (typed or "").strip()
    if len(address) > 254 or not _ADDRESS.match(address):
        raise SubscriptionError(
            _l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no."), field="email"
        )
    return address.lower()


def request_subscription(address: str, plan: Plan, scope: Scope, locale: str = "nb") -> None:
    """Store an unconfirmed subscription and queue its confirmation, within the limits. The
    mails are written in ``locale`` (the language of the page it was asked for on), and their
    links open the pages in it."""
    since_hour = utcnow() - timedelta(hours=1)
    remote_addr = client_address()
    if (
        remote_addr
        and (
            db.session.scalar(
                select(func.count()).where(
                    AuditEvent.event == REQUESTED,
                    AuditEvent.remote_addr == remote_addr,
                    AuditEvent.created_at > since_hour,
                )
            )
            or 0
        )
        >= REQUESTS_PER_CLIENT_PER_HOUR
    ):
        raise TooManyRequests(
            _l("For mange forespørsler om abonnement herfra. Prøv igjen om en time.")
        )
    record_event(REQUESTED, details={"plan": plan.slug})  # the client address, not the e-mail
    subscription = db.session.scalars(
        select(Subscription).where(
            Subscription.email == address,
            Subscription.plan_id == plan.id,
            Subscription.scope == scope.key,
        )
    ).first()
    if subscription is not None and subscription.confirmed_at is not None:
        return  # already receiving it: nothing to confirm, and nothing said
    if _confirmations_today(address) >= CONFIRMATIONS_PER_ADDRESS_PER_DAY:
        return
    if subscription is None:
        subscription = Subscription(email=address, plan=plan, scope=scope.key)
        db.session.add(subscription)
    subscription.locale = locale
    subscription.token = secrets.token_urlsafe(32)
    subscription.created_at = utcnow()
    db.session.flush()
    _queue(
        subscription,
        CONFIRM_EVENT,
        f"subscription:{subscription.id}:confirm:{subscription.token[:12]}",
        "subscription_confirm",
        _l("Bekreft at du vil få e-post om %(what)s", what=scope.label),
        scope=scope,
        confirm_link=absolute_url(
            "subscriptions.confirm_link", token=subscription.token, lang=_lang(subscription)
        ),
    )


def _confirmations_today(address: str) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                OutboxMessage.event == CONFIRM_EVENT,
                OutboxMessage.recipient == address,
                OutboxMessage.created_at > utcnow() - timedelta(days=1),
            )
        )
        or 0
    )


def _lang(subscription: Subscription) -> str | None:
    """The ``lang`` argument of the mail's links: none for bokmål, the pages' default."""
    return None if subscription.locale == DEFAULT_LOCALE else subscription.locale


def _unsubscribe_link(subscription: Subscription) -> str:
    return absolute_url(
        "subscriptions.unsubscribe_link", token=subscription.token, lang=_lang(subscription)
    )


def _queue(subscription: Subscription, event: str, event_key: str, template, subject, **context):
    unsubscribe = _unsubscribe_link(subscription)
    rendered = render(
        template,
        subject,
        subscription.locale,
        plan=subscription.plan,
        unsubscribe_link=unsubscribe,
        **context,
    )
    db.session.add(
        OutboxMessage(
            event=event,
            event_key=event_key,
            recipient=subscription.email,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            state=MessageState.PENDING,
            next_attempt_at=utcnow(),
            unsubscribe_url=unsubscribe,
        )
    )
    db.session.flush()


def subscription_by_token(token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalars(select(Subscription).where(Subscription.token == token)).first()


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()
        db.session.flush()


def unsubscribe(subscription: Subscription) -> None:
    """End it and forget the address: the row and every message of this subscription go."""
    _forget(subscription.id)
    db.session.delete(subscription)
    db.session.flush()


def _forget(subscription_id: int) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.event_key.startswith(f"subscription:{subscription_id}:")
        ),
        execution_options={"synchronize_session": False},
    )


def delete_unconfirmed(now) -> int:
    """Requests nobody confirmed within UNCONFIRMED_DAYS (flask retention apply)."""
    stale = list(
        db.session.scalars(
            select(Subscription.id).where(
                Subscription.confirmed_at.is_(None),
                Subscription.created_at < now - timedelta(days=UNCONFIRMED_DAYS),
            )
        )
    )
    for subscription_id in stale:
        _forget(subscription_id)
    if stale:
        db.session.execute(
            delete(Subscription).where(Subscription.id.in_(stale)),
            execution_options={"synchronize_session": False},
        )
    return len(stale)


# --- What a publication sends ----------------------------------------------------------------


def _matches(scope: str, measure: Measure) -> bool:
    kind, _, value = scope.partition(":")
    if kind == "plan":
        return True
    if kind == "area":
        return measure.area.key == value
    if kind == "unit":
        return any(unit.abbreviation == value for unit in measure.units)
    return kind == "measure" and str(measure.number) == value


@dataclass(frozen=True)
class _Notice:
    """One kind of message a publication's change sends to subscribers."""

    event: str
    template: str
    subject: Callable[[str], object]  # the round's title → the mail's subject
    key_word: str  # in the outbox key, beside the publication's time


_PUBLISHED = _Notice(
    UPDATE_EVENT,
    "subscription_update",
    lambda title: _l("Ny status publisert: %(title)s", title=title),
    "published",
)
_WITHDRAWN = _Notice(
    WITHDRAWN_EVENT,
    "subscription_withdrawn",
    lambda title: _l("Status trukket tilbake: %(title)s", title=title),
    "withdrawn",
)


def notify_round_published(reporting_round: ReportingRound) -> int:
    """Called by publish_round, in its transaction: what the round made public, to the
    subscribers it concerns (three queries, whatever the number of subscribers)."""
    return _notify(reporting_round, _PUBLISHED, reporting_round.published_at)


def notify_publication_withdrawn(reporting_round: ReportingRound, published_at) -> int:
    """Called by withdraw_publication, in its transaction: the subscribers the publication of
    ``published_at`` mailed hear that its status is no longer public, so nobody keeps quoting
    a status the coordinator took back."""
    return _notify(reporting_round, _WITHDRAWN, published_at)


def _measure_link(plan: Plan, lang: str | None) -> Callable[[Measure], str]:
    return lambda measure: absolute_url(
        "public.measure_detail", plan_slug=plan.slug, number=measure.number, lang=lang
    )


def _notify(reporting_round: ReportingRound, notice: _Notice, published_at) -> int:
    """One message per confirmed subscription in the round's plan whose scope holds a measure
    with a published status in the round. The outbox key names the publication (its time), so
    a round withdrawn and published again is mailed again, and never twice for one publication.
    One query when the plan has no subscribers: the round's measures and reports took a second
    to read at 100 times today's data."""
    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .where(
                Subscription.plan_id == reporting_round.plan_id,
                Subscription.confirmed_at.is_not(None),
            )
            .order_by(Subscription.id)
        )
    )
    if not subscriptions:
        return 0
    measures = public_measures(reporting_round.plan, reporting_round)
    reports = reports_by_measure(reporting_round)
    plan = reporting_round.plan
    publication = published_at.isoformat() if published_at else "unknown"
    queued = 0
    for subscription in subscriptions:
        reported = [
            (measure, reports[measure.id])
            for measure in measures
            if measure.id in reports and _matches(subscription.scope, measure)
        ]
        if not reported:
            continue
        _queue(
            subscription,
            notice.event,
            f"subscription:{subscription.id}:round:{reporting_round.id}:"
            f"{notice.key_word}:{publication}",
            notice.template,
            notice.subject(reporting_round.title),
            reporting_round=reporting_round,
            reported=reported,
            link=_measure_link(plan, _lang(subscription)),
            plan_link=absolute_url("public.index", plan_slug=plan.slug, lang=_lang(subscription)),
        )
        queued += 1
    return queued
