"""Writes about user accounts: create, change, deactivate, check a sign-in. Flush only."""

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext, ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.operations import client_address, record_event
from tracker.auth.emails import email_problem
from tracker.auth.models import Role, User
from tracker.auth.passwords import password_problem
from tracker.auth.permissions import password_sign_in_allowed_for
from tracker.auth.queries import get_user_by_email, normalise_email
from tracker.auth.throttle import (
    REFUSED_SIGN_IN,
    SUCCESSFUL_SIGN_IN,
    begin_attempt,
    forget_attempt,
    note_on_attempt,
    settle_attempt,
    throttle_for,
)
from tracker.extensions import db
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.models import Plan
from tracker.timeutil import utcnow
from tracker.user_errors import UserError

HASH_METHOD = "scrypt"
# Checked when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("no-such-user", method=HASH_METHOD)


class AccountError(UserError, ValueError):
    """A request about an account that cannot be carried out; ``message`` says why."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def generate_password() -> str:
    """A random password people can type: 20 characters from a URL-safe alphabet."""
    return secrets.token_urlsafe(15)


def check_password_rules(
    password: str, user: User | None = None, email: str = "", name: str = ""
) -> None:
    """Refuse a new password for ``user`` (or the person with this e-mail and name) that is
    easy to guess: the same rule as every password form (tracker.auth.passwords)."""
    if user is not None:
        email, name = user.email, user.name
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise AccountError(problem)


def _unit_for_role(role: Role, unit: ResponsibleUnit | None) -> ResponsibleUnit | None:
    if role == Role.CONTACT and unit is None:
        raise AccountError(
            lazy_gettext("En kontaktperson må høre til et departement eller en annen enhet.")
        )
    # Coordinators and admins work across units; the database refuses them one.
    return unit if role == Role.CONTACT else None


def _plans_for_role(role: Role, plans: list[Plan] | None) -> list[Plan]:
    # Only a coordinator coordinates plans; an administrator is not one by that role.
    return list(plans or []) if role == Role.COORDINATOR else []


def _account_details(user: User) -> dict:
    return {
        "role": user.role.value,
        "unit": user.unit.abbreviation if user.unit else None,
        "plans": [plan.slug for plan in user.coordinated_plans],
        "break_glass": user.break_glass,
    }


def create_user(
    email: str,
    role: Role,
    password: str,
    unit: ResponsibleUnit | None = None,
    name: str = "",
    created_by: User | None = None,
    break_glass: bool = False,
    plans: list[Plan] | None = None,
) -> User:
    """Create an account; a coordinator coordinates ``plans``, a contact person belongs to
    ``unit``."""
    email = normalise_email(email)
    problem = email_problem(email)
    if problem is not None:
        raise AccountError(problem)
    if get_user_by_email(email) is not None:
        raise AccountError(lazy_gettext("Det finnes allerede en bruker med denne e-postadressen."))
    check_password_rules(password, email=email, name=name)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        unit=_unit_for_role(role, unit),
        coordinated_plans=_plans_for_role(role, plans),
        password_hash=hash_password(password),
        active=True,
        break_glass=break_glass,
    )
    db.session.add(user)
    db.session.flush()
    record_event(
        "user_created",
        user=created_by,
        email=email,
        details={"user_id": user.id, **_account_details(user)},
    )
    return user


def update_user(
    user: User,
    role: Role,
    unit: ResponsibleUnit | None,
    name: str,
    changed_by: User,
    break_glass: bool | None = None,
    plans: list[Plan] | None = None,
) -> None:
    """Change a user's role, unit (re-assign), coordinated plans, name or break-glass mark
    (None: unchanged)."""
    if user.id == changed_by.id and role != user.role:
        raise AccountError(lazy_gettext("Du kan ikke endre din egen rolle."))
    before = _account_details(user)
    user.role = role
    user.unit = _unit_for_role(role, unit)
    if plans is not None or role != Role.COORDINATOR:
        user.coordinated_plans = _plans_for_role(role, plans)
    user.name = name.strip()
    if break_glass is not None:
        user.break_glass = break_glass
    after = _account_details(user)
    if after["role"] != before["role"]:
        # Whoever holds a session under the old role signs in again and sees the new one.
        user.end_all_sessions()
    db.session.flush()
    record_event(
        "user_updated",
        user=changed_by,
        email=user.email,
        details={"user_id": user.id, "before": before, "after": after},
    )


def set_password(
    user: User, password: str, changed_by: User | None = None, must_change: bool = False
) -> None:
    """Set a password chosen by someone else; ``must_change`` makes the user replace it."""
    check_password_rules(password, user)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.end_all_sessions()  # whoever knew the old password is signed out everywhere
    db.session.flush()
    record_event("password_set", user=changed_by, email=user.email, details={"user_id": user.id})


class WrongCurrentPassword(AccountError):
    """The password typed as the current one is not the user's."""

    field = "current_password"


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """A signed-in user replaces their password; the current one must be typed first.

    A wrong current password counts as a failed sign-in for throttling, so a session left open
    on a shared machine cannot be used to guess the password either.
    """
    remote_addr = client_address()
    now = utcnow()
    attempt = begin_attempt(user.email, remote_addr, now, details={"form": "change_password"})
    if attempt.throttle.locked_until is not None:
        raise WrongCurrentPassword(locked_message(attempt.throttle.remaining_seconds(now)))
    if not check_password_hash(user.password_hash, current_password):
        # Recorded as a failed sign-in when the attempt was counted.
        raise WrongCurrentPassword(lazy_gettext("Passordet er ikke riktig."))
    forget_attempt(attempt)
    check_password_rules(new_password, user)
    if check_password_hash(user.password_hash, new_password):
        raise AccountError(lazy_gettext("Det nye passordet må være et annet enn det du har nå."))
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    # Every other session ends; the view signs this one in again under the new generation.
    user.end_all_sessions()
    db.session.flush()
    record_event("password_changed", user=user)


def require_password_change(user: User, changed_by: User) -> None:
    """Make ``user`` choose a new password at the next request, before anything else."""
    user.must_change_password = True
    db.session.flush()
    record_event(
        "password_change_required", user=changed_by, email=user.email, details={"user_id": user.id}
    )


def locked_message(seconds: int) -> str:
    """The same words for every wait, whether or not the e-mail belongs to an account."""
    if seconds < 60:
        return ngettext(
            "For mange mislykkede forsøk på å logge inn. Vent %(num)d sekund og prøv igjen. "
            "Har du glemt passordet, kontakt administratoren.",
            "For mange mislykkede forsøk på å logge inn. Vent %(num)d sekunder og prøv igjen. "
            "Har du glemt passordet, kontakt administratoren.",
            seconds,
        )
    minutes = -(-seconds // 60)
    return ngettext(
        "For mange mislykkede forsøk på å logge inn. Vent %(num)d minutt og prøv igjen. "
        "Har du glemt passordet, kontakt administratoren.",
        "For mange mislykkede forsøk på å logge inn. Vent %(num)d minutter og prøv igjen. "
        "Har du glemt passordet, kontakt administratoren.",
        minutes,
    )


def deactivate_user(user: User, changed_by: User) -> None:
    if user.id == changed_by.id:
        raise AccountError(lazy_gettext("Du kan ikke deaktivere din egen konto."))
    user.active = False
    user.end_all_sessions()  # so reactivating the account does not revive an old cookie
    db.session.flush()
    record_event(
        "user_deactivated", user=changed_by, email=user.email, details={"user_id": user.id}
    )


def reactivate_user(user: User, changed_by: User) -> None:
    user.active = True
    db.session.flush()
    record_event(
        "user_reactivated", user=changed_by, email=user.email, details={"user_id": user.id}
    )


def sign_out(user: User) -> None:
    """End every session of ``user``: a copied cookie stops working with the one signed out."""
    user.end_all_sessions()
    db.session.flush()
    record_event("logout", user=user)


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt.

    ``user`` is set for the right password (a deactivated user too, so the view can say why
    they cannot sign in; the caller must check ``user.active``). ``wait_seconds`` is set when the
    attempt was refused unchecked, or when this failure makes the next attempt wait.
    """

    user: User | None = None
    wait_seconds: int | None = None


def authenticate(email: str, password: str) -> SignIn:
    """Check the credentials, unless throttling refuses the attempt. Records it in the audit log."""
    typed = normalise_email(email)[:254]
    remote_addr = client_address()
    now = utcnow()
    attempt = begin_attempt(typed, remote_addr, now)  # counted before the password is checked
    throttle = attempt.throttle
    if throttle.locked_until is not None:
        # Refused before the password is looked at: the right one gets the same answer.
        record_event(
            REFUSED_SIGN_IN,
            email=typed,
            details={"scope": throttle.scope, "until": throttle.locked_until.isoformat()},
            bounded=True,
        )
        return SignIn(wait_seconds=throttle.remaining_seconds(now))
    user = get_user_by_email(typed)
    # While PASSWORD_LOGIN=off keeps this account to single sign-on, its password is not looked
    # at: the right one and a wrong one get the same answer, the same time, the same log entry.
    allowed = user is not None and password_sign_in_allowed_for(user)
    # One hash check whatever the case, so an unknown or refused account costs as much time.
    checked = user.password_hash if user is not None and allowed else _UNKNOWN_USER_HASH
    password_ok = check_password_hash(checked, password) and allowed
    if user is None or not password_ok:
        if user is not None and not allowed:
            note_on_attempt(attempt, {"reason": "password_login_off"})
        # The failure was recorded when the attempt was counted; the wait it causes, if any, is
        # counted from it, however long the password check took.
        later = utcnow()
        after = throttle_for(typed, remote_addr, later)
        if after.locked_until is not None:
            return SignIn(wait_seconds=after.remaining_seconds(later))
        return SignIn()
    if not user.active:
        settle_attempt(attempt, "login_refused_inactive", user)
        return SignIn(user=user)
    settle_attempt(attempt, SUCCESSFUL_SIGN_IN, user)
    return SignIn(user=user)
