"""Writes for invitations and password resets. Flush only."""

from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, CursorResult, func, select, update

from tracker.absolute_urls import absolute_url
from tracker.account_links.tokens import (
    INVITATION,
    PASSWORD_RESET,
    LinkError,
    expires_at,
    make_token,
    nonce,
    read_token,
)
from tracker.audit.models import AuditEvent
from tracker.audit.operations import client_address, record_event
from tracker.auth.models import Role, User
from tracker.auth.operations import check_password_rules, hash_password
from tracker.auth.queries import get_user_by_email, normalise_email
from tracker.auth.throttle import throttle_for
from tracker.extensions import db
from tracker.mail.operations import queue_message
from tracker.timeutil import utcnow

RESET_REQUESTED = "password_reset_requested"
LINK_ENDPOINTS = {INVITATION: "account_links.invitation", PASSWORD_RESET: "account_links.reset"}


def _queue_link(user: User, purpose: str, subject, **context):
    token = make_token(user, purpose)
    return queue_message(
        user,
        purpose,
        f"{purpose}:{user.id}:{nonce(token, purpose)}",
        purpose,
        subject,
        link=absolute_url(LINK_ENDPOINTS[purpose], token=token),
        expires=format_datetime(expires_at(token, purpose), "d. MMMM y 'kl.' HH:mm"),
        **context,
    )


def invite_user(user: User, invited_by: User | None = None):
    """Queue the invitation: who invited them, for which unit, a link to choose a password
    (valid 72 hours, once), and what happens next."""
    message = _queue_link(
        user,
        INVITATION,
        _l("Velkommen: velg passord til statusoversikten"),
        invited_by=invited_by,
        unit=user.unit,
        plans=list(user.coordinated_plans) if user.role == Role.COORDINATOR else [],
    )
    record_event("user_invited", user=invited_by, email=user.email, details={"user_id": user.id})
    return message


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address has an active account and the requests are within
    their limits. The caller shows the same answer whatever happened here."""
    typed = normalise_email(email)[:254]
    address = client_address()
    config = current_app.config
    hour_ago = utcnow() - timedelta(hours=1)
    outcome = "sent"
    if throttle_for(typed, address).locked_until is not None:
        outcome = "locked"  # the sign-in lock covers resets too: same guesser, same address
    elif _recent_requests(AuditEvent.email == typed, hour_ago) >= config[
        "PASSWORD_RESET_LIMIT_PER_EMAIL"
    ] or (
        address
        and _recent_requests(AuditEvent.remote_addr == address, hour_ago)
        >= config["PASSWORD_RESET_LIMIT_PER_ADDRESS"]
    ):
        outcome = "throttled"
    user = get_user_by_email(typed) if outcome == "sent" else None
    if outcome == "sent" and (user is None or not user.active):
        outcome = "no_account"
    if outcome == "sent" and user is not None:  # "sent" here means an active account was found
        _queue_link(user, PASSWORD_RESET, _l("Nytt passord til statusoversikten"))
    # A request refused unchecked can be repeated without end; one that was looked up counts
    # towards the limits above, so it is always written.
    record_event(
        RESET_REQUESTED,
        email=typed,
        details={"outcome": outcome},
        bounded=outcome in ("throttled", "locked"),
    )


def _recent_requests(condition: ColumnElement[bool], since: datetime) -> int:
    # COUNT(*) always yields a row, so the scalar is never None.
    return (
        db.session.scalar(
            select(func.count()).where(
                AuditEvent.event == RESET_REQUESTED, condition, AuditEvent.created_at > since
            )
        )
        or 0
    )


def set_password_from_link(token: str, purpose: str, password: str) -> User:
    """Set the password the link's owner chose; the link (and any older one) stops working, and
    so does every session of the owner: whoever had the old password, or a copy of a cookie,
    is signed out everywhere (as with every other way a password is set)."""
    user = read_token(token, purpose)
    # The same rules as everywhere, with the link owner's own e-mail and name as guesses.
    check_password_rules(password, email=user.email, name=user.name)
    old_hash = user.password_hash
    # Conditional on the old hash: of two tabs using one link at the same moment, one wins.
    result = cast(
        CursorResult,  # an UPDATE's result: it has a rowcount
        db.session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == old_hash)
            .values(
                password_hash=hash_password(password),
                must_change_password=False,
                session_generation=User.session_generation + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise LinkError(_l("Lenken er allerede brukt."))
    db.session.expire(user)
    record_event(f"password_set_by_{purpose}", user=user)
    return user
