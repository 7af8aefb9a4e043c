"""Signed, single-use, expiring links for setting a password.

The token is signed with SECRET_KEY and carries the user, when it was made and a fingerprint of
the user's password hash. Setting a password changes the hash, so every earlier link for that
user stops working: single use without a table of tokens.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.auth.models import User
from tracker.extensions import db
from tracker.timeutil import utcnow
from tracker.user_errors import UserError

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # nosec B105  (the name of a link's purpose, not a password)
LIFETIMES = {INVITATION: timedelta(hours=72), PASSWORD_RESET: timedelta(hours=1)}


class LinkError(UserError):
    """The link cannot be used: tampered with, used already, or expired."""

    status = 410


def fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def _serializer(purpose: str) -> URLSafeSerializer:
    # The purpose is the salt: a reset link is never accepted as an invitation, or back.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"tracker-{purpose}")


def make_token(user: User, purpose: str, now: datetime | None = None) -> str:
    issued = int((now or utcnow()).timestamp())
    # The nonce makes each request its own link (and its own outbox row), even within a second.
    payload = {"u": user.id, "f": fingerprint(user), "t": issued, "n": secrets.token_hex(6)}
    return _serializer(purpose).dumps(payload)


def issued_at(token: str, purpose: str) -> int:
    return _serializer(purpose).loads(token)["t"]


def nonce(token: str, purpose: str) -> str:
    return _serializer(purpose).loads(token)["n"]


def expires_at(token: str, purpose: str) -> datetime:
    return datetime.fromtimestamp(issued_at(token, purpose), UTC) + LIFETIMES[purpose]


def read_token(token: str, purpose: str, now: datetime | None = None) -> User:
    """The user the link is for, if it may be used now; LinkError with the reason if not."""
    try:
        payload = _serializer(purpose).loads(token)
        user_id, print_, issued = payload["u"], payload["f"], payload["t"]
    except (BadSignature, KeyError, TypeError):
        raise LinkError(_l("Lenken er ikke gyldig. Kontroller at hele lenken ble med.")) from None
    age = (now or utcnow()).timestamp() - issued
    if age > LIFETIMES[purpose].total_seconds():
        raise LinkError(
            _l("Lenken er utløpt.")
            + " "
            + (
                _l("Be administratoren om en ny invitasjon.")
                if purpose == INVITATION
                else _l("Be om en ny lenke under «Glemt passord?».")
            )
        )
    user = db.session.get(User, user_id)
    if user is None or not user.active or fingerprint(user) != print_:
        raise LinkError(
            _l("Lenken er allerede brukt, eller passordet er endret etter at den ble laget.")
        )
    return user
