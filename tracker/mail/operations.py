"""Writes of the mail module: messages added to the outbox in the caller's transaction.

Each event function is called once by the operation that causes the event (open a round,
return a report, ...). They only add rows and flush; if the caller's change rolls back, so do
its messages. Inactive users get nothing.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from tracker.absolute_urls import absolute_url
from tracker.auth.models import Role, User
from tracker.db_locks import hold_until_commit
from tracker.extensions import db
from tracker.i18n import TIMEZONE
from tracker.mail import queries
from tracker.mail.messages import render
from tracker.mail.models import (
    DecisionMail,
    MailPreference,
    MessageState,
    OutboxMessage,
    ReviewNotice,
    SubmissionMail,
)
from tracker.reporting.diff import compare_text
from tracker.reporting.workflow_queries import (
    OUTSTANDING,
    open_rounds,
    progress_of,
    reports_in_round,
    unpublished_rounds,
    waiting_for_review,
)
from tracker.timeutil import utcnow


def queue_message(
    user: User, event: str, event_key: str, template: str, subject, **context
) -> OutboxMessage | None:
    """Add one message for ``user``; None when the user is inactive or already has it.

    The (event_key, recipient) unique constraint is the last word; the check here keeps a
    repeated call (``reminders send`` run twice) from failing the caller's transaction.
    """
    if not user.active:
        return None
    if user.email in queries.existing_recipients(event_key):
        return None
    rendered = render(template, subject, user=user, **context)
    message = OutboxMessage(
        event=event,
        event_key=event_key,
        recipient=user.email,
        user_id=user.id,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        state=MessageState.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


# --- The reporting workflow's events -------------------------------------------------------------


def notify_round_opened(reporting_round) -> int:
    """Every active contact person of every unit responsible in the round: deadline and their
    measures."""
    by_unit = queries.contacted_reports_by_unit(reporting_round)
    queued = 0
    for contact in queries.active_contacts_of(by_unit):
        if contact.unit_id is None:  # never: the database requires a contact's unit
            continue
        queued += bool(
            queue_message(
                contact,
                "round_opened",
                f"round_opened:{reporting_round.id}",
                "round_opened",
                _l("Ny rapporteringsrunde: %(title)s", title=reporting_round.title),
                reporting_round=reporting_round,
                plan=reporting_round.plan,
                reports=by_unit[contact.unit_id],
                link=absolute_url("reporting.start"),
            )
        )
    return queued


def _contacts_of_report(report) -> list[User]:
    return queries.active_contacts_of(unit.id for unit in report.measure.units)


def _report_link(report) -> str:
    return absolute_url("reporting.report", slug=report.round.slug, number=report.measure.number)


def gather_review_decision(report, revision) -> int:
    """Note the coordinator's approval or return for every active contact person of the report's
    units. Nothing is sent yet: the notes of one review sitting go out as one message per
    person (``release_review_notices``), instead of one message per report."""
    contacts = _contacts_of_report(report)
    db.session.add_all(ReviewNotice(user_id=c.id, revision_id=revision.id) for c in contacts)
    db.session.flush()
    return len(contacts)


def release_review_notices(
    *, quiet_before: datetime | None = None, created_before: datetime | None = None, round_id=None
) -> int:
    """Turn gathered decisions into one message per contact person; returns how many messages.

    - ``quiet_before`` (the mail sender's pass): people who take them «straks» and whose newest
      decision is older than that, i.e. the coordinator's sitting is over.
    - ``round_id`` (the coordinator's «Ferdig med gjennomgangen»): everything of the round for
      those who take them «straks».
    - ``created_before`` (the daily run): everything gathered before then, for everyone.
    """
    chosen = dict(quiet_before=quiet_before, created_before=created_before, round_id=round_id)
    if not queries.gathered_review_notices(**chosen):
        return 0  # the sender's usual pass: no lock taken, nothing written
    hold_until_commit(db.session, "review-notices")  # two senders never release one note twice
    notices = queries.gathered_review_notices(**chosen)
    by_user: dict[int, list[ReviewNotice]] = defaultdict(list)
    for notice in notices:
        by_user[notice.user_id].append(notice)
    users = {notice.user_id: notice.user for notice in notices}
    choices = queries.decision_choices(list(users.values()))
    now = utcnow()
    queued = 0
    for user_id, gathered in by_user.items():
        if created_before is None and choices[user_id] == DecisionMail.DAILY:
            continue  # theirs wait for the morning run
        queued += bool(_queue_review_summary(users[user_id], gathered))
        for notice in gathered:
            notice.released_at = now
    db.session.flush()
    return queued


def _queue_review_summary(user: User, notices: list) -> OutboxMessage | None:
    latest = {notice.revision.report_id: notice.revision for notice in notices}  # by id: last wins
    decisions = sorted(
        latest.values(),
        key=lambda revision: (revision.report.round.as_of, revision.report.measure.number),
    )
    returned = [(r, _report_link(r.report)) for r in decisions if r.action == "returned"]
    approved = [(r, _report_link(r.report)) for r in decisions if r.action == "approved"]
    plans = {revision.report.round.plan for revision in decisions}
    rounds = {revision.report.round for revision in decisions}
    if returned and approved:
        subject = _l(
            "Gjennomgått: %(approved)d godkjent, %(returned)d sendt tilbake",
            approved=len(approved),
            returned=len(returned),
        )
    elif returned:
        subject = _l("Gjennomgått: %(returned)d sendt tilbake til dere", returned=len(returned))
    else:
        subject = _l("Gjennomgått: %(approved)d godkjent", approved=len(approved))
    return queue_message(
        user,
        "review_decisions",
        f"review_decisions:{notices[0].id}-{notices[-1].id}",
        "review_decisions",
        subject,
        returned=returned,
        approved=approved,
        plan=plans.pop() if len(plans) == 1 else None,
        reporting_round=rounds.pop() if len(rounds) == 1 else None,
        link=absolute_url("reporting.start"),
    )


def notify_report_submitted(report) -> int:
    """The plan's coordinators who chose to hear at once; the others get the daily digest."""
    coordinators = queries.active_coordinators_of([report.round.plan_id])
    choices = queries.submission_choices(coordinators)
    subject = _l(
        "%(ministry)s har sendt inn tiltak %(number)d",
        ministry=report.measure.lead_unit.abbreviation,
        number=report.measure.number,
    )
    return sum(
        bool(
            queue_message(
                coordinator,
                "report_submitted",
                f"report_submitted:{report.id}:v{report.version}",
                "report_submitted",
                subject,
                report=report,
                plan=report.round.plan,
                link=_report_link(report),
            )
        )
        for coordinator in coordinators
        if choices[coordinator.id] == SubmissionMail.IMMEDIATE
    )


def notify_round_published(reporting_round) -> int:
    """The active contact persons of every unit responsible in the round's plan: the round's
    status is now public. Published again after a withdrawal, it is told again."""
    plan = reporting_round.plan
    return sum(
        bool(
            queue_message(
                contact,
                "round_published",
                f"round_published:{reporting_round.id}:{_moment(reporting_round.published_at)}",
                "round_published",
                _l("Status er publisert: %(title)s", title=reporting_round.title),
                reporting_round=reporting_round,
                plan=plan,
                link=absolute_url("public.index", plan_slug=plan.slug),
            )
        )
        for contact in queries.active_contacts_of(queries.units_responsible_in(plan))
    )


def _moment(moment: datetime | None) -> str:
    """A change's time as part of an event key: each occurrence is its own event."""
    return (moment or utcnow()).strftime("%Y%m%dT%H%M%S.%f")


def notify_publication_withdrawn(reporting_round) -> int:
    """Those told of the publication: it is withdrawn, the public sees the previous status."""
    plan = reporting_round.plan
    return sum(
        bool(
            queue_message(
                contact,
                "publication_withdrawn",
                f"publication_withdrawn:{reporting_round.id}:{_moment(None)}",
                "round_notice",
                _l("Publiseringen er trukket tilbake: %(title)s", title=reporting_round.title),
                paragraphs=[
                    _l(
                        "Koordinatoren har trukket tilbake publiseringen av «%(title)s». Den "
                        "offentlige siden viser igjen forrige publiserte status. Runden kan "
                        "publiseres på nytt; da får du beskjed.",
                        title=reporting_round.title,
                    )
                ],
                reports=[],
                plan=plan,
                link=absolute_url("public.index", plan_slug=plan.slug),
                link_label=_l("Se den offentlige siden"),
            )
        )
        for contact in queries.active_contacts_of(queries.units_responsible_in(plan))
    )


def notify_round_reopened(reporting_round) -> int:
    """The round's contact persons: they can edit and submit again, and what is still open."""
    return _notify_round_contacts(
        reporting_round,
        "round_reopened",
        _l("Runden er åpnet igjen: %(title)s", title=reporting_round.title),
        [
            _l(
                "Koordinatoren har åpnet rapporteringsrunden «%(title)s» igjen. Dere kan endre "
                "og sende inn rapporter.",
                title=reporting_round.title,
            ),
        ],
        _l("Ikke sendt inn ennå:"),
        deadline=reporting_round.deadline,
    )


def notify_round_closed(reporting_round) -> int:
    """The round's contact persons: no more changes, and what of theirs was never sent."""
    return _notify_round_contacts(
        reporting_round,
        "round_closed",
        _l("Runden er lukket: %(title)s", title=reporting_round.title),
        [
            _l(
                "Koordinatoren har lukket rapporteringsrunden «%(title)s». Dere kan ikke lenger "
                "endre eller sende inn rapporter. Rapportene som er sendt inn, blir gått gjennom "
                "før statusen publiseres.",
                title=reporting_round.title,
            )
        ],
        _l("Disse ble ikke sendt inn, og blir stående med forrige publiserte status:"),
    )


def _notify_round_contacts(
    reporting_round, event: str, subject, paragraphs, list_heading, deadline=None
) -> int:
    by_unit = queries.contacted_reports_by_unit(reporting_round)
    key = f"{event}:{reporting_round.id}:{_moment(None)}"
    queued = 0
    for contact in queries.active_contacts_of(by_unit):
        if contact.unit_id is None:  # never: the database requires a contact's unit
            continue
        outstanding = [r for r in by_unit[contact.unit_id] if progress_of(r) in OUTSTANDING]
        queued += bool(
            queue_message(
                contact,
                event,
                key,
                "round_notice",
                subject,
                paragraphs=paragraphs,
                reports=outstanding,
                list_heading=list_heading,
                deadline=deadline,
                plan=reporting_round.plan,
                link=absolute_url("reporting.start"),
                link_label=_l("Rapportene deres"),
            )
        )
    return queued


def notify_report_corrected(report, old_status, old_narrative: str, corrector) -> int:
    """The responsible units' contact persons: the coordinator changed their text, and how."""
    return sum(
        bool(
            queue_message(
                contact,
                "report_corrected",
                f"report_corrected:{report.id}:v{report.version}",
                "report_corrected",
                _l(
                    "Koordinatoren har rettet rapporten for tiltak %(number)d",
                    number=report.measure.number,
                ),
                report=report,
                corrector=corrector,
                old_status=old_status,
                pieces=compare_text(old_narrative, report.narrative),
                plan=report.round.plan,
                link=_report_link(report),
            )
        )
        for contact in _contacts_of_report(report)
    )


# --- What the daily timer queues -----------------------------------------------------------------

# (kind, first day relative to the deadline, last day relative to it); a missed timer run
# still sends a reminder later within its window, and each is sent once per round.
REMINDERS = (
    ("7_days", -7, -2),
    ("1_day", -1, 0),
    ("overdue", 1, None),
)


def due_reminder(reporting_round, today: date) -> str | None:
    """Which reminder is due today, if any. None before its window, and for a reminder whose
    day came before the round opened (the opening message already said the deadline)."""
    deadline = reporting_round.deadline
    if deadline is None:
        return None
    opened_on = _oslo_date(reporting_round.opened_at)
    due = None
    for kind, first, last in REMINDERS:
        first_day = deadline + timedelta(days=first)
        last_day = deadline + timedelta(days=last) if last is not None else date.max
        if first_day <= today <= last_day and opened_on < first_day:
            due = kind
    return due


def queue_due_reminders(today: date) -> int:
    """Contact persons whose unit still has measures not submitted, listing exactly those; for
    the open round of every plan."""
    return sum(_queue_reminders(reporting_round, today) for reporting_round in open_rounds())


def _queue_reminders(reporting_round, today: date) -> int:
    kind = due_reminder(reporting_round, today)
    if kind is None:
        return 0
    outstanding = defaultdict(list)
    for unit_id, reports in queries.contacted_reports_by_unit(reporting_round).items():
        outstanding[unit_id] = [r for r in reports if progress_of(r) in OUTSTANDING]
    subject = {
        "7_days": _l("Påminnelse: én uke til fristen for %(title)s", title=reporting_round.title),
        "1_day": _l("Påminnelse: fristen for %(title)s er i morgen", title=reporting_round.title),
        "overdue": _l("Fristen for %(title)s er passert", title=reporting_round.title),
    }[kind]
    queued = 0
    waiting = [unit_id for unit_id, reports in outstanding.items() if reports]
    for contact in queries.active_contacts_of(waiting):
        if contact.unit_id is None:  # never: the database requires a contact's unit
            continue
        queued += bool(
            queue_message(
                contact,
                "reminder",
                f"reminder_{kind}:{reporting_round.id}",
                "reminder",
                subject,
                kind=kind,
                reporting_round=reporting_round,
                plan=reporting_round.plan,
                reports=outstanding[contact.unit_id],
                link=absolute_url("reporting.start"),
            )
        )
    return queued


def queue_submission_digests(today: date) -> int:
    """One message per coordinator who takes the daily digest, when reports arrived for review
    since their last one: what is waiting for review *now* in each round of their plans, by
    lead unit, marking what arrived since the last digest. The count is the overview's
    (``waiting_for_review``); withdrawn reports are not waiting, «Ingen endring» ones are."""
    coordinators = queries.active_users(Role.COORDINATOR)
    choices = queries.submission_choices(coordinators)
    daily = [c for c in coordinators if choices[c.id] == SubmissionMail.DAILY]
    now = utcnow()
    waiting_by_plan = {}
    queued = 0
    for coordinator in daily:
        key = f"submitted_digest:{today.isoformat()}"
        if coordinator.email in queries.existing_recipients(key):
            continue
        since = queries.last_message_at(coordinator.email, "submitted_digest") or (
            oslo_midnight(today - timedelta(days=DIGEST_DAYS_BACK))
        )
        arrived = {revision.report_id for revision in queries.submissions_between(since, now)}
        sections = []
        for plan in coordinator.coordinated_plans:
            if plan.id not in waiting_by_plan:
                waiting_by_plan[plan.id] = [
                    (reporting_round, waiting_for_review(reports_in_round(reporting_round)))
                    for reporting_round in unpublished_rounds(plan)
                ]
            sections += [(r, waiting) for r, waiting in waiting_by_plan[plan.id] if waiting]
        waiting_ids = {report.id for _, waiting in sections for report in waiting}
        if not waiting_ids & arrived:
            continue  # nothing new came in: no message
        total = len(waiting_ids)
        subject = _l(
            "Til gjennomgang: %(count)d rapporter venter, %(new)d nye",
            count=total,
            new=len(waiting_ids & arrived),
        )
        queued += bool(
            queue_message(
                coordinator,
                "submitted_digest",
                key,
                "submitted_digest",
                subject,
                total=total,
                new=len(waiting_ids & arrived),
                rounds=[
                    (
                        reporting_round,
                        absolute_url(
                            "reporting.overview", slug=reporting_round.slug, rapport="submitted"
                        ),
                        _by_lead_unit(waiting),
                    )
                    for reporting_round, waiting in sections
                ],
                arrived=arrived,
                report_link=_report_link,
                plan=sections[0][0].plan if len({r.plan_id for r, _ in sections}) == 1 else None,
                link=absolute_url("reporting.rounds"),
            )
        )
    return queued


# How far back the first digest looks for what arrived, when there was none before.
DIGEST_DAYS_BACK = 3


def _by_lead_unit(reports) -> list[tuple]:
    """(unit, its reports) in order of the unit's abbreviation."""
    groups: dict[int, tuple] = {}
    for report in reports:
        unit = report.measure.lead_unit
        groups.setdefault(unit.id, (unit, []))[1].append(report)
    return sorted(groups.values(), key=lambda group: group[0].abbreviation)


def oslo_midnight(day: date) -> datetime:
    # In UTC: SQLite compares the stored (UTC) text, so the bound value must be UTC too.
    return datetime.combine(day, time(0), tzinfo=TIMEZONE).astimezone(UTC)


def _oslo_date(moment: datetime | None) -> date:
    if moment is None:
        return date.min
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TIMEZONE).date()


# --- Preferences and the admin's retry ----------------------------------------------------------


def set_submission_choice(user: User, choice: SubmissionMail) -> None:
    preference = db.session.get(MailPreference, user.id)
    if preference is None:
        preference = MailPreference(user_id=user.id)
        db.session.add(preference)
    preference.submissions = choice
    db.session.flush()


def set_decision_choice(user: User, choice: DecisionMail) -> None:
    preference = db.session.get(MailPreference, user.id)
    if preference is None:
        preference = MailPreference(user_id=user.id)
        db.session.add(preference)
    preference.decisions = choice
    db.session.flush()


def retry_message(message: OutboxMessage) -> None:
    """Give a failed message a fresh set of tries, starting now."""
    message.state = MessageState.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.claim_token = None
    db.session.flush()
