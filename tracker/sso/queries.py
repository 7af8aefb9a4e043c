"""Reads for single sign-on."""

from sqlalchemy import select

from tracker.auth.models import Role, User
from tracker.extensions import db


def get_user_by_identity(issuer: str, subject: str) -> User | None:
    """The account linked to the provider's person ``subject`` at ``issuer``."""
    return db.session.scalars(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    ).first()


def active_administrators() -> list[User]:
    """Who gives out accounts: named on the page a person without one is shown."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.ADMIN, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )
