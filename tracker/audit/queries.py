"""Reads from the audit log."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import selectinload

from tracker.audit.events import GROUPED_EVENTS
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def recent_events(limit: int = 200) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator narrowed the log to; empty values mean "any"."""

    event: str = ""
    person: str = ""  # part of an e-mail: the one typed, or the signed-in user's
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def conditions(self) -> list:
        conditions = []
        if self.event:
            conditions.append(AuditEvent.event == self.event)
        if self.person:
            pattern = "%" + _escape_like(self.person.lower()) + "%"
            matching_users = select(User.id).where(
                func.lower(User.email).like(pattern, escape="\\")
            )
            conditions.append(
                or_(
                    func.lower(AuditEvent.email).like(pattern, escape="\\"),
                    AuditEvent.user_id.in_(matching_users),
                )
            )
        if self.since is not None:
            conditions.append(AuditEvent.created_at >= self.since)
        if self.until is not None:
            conditions.append(AuditEvent.created_at < self.until)
        return conditions


@dataclass(frozen=True)
class AuditRow:
    """One line on the log page: an event, or a run of consecutive events of a flooding kind."""

    event: AuditEvent  # the newest of the run
    count: int
    first_at: datetime
    emails: int
    addresses: int


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total_rows: int


def audit_page(audit_filter: AuditFilter, page: int = 1, per_page: int = 50) -> AuditPage:
    """A page of the log, newest first, in three queries whatever its size. Consecutive events
    in GROUPED_EVENTS of the same kind (after filtering) make one row."""
    marked_rows = select(
        AuditEvent.id,
        AuditEvent.email,
        AuditEvent.remote_addr,
        AuditEvent.created_at,
        # A row starts a new run unless it and the row before are the same flooding event.
        case(
            (
                and_(
                    AuditEvent.event.in_(GROUPED_EVENTS),
                    func.lag(AuditEvent.event).over(order_by=AuditEvent.id) == AuditEvent.event,
                ),
                0,
            ),
            else_=1,
        ).label("starts"),
    ).where(*audit_filter.conditions())
    marked = marked_rows.subquery()
    numbered = select(
        marked,
        func.sum(marked.c.starts).over(order_by=marked.c.id).label("run"),
    ).subquery()
    run_rows = select(
        func.max(numbered.c.id).label("last_id"),
        func.count().label("count"),
        func.min(numbered.c.created_at).label("first_at"),
        func.count(distinct(numbered.c.email)).label("emails"),
        func.count(distinct(numbered.c.remote_addr)).label("addresses"),
    ).group_by(numbered.c.run)
    runs = run_rows.subquery()
    total_rows = db.session.scalar(select(func.count()).select_from(runs)) or 0
    pages = max(1, -(-total_rows // per_page))
    page = min(max(1, page), pages)
    summaries = db.session.execute(
        select(runs).order_by(runs.c.last_id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    events = {
        event.id: event
        for event in db.session.scalars(
            select(AuditEvent)
            .options(selectinload(AuditEvent.user))
            .where(AuditEvent.id.in_([summary.last_id for summary in summaries]))
        )
    }
    rows = [
        AuditRow(
            event=events[summary.last_id],
            count=summary._mapping["count"],  # `summary.count` reads as tuple.count to mypy
            first_at=summary.first_at,
            emails=summary.emails,
            addresses=summary.addresses,
        )
        for summary in summaries
    ]
    return AuditPage(rows=rows, page=page, pages=pages, total_rows=total_rows)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
