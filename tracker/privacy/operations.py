"""Retention and erasure. Flush only; the command or view commits (docs/privacy.md).

What holds personal data: accounts (name, e-mail), the audit log (the e-mail typed and the client
address of every security event), the mail outbox (recipient and text). The request log goes to
stdout, never to the database: the log collector keeps it (RETENTION_ADDRESS_DAYS at most).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import delete, or_, update

from tracker.audit.models import AuditEvent
from tracker.audit.operations import record_event
from tracker.auth.models import ERASED_EMAIL_DOMAIN, User
from tracker.auth.operations import AccountError, hash_password
from tracker.extensions import db
from tracker.mail.models import MailPreference, MessageState, OutboxMessage
from tracker.subscriptions.operations import delete_unconfirmed


@dataclass(frozen=True)
class RetentionOutcome:
    addresses_blanked: int
    audit_rows_deleted: int
    messages_deleted: int
    subscriptions_deleted: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if the day
    does not exist then: 31 March less one month is 28 or 29 February)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def apply_retention(now: datetime, address_days: int, audit_months: int) -> RetentionOutcome:
    """Blank client addresses older than ``address_days``; delete audit rows, and messages that
    are no longer waiting to go out, older than ``audit_months``; delete subscriptions nobody
    confirmed within UNCONFIRMED_DAYS. Running it twice changes
    nothing the second time."""
    address_cutoff = now - timedelta(days=address_days)
    audit_cutoff = months_before(now, audit_months)
    deleted = _bulk(delete(AuditEvent).where(AuditEvent.created_at < audit_cutoff))
    blanked = _bulk(
        update(AuditEvent)
        .where(AuditEvent.created_at < address_cutoff, AuditEvent.remote_addr != "")
        .values(remote_addr="")
    )
    messages = _bulk(
        delete(OutboxMessage).where(
            OutboxMessage.created_at < audit_cutoff,
            OutboxMessage.state != MessageState.PENDING,
        )
    )
    unconfirmed = delete_unconfirmed(now)
    return RetentionOutcome(blanked, deleted, messages, unconfirmed)


def _bulk(statement) -> int:
    """Run an UPDATE or DELETE in the database alone: rows the session holds are not matched in
    Python (they are read again after the commit), so no row has to be loaded first."""
    db.session.flush()
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return result.rowcount  # type: ignore[attr-defined]


def erase_account(user: User, erased_by: User) -> None:
    """Remove a deactivated person's name, e-mail and sign-in from the account and everything
    that names them; the account row stays, so their reports and revisions keep an author that
    reads «tidligere kontaktperson»."""
    if user.active:
        raise AccountError(
            lazy_gettext("Deaktiver kontoen før du sletter personopplysningene i den.")
        )
    if user.is_erased:
        raise AccountError(lazy_gettext("Personopplysningene i kontoen er allerede slettet."))
    old_email = user.email
    _bulk(
        update(AuditEvent)
        .where(or_(AuditEvent.user_id == user.id, AuditEvent.email == old_email))
        .values(email="", remote_addr="")
    )
    _bulk(
        delete(OutboxMessage).where(
            or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == old_email)
        )
    )
    _bulk(delete(MailPreference).where(MailPreference.user_id == user.id))
    user.name = ""
    user.email = f"slettet-{user.id}@{ERASED_EMAIL_DOMAIN}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # known to nobody
    user.oidc_issuer = user.oidc_subject = None
    user.break_glass = False
    user.must_change_password = False
    user.end_all_sessions()
    db.session.flush()
    record_event("user_erased", user=erased_by, details={"user_id": user.id})
