"""Sign-in throttling after NIST SP 800-63B §5.2.2: slow the guesser down, never lock the owner out.

Derived from the audit log, so every gunicorn worker sees the same count: each failed sign-in is
an audit event (``login_failed``) carrying the e-mail typed and the remote address.

- Failures count per *scope*. From an address the account has signed in from successfully
  before (a known address: the owner's office, their home), only that e-mail-and-address
  pair's own failures count. From any other address, the account's failures from everywhere
  count, and so do the address's failures across all accounts (guessing many accounts from one
  place).
- The first few failures in a scope are free. After that, each further attempt must wait a
  time that doubles with every failure (LOGIN_WAIT_FIRST_SECONDS up to LOGIN_WAIT_MAX_SECONDS)
  after the latest one. An attempt made during the wait is refused without looking at the
  password and is logged as ``login_throttled``; it does not count as a failure, so hammering
  does not lengthen the wait. Failures older than LOGIN_WINDOW_HOURS are forgotten.

So an attacker gets a bounded number of guesses per account per hour (bench/bench_sign_in.py
measures it), while the owner at a known address is never held up by what others do, and the
owner at a new address waits at most LOGIN_WAIT_MAX_SECONDS instead of being locked out.

An e-mail that belongs to no account is counted exactly like one that does, so neither the wait
nor its message reveals whether an account exists. A successful sign-in starts the account's
count afresh but never the address's: an attacker who owns one account cannot use it to reset
the count on the address they are guessing from.

``throttle_for`` is the one entry point: every way of proving who one is (the password form,
the current password when changing it, a single sign-on callback, a password-reset request)
asks it before checking anything, and records a ``login_failed`` event when the proof fails.

A password is checked only after its attempt has been counted (``begin_attempt``): under
database locks on the account and the address, the throttle decides and the attempt is written
as a failure in one short transaction of its own, before the password is looked at; a right
password then turns that row into the sign-in (``settle_attempt``). So forty guesses sent at once
get the free ones checked and no more, while the locks are held for milliseconds, not for the
tenth of a second a password check takes (colleagues behind one address sign in side by side).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.orm import Session

from tracker.audit.models import AuditEvent
from tracker.db_locks import hold_until_commit
from tracker.extensions import db
from tracker.timeutil import utcnow

FAILED_SIGN_IN = "login_failed"
SUCCESSFUL_SIGN_IN = "login"
REFUSED_SIGN_IN = "login_throttled"


@dataclass(frozen=True)
class Throttle:
    locked_until: datetime | None  # refuse attempts until then (None: go ahead now)
    scope: str | None  # which count made it wait: "pair", "account" or "address"
    recent_failures: int  # failures counted in the scope that waits longest
    known_address: bool = False  # the account signed in from this address before

    def remaining_seconds(self, now: datetime) -> int:
        # Rounded, not ceiled: the failure row is written milliseconds after ``now``.
        seconds = (self.locked_until - now).total_seconds() if self.locked_until else 0
        return max(1, round(seconds))

    def remaining_minutes(self, now: datetime) -> int:
        return max(1, -(-self.remaining_seconds(now) // 60))


def throttle_for(
    email: str, remote_addr: str, now: datetime | None = None, session=None
) -> Throttle:
    """Whether an attempt to sign in as ``email`` from ``remote_addr`` may go ahead now."""
    config = current_app.config
    session = session or db.session
    now = now or utcnow()
    window_start = now - timedelta(hours=config["LOGIN_WINDOW_HOURS"])
    last_success = _aware(
        session.scalar(
            select(func.max(AuditEvent.created_at)).where(
                AuditEvent.event == SUCCESSFUL_SIGN_IN, AuditEvent.email == email
            )
        )
    )
    account_since = max(window_start, last_success) if last_success else window_start
    known = bool(remote_addr) and _signed_in_from_before(session, email, remote_addr)
    if known:
        scopes = [
            (
                "pair",
                and_(AuditEvent.email == email, AuditEvent.remote_addr == remote_addr),
                account_since,
                config["LOGIN_FREE_FAILURES"],
            ),
        ]
    else:
        scopes = [
            ("account", AuditEvent.email == email, account_since, config["LOGIN_FREE_FAILURES"]),
        ]
        if remote_addr:
            scopes.append(
                (
                    "address",
                    AuditEvent.remote_addr == remote_addr,
                    window_start,
                    config["LOGIN_ADDRESS_FREE_FAILURES"],
                )
            )
    return _longest_wait(session, scopes, now, known)


def address_throttle(remote_addr: str, now: datetime | None = None) -> Throttle:
    """Whether an attempt from ``remote_addr`` that names no account yet (a single sign-on
    answer, before the ID token is read) may go ahead: the address's own count only."""
    config = current_app.config
    now = now or utcnow()
    window_start = now - timedelta(hours=config["LOGIN_WINDOW_HOURS"])
    if not remote_addr:
        return Throttle(None, None, 0)
    scope = (
        "address",
        AuditEvent.remote_addr == remote_addr,
        window_start,
        config["LOGIN_ADDRESS_FREE_FAILURES"],
    )
    return _longest_wait(db.session, [scope], now, known=False)


def _longest_wait(session, scopes, now: datetime, known: bool) -> Throttle:
    waits = []
    for scope, condition, since, free in scopes:
        failures, latest = _failures(session, condition, since)
        wait = wait_after(failures, free)
        waits.append((latest + wait if latest and wait else None, scope, failures))
    running = [(until, scope, count) for until, scope, count in waits if until and until > now]
    if running:
        until, scope, count = max(running)
        return Throttle(until, scope, count, known)
    return Throttle(None, None, max(count for _until, _scope, count in waits), known)


@dataclass(frozen=True)
class Attempt:
    throttle: Throttle  # as it stood before this attempt was counted
    failure_id: int | None  # the failure written in advance; None when the attempt was refused


def begin_attempt(
    email: str, remote_addr: str, now: datetime | None = None, details: dict | None = None
) -> Attempt:
    """Decide whether an attempt may go ahead and, if it may, count it as a failure at once.

    Its own short transaction, on a connection of its own, under locks on the account and the
    address: the next attempt for either decides only after this one is counted. Committed
    whatever the caller's unit of work does, as a failed attempt must be. Call it before the
    caller's unit of work writes anything (on SQLite the two would wait for each other)."""
    with Session(db.engine) as session, session.begin():
        hold_until_commit(session, f"sign-in:account:{email}", f"sign-in:address:{remote_addr}")
        throttle = throttle_for(email, remote_addr, now, session=session)
        if throttle.locked_until is not None:
            return Attempt(throttle, None)
        failure = AuditEvent(
            event=FAILED_SIGN_IN, email=email, remote_addr=remote_addr, details=details or {}
        )
        session.add(failure)
        session.flush()
        return Attempt(throttle, failure.id)


def settle_attempt(attempt: Attempt, event: str, user) -> None:
    """The proof was right: the failure counted in advance becomes ``event`` (e.g. the sign-in).
    Flushes only: the caller's transaction holds it."""
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == attempt.failure_id)
        .values(event=event, user_id=user.id, email=user.email)
        .execution_options(synchronize_session=False)
    )


def note_on_attempt(attempt: Attempt, details: dict) -> None:
    """Why the failure counted in advance failed, when the log should say (e.g. password
    sign-in is off for the account). Flushes only: the caller's transaction holds it."""
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == attempt.failure_id)
        .values(details=details)
        .execution_options(synchronize_session=False)
    )


def forget_attempt(attempt: Attempt) -> None:
    """The proof was right but is not a sign-in (the current password when changing it): the
    failure counted in advance goes, at once and whatever happens next, so that a rejected new
    password does not count as a guess."""
    with Session(db.engine) as session, session.begin():
        session.execute(delete(AuditEvent).where(AuditEvent.id == attempt.failure_id))


def wait_after(failures: int, free: int) -> timedelta | None:
    """How long the next attempt must wait after the latest of ``failures`` (None: no wait):
    nothing for the first ``free``, then LOGIN_WAIT_FIRST_SECONDS, doubling with each failure,
    never more than LOGIN_WAIT_MAX_SECONDS."""
    config = current_app.config
    extra = failures - free
    if extra < 0:
        return None
    seconds = config["LOGIN_WAIT_FIRST_SECONDS"] * 2 ** min(extra, 40)
    return timedelta(seconds=min(seconds, config["LOGIN_WAIT_MAX_SECONDS"]))


def _signed_in_from_before(session, email: str, remote_addr: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    AuditEvent.event == SUCCESSFUL_SIGN_IN,
                    AuditEvent.email == email,
                    AuditEvent.remote_addr == remote_addr,
                )
            )
        )
    )


def _failures(session, condition, since: datetime) -> tuple[int, datetime | None]:
    count, latest = session.execute(
        select(func.count(AuditEvent.id), func.max(AuditEvent.created_at)).where(
            AuditEvent.event == FAILED_SIGN_IN, condition, AuditEvent.created_at > since
        )
    ).one()
    return count, _aware(latest)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time written here is UTC.
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
