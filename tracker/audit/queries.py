"""Reads from the audit log."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, or_, select
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


@dataclass
class AuditRow:
    """One line on the log page: an event, or a run of consecutive events of the flooding kinds
    (GROUPED_EVENTS, in any mix)."""

    newest_id: int
    oldest_id: int
    first_at: datetime  # the oldest event's time
    grouped: bool
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    email_set: set = field(default_factory=set)
    address_set: set = field(default_factory=set)
    # The run went on beyond what one page looks at: ``count`` is a lower bound, and the next
    # page goes on with the rest of it.
    cut_short: bool = False
    event: AuditEvent | None = None  # the newest of the run, loaded with its user

    @property
    def emails(self) -> int:
        return len(self.email_set)

    @property
    def addresses(self) -> int:
        return len(self.address_set)

    @property
    def kind_counts(self) -> list[tuple[str, int]]:
        return self.kinds.most_common()


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older_than: int | None  # the «Eldre» link's key, when there are older rows
    newer_than: int | None  # the «Nyere» link's key, when there are newer rows


# How many rows one query reads while building a page, and how many one page may read at most:
# a run of a million refused sign-ins costs the same as one of a thousand.
SCAN_CHUNK = 2000
PAGE_SCAN_LIMIT = 20_000


def audit_page(
    audit_filter: AuditFilter,
    older_than: int | None = None,
    newer_than: int | None = None,
    per_page: int = 50,
) -> AuditPage:
    """A page of the log, newest first, ``per_page`` rows at most, keyed by event id.

    Without a key: the newest rows. ``older_than``: the rows just below that id (the «Eldre»
    link); ``newer_than``: the rows just above it («Nyere»). Reads only what the page shows,
    walking the id index from the key, never counting or skipping what lies beyond.
    """
    ascending = newer_than is not None and older_than is None
    rows, more = _walk(audit_filter, older_than, newer_than, ascending, per_page)
    if ascending:
        rows.reverse()
        if not more:
            # Reached the newest event: the first page (which may hold more rows).
            return audit_page(audit_filter, per_page=per_page)
    if not rows:
        return AuditPage(rows=[], older_than=None, newer_than=None)
    _load_events(rows)
    oldest, newest = rows[-1].oldest_id, rows[0].newest_id
    if ascending:
        has_older, has_newer = _exists(audit_filter, AuditEvent.id < oldest), True
    else:
        has_older = more
        has_newer = older_than is not None and _exists(audit_filter, AuditEvent.id > newest)
    return AuditPage(
        rows=rows,
        older_than=oldest if has_older else None,
        newer_than=newest if has_newer else None,
    )


def _walk(
    audit_filter: AuditFilter,
    older_than: int | None,
    newer_than: int | None,
    ascending: bool,
    per_page: int,
) -> tuple[list[AuditRow], bool]:
    """Rows from the key onwards, and whether more follow them."""
    conditions = audit_filter.conditions()
    order = AuditEvent.id.asc() if ascending else AuditEvent.id.desc()
    rows: list[AuditRow] = []
    scanned = 0
    last_id = newer_than if ascending else older_than
    while True:
        if last_id is not None:
            beyond = AuditEvent.id > last_id if ascending else AuditEvent.id < last_id
            conditions = [*audit_filter.conditions(), beyond]
        chunk = db.session.execute(
            select(
                AuditEvent.id,
                AuditEvent.event,
                AuditEvent.email,
                AuditEvent.remote_addr,
                AuditEvent.created_at,
            )
            .where(*conditions)
            .order_by(order)
            .limit(SCAN_CHUNK)
        ).all()
        for event_id, kind, email, address, created_at in chunk:
            grouped = kind in GROUPED_EVENTS
            current = rows[-1] if rows else None
            if current is not None and grouped and current.grouped and not current.cut_short:
                _add(current, event_id, kind, email, address, created_at, ascending)
            elif len(rows) == per_page:
                return rows, True
            else:
                rows.append(AuditRow(event_id, event_id, created_at, grouped))
                _add(rows[-1], event_id, kind, email, address, created_at, ascending)
            last_id = event_id
            scanned += 1
            if scanned >= PAGE_SCAN_LIMIT:
                rows[-1].cut_short = rows[-1].grouped
                return rows, True
        if len(chunk) < SCAN_CHUNK:
            return rows, False


def _add(row: AuditRow, event_id, kind, email, address, created_at, ascending: bool) -> None:
    row.count += 1
    row.kinds[kind] += 1
    row.email_set.add(email)
    row.address_set.add(address)
    if ascending:
        row.newest_id = event_id
    else:
        row.oldest_id, row.first_at = event_id, created_at


def _load_events(rows: list[AuditRow]) -> None:
    """Each row's newest event, with its user, in one query."""
    events = {
        event.id: event
        for event in db.session.scalars(
            select(AuditEvent)
            .options(selectinload(AuditEvent.user))
            .where(AuditEvent.id.in_([row.newest_id for row in rows]))
        )
    }
    for row in rows:
        row.event = events[row.newest_id]


def _exists(audit_filter: AuditFilter, condition) -> bool:
    return bool(db.session.scalar(select(exists().where(*audit_filter.conditions(), condition))))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
