"""Delivering the outbox over SMTP.

A sender *claims* due messages before it sends them, so several senders (gunicorn's machine and
another, or two `mail worker`s) never send one message twice. The claiming is the generic work
queue's (tracker/work_queue.py): ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, compare-and-set on
SQLite, each claim timed when it is taken and renewed by a heartbeat while the sender works, so
a run may last longer than MAIL_CLAIM_SECONDS and a sender that dies is noticed once its claim
runs out.
Temporary failures (server down, 4xx answers) wait MAIL_RETRY_SECONDS, doubling each time, up to
MAIL_MAX_ATTEMPTS tries; a permanent refusal (5xx) fails at once. Failed messages stay in the
outbox, with the error, for the admin.

One message is never allowed to stop the others: a row that cannot become an e-mail, a refusal
for good, or any error of its own fails that message alone; the connection is reset (or a new
one opened) and the run goes on with the next.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError

from flask import current_app
from sqlalchemy import select

from tracker.audit.operations import record_event
from tracker.extensions import db
from tracker.mail.messages import email_message
from tracker.mail.models import MessageState, OutboxMessage
from tracker.mail.operations import release_review_notices
from tracker.mail.smtp import connect, parse_mail_url
from tracker.timeutil import utcnow
from tracker.transactions import transaction
from tracker.work_queue import Claim, WorkQueue, write_claimed

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    cancelled: int = 0

    def add(self, other: "Outcome") -> None:
        self.sent += other.sent
        self.deferred += other.deferred
        self.failed += other.failed
        self.cancelled += other.cancelled


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def deliver_pending(now: datetime | None = None) -> Outcome:
    """Send every message due at ``now`` once; deferred ones wait for a later run."""
    now = now or utcnow()
    release_quiet_review_notices(now)
    outcome = Outcome()
    while True:
        claim, batch = claim_batch(now)
        if not batch:
            return outcome
        with OUTBOX.heartbeat(db.engine, claim):
            outcome.add(_deliver_batch(batch, claim, now))


def release_quiet_review_notices(now: datetime) -> int:
    """The review sittings that ended (no decision for MAIL_REVIEW_QUIET_MINUTES) become one
    message per contact person, queued before this pass delivers."""
    with transaction():
        return release_review_notices(
            quiet_before=now - current_app.config["MAIL_REVIEW_QUIET_MINUTES"]
        )


def _due(now: datetime):
    return (OutboxMessage.state == MessageState.PENDING) & (OutboxMessage.next_attempt_at <= now)


OUTBOX = WorkQueue(OutboxMessage, ready=_due)


def claim_batch(now: datetime) -> tuple[Claim, list[OutboxMessage]]:
    """Claim up to MAIL_BATCH_SIZE messages due at ``now``; returns the claim and the messages."""
    config = current_app.config
    claim = OUTBOX.claim(
        config["MAIL_BATCH_SIZE"], timedelta(seconds=config["MAIL_CLAIM_SECONDS"]), ready_at=now
    )
    db.session.expire_all()
    return claim, list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token == claim.token)
            .order_by(OutboxMessage.id)
        )
    )


def _deliver_batch(batch: list[OutboxMessage], claim: Claim, now: datetime) -> Outcome:
    config = current_app.config
    token = claim.token
    server = parse_mail_url(config["MAIL_URL"])
    outcome = Outcome()
    connection: smtplib.SMTP | None = None
    try:
        for index, message in enumerate(batch):
            if not claim.holds(message.id):
                continue  # the claim could not be renewed: another sender may own it now
            if message.user is not None and not message.user.active:
                with transaction():
                    _record(message, token, MessageState.CANCELLED, "Mottakeren er deaktivert.")
                outcome.cancelled += 1
                continue
            if connection is None:
                try:
                    connection = _open(server)
                except TemporaryFailure as error:
                    # The server is unreachable: the rest of the batch waits, in one write.
                    with transaction():
                        for waiting in batch[index:]:
                            if _defer(waiting, token, str(error), now):
                                outcome.deferred += 1
                            else:
                                outcome.failed += 1
                    break
            try:
                _send(connection, message)
            except TemporaryFailure as error:
                if isinstance(error.__cause__, OSError | smtplib.SMTPServerDisconnected):
                    _close(connection)
                    connection = None
                with transaction():
                    if _defer(message, token, str(error), now):
                        outcome.deferred += 1
                    else:
                        outcome.failed += 1
            except PermanentFailure as error:
                with transaction():
                    _record(message, token, MessageState.FAILED, str(error))
                outcome.failed += 1
                connection = _ready_for_next(connection)
            except Exception as error:  # noqa: BLE001 - one message must not stop the others
                log.exception("mail: message %s could not be sent", message.id)
                _close(connection)
                connection = None
                with transaction():
                    _record(message, token, MessageState.FAILED, f"Uventet feil: {error!r}")
                outcome.failed += 1
            else:
                # Committed at once: the row says "sent" as soon as the server has the message.
                with transaction():
                    _record(message, token, MessageState.SENT)
                outcome.sent += 1
    finally:
        _close(connection)
    return outcome


def _ready_for_next(connection: smtplib.SMTP | None) -> smtplib.SMTP | None:
    """After a refused message, the connection as the next message needs it: reset, or closed
    (the next one opens a new one) when the server hung up or answers nonsense."""
    if connection is None:
        return None
    try:
        code, _answer = connection.rset()
        if code == 250:
            return connection
    except (OSError, smtplib.SMTPException):
        pass
    _close(connection)
    return None


def _open(server) -> smtplib.SMTP:
    try:
        return connect(server, current_app.config["MAIL_TIMEOUT_SECONDS"])
    except smtplib.SMTPResponseException as error:
        raise TemporaryFailure(_describe(error)) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"Får ikke kontakt med e-postserveren: {error}") from error


def _send(connection: smtplib.SMTP, message: OutboxMessage) -> None:
    try:
        email = email_message(message, current_app.config["MAIL_FROM"])
    except (ValueError, TypeError, UnicodeError, MessageError) as error:
        # The row cannot become a message (a header that would split, an address that does
        # not parse): no later try can help.
        raise PermanentFailure(f"Meldingen kan ikke lages: {error}") from error
    try:
        connection.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        # One recipient per message; an address that parses as several is answered for each.
        code, answer = max(error.recipients.values(), key=lambda item: item[0])
        _raise_for(code, f"Mottakeren ble avvist: {code} {_text(answer)}", error)
    except smtplib.SMTPResponseException as error:
        _raise_for(error.smtp_code, _describe(error), error)
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"Forbindelsen til e-postserveren brøt: {error}") from error


def _raise_for(code: int, description: str, cause: Exception) -> None:
    if 500 <= code < 600:
        raise PermanentFailure(description) from cause
    raise TemporaryFailure(description) from cause


def _describe(error: smtplib.SMTPResponseException) -> str:
    return f"E-postserveren svarte {error.smtp_code} {_text(error.smtp_error)}"


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling, with a ceiling."""
    config = current_app.config
    seconds = config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _defer(message: OutboxMessage, token: str, error: str, now: datetime) -> bool:
    """Count a failed try; True when another will follow, False when this was the last.
    Flushes only: the caller's transaction holds it."""
    attempts = message.attempts + 1
    if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _record(message, token, MessageState.FAILED, f"Ga opp etter {attempts} forsøk. {error}")
        return False
    # Never before the moment of this failure, so one run does not try the same message again.
    start = max(now, utcnow())
    _update_claimed(
        message,
        token,
        attempts=attempts,
        next_attempt_at=start + retry_delay(attempts),
        last_error=error[:2000],
        claimed_until=None,
        claim_token=None,
    )
    return True


def _record(message: OutboxMessage, token: str, state: MessageState, error: str = "") -> None:
    """Record the outcome, and for a sent message the audit entry (who, what event, when).
    Flushes only: the caller's transaction holds it."""
    tried = state != MessageState.CANCELLED
    values: dict[str, object] = dict(
        state=state, claimed_until=None, claim_token=None, attempts=message.attempts + tried
    )
    if state == MessageState.SENT:
        values["sent_at"] = utcnow()
    if error:
        values["last_error"] = error[:2000]
    if not _update_claimed(message, token, **values):
        return  # the claim ran out and another sender took the message over
    if state in (MessageState.SENT, MessageState.FAILED):
        record_event(
            f"mail_{state.value}",
            email=message.recipient,
            details={"event": message.event, "message_id": message.id},
        )


def _update_claimed(message: OutboxMessage, token: str, **values) -> bool:
    """Write to a message only while this sender's claim on it holds."""
    return write_claimed(db.session, OutboxMessage, message.id, token, **values)
