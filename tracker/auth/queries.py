"""Reads about user accounts."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.models import Role, User
from tracker.extensions import db


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).first()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    """Every account, grouped by role, with the unit and the coordinated plans loaded."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.unit), selectinload(User.coordinated_plans))
            .order_by(User.role, User.email)
        )
    )


def active_contacts_by_unit() -> dict[int, list[User]]:
    """Active contact persons keyed by unit id (one query), for chasing late reports."""
    contacts: dict[int, list[User]] = {}
    for user in db.session.scalars(
        select(User)
        .where(User.role == Role.CONTACT, User.active.is_(True))
        .order_by(User.name, User.email)
    ):
        if user.unit_id is not None:
            contacts.setdefault(user.unit_id, []).append(user)
    return contacts
