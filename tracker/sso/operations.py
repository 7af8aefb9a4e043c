"""Writes for single sign-on: match the provider's person to an account, link it, and record
every attempt in the audit log like a password sign-in. Flush only.

Throttling is the password sign-in's (tracker/auth/throttle.py): a refused attempt counts as a
``login_failed`` for the address (and the e-mail, when the token named one), a locked e-mail
or address refuses single sign-on too, and a success is a ``login`` event, which starts the
account's count afresh.
"""

from dataclasses import dataclass

from tracker.audit.operations import client_address, record_event
from tracker.auth.models import User
from tracker.auth.queries import get_user_by_email
from tracker.auth.throttle import (
    FAILED_SIGN_IN,
    REFUSED_SIGN_IN,
    SUCCESSFUL_SIGN_IN,
    address_throttle,
    throttle_for,
)
from tracker.extensions import db
from tracker.sso.claims import verified_email
from tracker.sso.queries import get_user_by_identity
from tracker.timeutil import utcnow

METHOD = "oidc"


@dataclass(frozen=True)
class ProviderSignIn:
    """The outcome of one single sign-on.

    ``user`` is set when the person is an account holder (a deactivated one too, so the view can
    say why; the caller must check ``user.active``). ``refusal`` names why nobody is signed in:
    "unknown" (no account for this person), "linked_elsewhere" (the account belongs to another
    person at the provider), "inactive", or "locked" with ``wait_seconds``.
    """

    user: User | None = None
    email: str | None = None
    refusal: str | None = None
    wait_seconds: int | None = None


def sign_in_with_provider(claims: dict) -> ProviderSignIn:
    """Match verified ID token ``claims`` to an account: by (iss, sub) once linked, else by the
    e-mail the provider vouches for (tracker.sso.claims), normalised as the accounts are, linking
    the account to the subject on success. No other claim ever finds an account."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    email = verified_email(claims)
    identity = {"method": METHOD, "issuer": issuer, "subject": subject}
    user = get_user_by_identity(issuer, subject)
    matched_by_email = False
    if user is None and email is not None:
        matched_by_email = True
        user = get_user_by_email(email)

    # Without an e-mail only the address can be counted: the subject is a key with no failures.
    throttled_email = user.email if user is not None else (email or f"{issuer}#{subject}")
    now = utcnow()
    throttle = throttle_for(throttled_email, client_address(), now)
    if throttle.locked_until is not None:
        record_event(
            "login_throttled",
            email=user.email if user is not None else (email or ""),
            details={
                **identity,
                "scope": throttle.scope,
                "locked_until": throttle.locked_until.isoformat(),
            },
            bounded=True,
        )
        return ProviderSignIn(
            email=email, refusal="locked", wait_seconds=throttle.remaining_seconds(now)
        )

    if user is None:
        record_event(FAILED_SIGN_IN, email=email or "", details={**identity, "reason": "unknown"})
        return ProviderSignIn(email=email, refusal="unknown")
    if matched_by_email and user.oidc_subject is not None:
        # Someone else at the provider now holds this address; the account stays with the
        # person it was linked to until an administrator says otherwise.
        record_event(
            FAILED_SIGN_IN, email=user.email, details={**identity, "reason": "linked_elsewhere"}
        )
        return ProviderSignIn(email=email, refusal="linked_elsewhere")
    if not user.active:
        record_event("login_refused_inactive", user=user, details=identity, bounded=True)
        return ProviderSignIn(user=user, email=email, refusal="inactive")
    if matched_by_email:
        user.oidc_issuer, user.oidc_subject = issuer, subject
        db.session.flush()
        record_event("sso_linked", user=user, details=identity)
    record_event(SUCCESSFUL_SIGN_IN, user=user, details=identity)
    return ProviderSignIn(user=user, email=email)


def unlink_identity(user: User, changed_by: User) -> None:
    """Forget the provider identity ``user`` is linked to: the next single sign-on links by
    e-mail again (for when the provider gave the person a new subject)."""
    details = {"user_id": user.id, "issuer": user.oidc_issuer, "subject": user.oidc_subject}
    user.oidc_issuer = user.oidc_subject = None
    db.session.flush()
    record_event("sso_unlinked", user=changed_by, email=user.email, details=details)


def record_failed_response(reason: str, description: str = "") -> None:
    """A sign-in started in this browser whose answer proved nothing (bad ID token, provider
    error): a failure for the address, throttled like a guessed password. While the address
    must wait, further ones are recorded as refused, so they cannot lengthen the wait or pile
    up failures without end."""
    details = {"method": METHOD, "reason": reason, "description": description[:500]}
    if address_throttle(client_address()).locked_until is not None:
        record_event(REFUSED_SIGN_IN, details=details, bounded=True)
        return
    record_event(FAILED_SIGN_IN, details=details)
