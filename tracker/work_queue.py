"""Work queues in the database: rows that workers on any number of machines claim, one at a time.

A queue is a table whose rows carry ``claimed_until`` and ``claim_token``. A worker *claims* up to
a batch of ready rows by writing a fresh token and the moment its claim runs out:

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks rows no other worker is claiming now,
  and the claim is written in the same short transaction.
- SQLite (one machine): each row is claimed by a compare-and-set ``UPDATE`` that matches only
  while the row is unclaimed; SQLite's single writer makes that atomic.

Each claim is timed from the moment it is taken, never from when the worker's run began, and
a heartbeat renews it while the worker lives (every third of the lease). So a run may last as
long as it must, and a worker that dies is noticed once its lease runs out (a minute by
default). The worker asks ``Claim.holds`` before each piece of work: if the heartbeat could not
renew the claim (the database was away longer than the lease), it stops rather than doing work
that another worker may now own. Every write to a claimed row is conditional on the token
(``write_claimed``), so a worker that lost a row cannot overwrite the new owner's outcome.

The outbox (tracker/mail/sender.py) is the first queue; report builds will be the next.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker.timeutil import utcnow
from tracker.transactions import transaction


@dataclass
class Claim:
    """What one worker holds: the rows' ids, and until when the claim is known to last."""

    token: str
    ids: list[int]
    lease: timedelta
    until: datetime  # moved on by each renewal
    held: frozenset[int] = field(default_factory=frozenset)  # the rows still ours

    def holds(self, row_id: int) -> bool:
        """Whether the worker may start work on ``row_id`` now: the row is still ours, and at
        least a third of the lease is left (a healthy heartbeat keeps two thirds or more)."""
        return row_id in self.held and utcnow() + self.lease / 3 < self.until


@dataclass(frozen=True)
class WorkQueue:
    """A table of claimable rows. ``ready(now)`` says which rows are waiting for work at ``now``
    (besides being unclaimed); ``model`` has ``id``, ``claimed_until`` and ``claim_token``."""

    model: Any
    ready: Callable[[datetime], Any]

    def claim(self, limit: int, lease: timedelta, ready_at: datetime | None = None) -> Claim:
        """Claim up to ``limit`` ready rows, in a transaction of its own.

        ``ready_at`` is the moment readiness is judged at (a caller may look ahead); the claim
        itself is always timed by the clock, when it is taken."""
        model = self.model
        token = uuid.uuid4().hex
        taken_at = utcnow()
        until = taken_at + lease
        unclaimed = or_(model.claimed_until.is_(None), model.claimed_until < taken_at)
        ready = (
            select(model.id)
            .where(self.ready(ready_at or taken_at), unclaimed)
            .order_by(model.id)
            .limit(limit)
        )
        values = dict(claimed_until=until, claim_token=token)
        ids: list[int] = []
        with transaction() as session:
            if session.get_bind().dialect.name == "postgresql":
                ids = list(session.scalars(ready.with_for_update(skip_locked=True)))
                if ids:
                    session.execute(
                        update(model)
                        .where(model.id.in_(ids))
                        .values(**values)
                        .execution_options(synchronize_session=False)
                    )
            else:
                # Another worker may win every row we saw; look again until we win one or none
                # are left (the rows it claimed no longer match ``ready``).
                while not ids:
                    candidates = list(session.scalars(ready))
                    if not candidates:
                        break
                    for row_id in candidates:
                        won = _rowcount(
                            session.execute(
                                update(model)
                                .where(model.id == row_id, self.ready(ready_at or taken_at))
                                .where(unclaimed)
                                .values(**values)
                                .execution_options(synchronize_session=False)
                            )
                        )
                        if won:
                            ids.append(row_id)
        return Claim(token=token, ids=ids, lease=lease, until=until, held=frozenset(ids))

    def renew(self, engine: Engine, claim: Claim) -> bool:
        """Extend the claim from now on its own connection; False when the database could not be
        reached (the claim then runs out at its old time)."""
        model = self.model
        renewed_at = utcnow()
        try:
            with engine.begin() as connection:
                connection.execute(
                    update(model)
                    .where(model.claim_token == claim.token)
                    .values(claimed_until=renewed_at + claim.lease)
                )
                held = frozenset(
                    connection.scalars(select(model.id).where(model.claim_token == claim.token))
                )
        except SQLAlchemyError:
            return False
        # Two plain assignments: the worker thread reads them without a lock.
        claim.held = held
        claim.until = renewed_at + claim.lease
        return True

    @contextmanager
    def heartbeat(self, engine: Engine, claim: Claim) -> Iterator[Claim]:
        """Renew ``claim`` every third of its lease in a thread of its own while the block runs,
        so one long piece of work (a slow server, a long build) keeps what it holds."""
        stop = threading.Event()
        interval = claim.lease.total_seconds() / 3

        def beat() -> None:
            while not stop.wait(interval):
                self.renew(engine, claim)

        thread = threading.Thread(target=beat, name=f"heartbeat-{claim.token[:8]}", daemon=True)
        thread.start()
        try:
            yield claim
        finally:
            stop.set()
            thread.join()


def write_claimed(session, model: Any, row_id: int, token: str, **values) -> bool:
    """Write to a row only while the claim ``token`` holds it; True if it did. Flushes only."""
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def _rowcount(result) -> int:
    return cast(CursorResult, result).rowcount  # an UPDATE's result: it has a rowcount
