"""Sign-in throttling, derived from the audit log so every gunicorn worker sees the same count.

Each failed sign-in is already an audit event (``login_failed``) carrying the e-mail typed and
the remote address. From those rows this module decides, for one attempt:

- the *delay*: after a few failures the answer to a wrong password comes a little later
  (bounded, so a worker is never held for long);
- the *lock*: LOGIN_ACCOUNT_LIMIT failures for one e-mail, or LOGIN_ADDRESS_LIMIT from one
  address, within LOGIN_WINDOW_MINUTES refuse further attempts for LOGIN_LOCK_MINUTES, counted
  from the failure that reached the limit. Attempts refused while locked are logged as
  ``login_throttled`` and do not count as failures, so hammering a lock does not extend it.

An e-mail that belongs to no account is counted exactly like one that does, so neither the
lock nor its message reveals whether an account exists. A successful sign-in starts the
account's count afresh but never the address's: an attacker who owns one account cannot use it
to reset the lock on the address they are guessing from.
"""

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.timeutil import utcnow

FAILED_SIGN_IN = "login_failed"
SUCCESSFUL_SIGN_IN = "login"


@dataclass(frozen=True)
class Throttle:
    locked_until: datetime | None  # refuse every attempt until then, the right password included
    scope: str | None  # "account" or "address": which limit locked it
    recent_failures: int  # failures in the window (the address's scaled), for the delay

    def remaining_minutes(self, now: datetime) -> int:
        seconds = (self.locked_until - now).total_seconds() if self.locked_until else 0
        return max(1, -(-int(seconds) // 60))


def throttle_for(email: str, remote_addr: str, now: datetime | None = None) -> Throttle:
    """Whether an attempt for ``email`` from ``remote_addr`` may go ahead now."""
    config = current_app.config
    now = now or utcnow()
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    lock = timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    # A lock still running now was triggered within the last `lock`, by failures at most
    # `window` older than that.
    since = now - window - lock

    last_success = db.session.scalar(
        select(func.max(AuditEvent.created_at)).where(
            AuditEvent.event == SUCCESSFUL_SIGN_IN, AuditEvent.email == email
        )
    )
    account_since = max(since, _aware(last_success)) if last_success else since
    account_failures = _failure_times(AuditEvent.email == email, account_since)
    address_failures = (
        _failure_times(AuditEvent.remote_addr == remote_addr, since) if remote_addr else []
    )

    candidates = [
        (_lock_end(account_failures, config["LOGIN_ACCOUNT_LIMIT"], window, lock), "account"),
        (_lock_end(address_failures, config["LOGIN_ADDRESS_LIMIT"], window, lock), "address"),
    ]
    running = [(end, scope) for end, scope in candidates if end is not None and end > now]
    locked_until, scope = max(running) if running else (None, None)
    account_recent = sum(1 for moment in account_failures if moment > now - window)
    address_recent = sum(1 for moment in address_failures if moment > now - window)
    # The address's failures count in proportion to its higher limit, so guessing across many
    # accounts from one address is slowed as well.
    scaled_address = address_recent * config["LOGIN_ACCOUNT_LIMIT"] // config["LOGIN_ADDRESS_LIMIT"]
    return Throttle(
        locked_until=locked_until, scope=scope, recent_failures=max(account_recent, scaled_address)
    )


def failure_delay(failures_so_far: int) -> float:
    """Seconds to hold the answer to a wrong password: none for the first few, then growing
    by LOGIN_DELAY_STEP_SECONDS per failure, never more than LOGIN_DELAY_MAX_SECONDS."""
    config = current_app.config
    extra = failures_so_far - config["LOGIN_FREE_FAILURES"]
    if extra <= 0:
        return 0.0
    return min(extra * config["LOGIN_DELAY_STEP_SECONDS"], config["LOGIN_DELAY_MAX_SECONDS"])


def _failure_times(condition, since: datetime) -> list[datetime]:
    return [
        _aware(moment)
        for moment in db.session.scalars(
            select(AuditEvent.created_at)
            .where(AuditEvent.event == FAILED_SIGN_IN, condition, AuditEvent.created_at > since)
            .order_by(AuditEvent.created_at)
        )
    ]


def _lock_end(
    failures: list[datetime], limit: int, window: timedelta, lock: timedelta
) -> datetime | None:
    """When the latest lock these failures triggered ends (None: they never reached the limit).

    Failures that triggered a lock are spent: the count starts again after it.
    """
    locked_until = None
    recent: deque[datetime] = deque()
    for moment in failures:
        while recent and recent[0] <= moment - window:
            recent.popleft()
        recent.append(moment)
        if len(recent) >= limit:
            locked_until = moment + lock
            recent.clear()
    return locked_until


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time written here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
