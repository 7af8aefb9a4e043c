"""Writes about user accounts: create, change, deactivate, check a sign-in. Flush only."""
import secrets

from flask_babel import lazy_gettext
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.operations import record_event
from tracker.auth.models import Role, User
from tracker.auth.queries import get_user_by_email, normalise_email
from tracker.extensions import db
from tracker.ministries.models import Ministry

HASH_METHOD = "scrypt"
MINIMUM_PASSWORD_LENGTH = 12
# Checked when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("no-such-user", method=HASH_METHOD)


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message is for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def generate_password() -> str:
    """A random password people can type: 20 characters from a URL-safe alphabet."""
    return secrets.token_urlsafe(15)


def check_password_rules(password: str) -> None:
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise AccountError(
            lazy_gettext("Passordet må ha minst %(n)d tegn.", n=MINIMUM_PASSWORD_LENGTH)
        )


def _ministry_for_role(role: Role, ministry: Ministry | None) -> Ministry | None:
    if role == Role.CONTACT and ministry is None:
        raise AccountError(lazy_gettext("En kontaktperson må høre til et departement."))
    # Coordinators and admins work across ministries; the database refuses them one.
    return ministry if role == Role.CONTACT else None


def create_user(
    email: str, role: Role, password: str, ministry: Ministry | None = None, name: str = "",
    created_by: User | None = None,
) -> User:
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise AccountError(lazy_gettext("Det finnes allerede en bruker med denne e-postadressen."))
    check_password_rules(password)
    user = User(
        email=email, name=name.strip(), role=role, ministry=_ministry_for_role(role, ministry),
        password_hash=hash_password(password), active=True,
    )
    db.session.add(user)
    db.session.flush()
    record_event("user_created", user=created_by, email=email,
                 details={"user_id": user.id, "role": role.value,
                          "ministry": user.ministry.abbreviation if user.ministry else None})
    return user


def update_user(user: User, role: Role, ministry: Ministry | None, name: str, changed_by: User) -> None:
    """Change a user's role, ministry (re-assign) or name."""
    if user.id == changed_by.id and role != user.role:
        raise AccountError(lazy_gettext("Du kan ikke endre din egen rolle."))
    before = {"role": user.role.value, "ministry": user.ministry.abbreviation if user.ministry else None}
    user.role = role
    user.ministry = _ministry_for_role(role, ministry)
    user.name = name.strip()
    db.session.flush()
    after = {"role": user.role.value, "ministry": user.ministry.abbreviation if user.ministry else None}
    record_event("user_updated", user=changed_by, email=user.email,
                 details={"user_id": user.id, "before": before, "after": after})


def set_password(user: User, password: str, changed_by: User | None = None) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    db.session.flush()
    record_event("password_set", user=changed_by, email=user.email, details={"user_id": user.id})


def deactivate_user(user: User, changed_by: User) -> None:
    if user.id == changed_by.id:
        raise AccountError(lazy_gettext("Du kan ikke deaktivere din egen konto."))
    user.active = False
    db.session.flush()
    record_event("user_deactivated", user=changed_by, email=user.email, details={"user_id": user.id})


def reactivate_user(user: User, changed_by: User) -> None:
    user.active = True
    db.session.flush()
    record_event("user_reactivated", user=changed_by, email=user.email, details={"user_id": user.id})


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None. Records the attempt in the audit log.

    A deactivated user with the right password is returned, so the view can say why they
    cannot sign in; the caller must check ``user.active``.
    """
    user = get_user_by_email(email)
    password_ok = check_password_hash(user.password_hash if user else _UNKNOWN_USER_HASH, password)
    if user is None or not password_ok:
        record_event("login_failed", email=normalise_email(email)[:254])
        return None
    if not user.active:
        record_event("login_refused_inactive", user=user)
        return user
    record_event("login", user=user)
    return user
