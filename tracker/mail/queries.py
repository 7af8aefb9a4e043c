"""Reads for the mail module: who receives what, and the outbox for the admin page."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.mail.models import (
    DecisionMail,
    MailPreference,
    MessageState,
    OutboxMessage,
    ReviewNotice,
    SubmissionMail,
)
from tracker.measures.models import Measure, Responsibility
from tracker.plan.models import Plan, plan_coordinators
from tracker.reporting.models import MeasureReport, ReportRevision


def active_users(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == role, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )


def contacted_reports_by_unit(reporting_round) -> dict[int, list[MeasureReport]]:
    """The round's reports per responsible unit (lead or co-responsible) with an active contact
    person, by measure number, with the measure loaded: what the round's messages list. One
    query; units no one would be told about are not read (every report of the round with its
    units took a second at 100 times today's data, on every close, reopening and opening)."""
    contacted = select(User.unit_id).where(User.role == Role.CONTACT, User.active.is_(True))
    rows = db.session.execute(
        select(Responsibility.unit_id, MeasureReport)
        .join(Measure, Measure.id == MeasureReport.measure_id)
        .join(Responsibility, Responsibility.measure_id == Measure.id)
        .where(MeasureReport.round_id == reporting_round.id, Responsibility.unit_id.in_(contacted))
        .order_by(Measure.number, Responsibility.position)
        .options(contains_eager(MeasureReport.measure))
    )
    by_unit: dict[int, list[MeasureReport]] = {}
    for unit_id, report in rows:
        by_unit.setdefault(unit_id, []).append(report)
    return by_unit


def active_contacts_of(unit_ids) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.CONTACT,
                User.active.is_(True),
                User.unit_id.in_(list(unit_ids)),
            )
            .order_by(User.name, User.email)
        )
    )


def active_coordinators_of(plan_ids) -> list[User]:
    """The active coordinators of any of the plans."""
    coordinating = select(plan_coordinators.c.user_id).where(
        plan_coordinators.c.plan_id.in_(list(plan_ids))
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                User.id.in_(coordinating),
            )
            .order_by(User.name, User.email)
        )
    )


def units_responsible_in(plan: Plan) -> list[int]:
    """The ids of the units responsible for at least one of the plan's measures."""
    return list(
        db.session.scalars(
            select(Responsibility.unit_id)
            .join(Measure, Measure.id == Responsibility.measure_id)
            .where(Measure.plan_id == plan.id)
            .distinct()
        )
    )


def submission_choices(users: list[User]) -> dict[int, SubmissionMail]:
    """Each user's choice about submitted reports; the daily digest when they made none."""
    chosen = {
        preference.user_id: preference.submissions
        for preference in db.session.scalars(
            select(MailPreference).where(MailPreference.user_id.in_([u.id for u in users]))
        )
    }
    return {user.id: chosen.get(user.id, SubmissionMail.DAILY) for user in users}


def submission_choice(user: User) -> SubmissionMail:
    return submission_choices([user])[user.id]


def decision_choices(users: list[User]) -> dict[int, DecisionMail]:
    """Each contact's choice about approvals and returns; «straks» when they made none."""
    chosen = {
        preference.user_id: preference.decisions
        for preference in db.session.scalars(
            select(MailPreference).where(MailPreference.user_id.in_([u.id for u in users]))
        )
    }
    return {user.id: chosen.get(user.id, DecisionMail.IMMEDIATE) for user in users}


def decision_choice(user: User) -> DecisionMail:
    return decision_choices([user])[user.id]


def gathered_review_notices(
    *, quiet_before: datetime | None, created_before: datetime | None, round_id: int | None
) -> list[ReviewNotice]:
    """Decisions not yet told, oldest first, with person, report, measure and round loaded.
    ``quiet_before`` leaves out everyone with a decision newer than that (a sitting going on)."""
    gathered = ReviewNotice.released_at.is_(None)
    query = select(ReviewNotice).where(gathered)
    if created_before is not None:
        query = query.where(ReviewNotice.created_at < created_before)
    if quiet_before is not None:
        busy = select(ReviewNotice.user_id).where(gathered, ReviewNotice.created_at > quiet_before)
        query = query.where(ReviewNotice.user_id.not_in(busy))
    if round_id is not None:
        in_round = (
            select(ReportRevision.id)
            .join(MeasureReport, MeasureReport.id == ReportRevision.report_id)
            .where(MeasureReport.round_id == round_id)
        )
        query = query.where(ReviewNotice.revision_id.in_(in_round))
    return list(
        db.session.scalars(
            query.order_by(ReviewNotice.id).options(
                joinedload(ReviewNotice.user),
                joinedload(ReviewNotice.revision)
                .joinedload(ReportRevision.report)
                .joinedload(MeasureReport.round),
                joinedload(ReviewNotice.revision)
                .joinedload(ReportRevision.report)
                .joinedload(MeasureReport.measure),
            )
        ).unique()
    )


def submissions_between(start: datetime, end: datetime) -> list[ReportRevision]:
    """Reports sent to review in [start, end), oldest first, with round and measure loaded;
    with or without changes («Ingen endring»)."""
    return list(
        db.session.scalars(
            select(ReportRevision)
            .where(
                ReportRevision.action.in_(("submitted", "confirmed")),
                ReportRevision.created_at >= start,
                ReportRevision.created_at < end,
            )
            .order_by(ReportRevision.created_at, ReportRevision.id)
            .options(
                joinedload(ReportRevision.report).joinedload(MeasureReport.round),
                joinedload(ReportRevision.report)
                .joinedload(MeasureReport.measure)
                .selectinload(Measure.responsibilities)
                .joinedload(Responsibility.unit),
                joinedload(ReportRevision.author),
            )
        ).unique()
    )


def last_message_at(recipient: str, event: str) -> datetime | None:
    """When ``recipient`` was last given a message of this kind (in UTC)."""
    moment = db.session.scalar(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.recipient == recipient, OutboxMessage.event == event
        )
    )
    if moment is not None and moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment


def existing_recipients(event_key: str) -> set[str]:
    return set(
        db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.event_key == event_key)
        )
    )


def recent_messages(limit: int = 200) -> list[OutboxMessage]:
    """The outbox for the admin: failed first (they need someone), then newest first."""
    failed_first = (OutboxMessage.state != MessageState.FAILED).asc()
    return list(
        db.session.scalars(
            select(OutboxMessage).order_by(failed_first, OutboxMessage.id.desc()).limit(limit)
        )
    )


def state_counts() -> Counter:
    counts = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    return Counter({state: count for state, count in db.session.execute(counts)})


def get_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)
