from datetime import datetime

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enum_columns import enum_column
from tracker.extensions import Model
from tracker.labelled_enum import LabelledEnum
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.models import Plan, plan_coordinators
from tracker.text import N_
from tracker.timeutil import utcnow

# An erased account's e-mail is «slettet-<id>@slettet.invalid»: unique, and never deliverable
# (.invalid is reserved, RFC 2606).
ERASED_EMAIL_DOMAIN = "slettet.invalid"


class Role(LabelledEnum):
    # A unit's contact person: reports on that unit's measures, in every plan.
    CONTACT = "contact", N_("Kontaktperson")
    # Runs rounds, reviews and publishes in the plans they coordinate (plan_coordinators).
    COORDINATOR = "coordinator", N_("Koordinator")
    ADMIN = "admin", N_("Administrator")  # manages user accounts


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        # A contact person always belongs to exactly one unit; the others to none.
        CheckConstraint("(role = 'contact') = (unit_id IS NOT NULL)", name="contact_has_unit"),
        # One person at the identity provider is linked to at most one account.
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_users_oidc_identity"),
        CheckConstraint(
            "(oidc_issuer IS NULL) = (oidc_subject IS NULL)", name="oidc_identity_complete"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set by an administrator: the user must choose a new password before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Set by an administrator: may sign in with a password even when PASSWORD_LOGIN=off,
    # so someone can get in when the identity provider is down.
    break_glass: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The identity provider's issuer and subject (OpenID Connect `iss` + `sub`), recorded at the
    # first single sign-on: later sign-ins follow these, not the e-mail, which may change.
    oidc_issuer: Mapped[str | None] = mapped_column(String(255))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Part of the id in the session cookie: raising it ends every session issued before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    unit: Mapped[ResponsibleUnit | None] = relationship()
    # A coordinator's plans; empty for everyone else.
    coordinated_plans: Mapped[list[Plan]] = relationship(
        secondary=plan_coordinators, order_by=Plan.id
    )

    def coordinates(self, plan: Plan) -> bool:
        return any(coordinated.id == plan.id for coordinated in self.coordinated_plans)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_erased(self) -> bool:
        """Whether an administrator erased this (deactivated) person's data (tracker/privacy)."""
        return self.email.endswith("@" + ERASED_EMAIL_DOMAIN)

    @property
    def display_name(self) -> str:
        """How pages name the person: their name, else their e-mail; after erasure, the role."""
        if self.is_erased:
            if self.role == Role.CONTACT:
                return gettext("tidligere kontaktperson")
            return gettext("tidligere bruker")
        return self.name or self.email

    def get_id(self) -> str:
        """What Flask-Login stores in the session; tracker.auth.loader checks both parts."""
        return f"{self.id}:{self.session_generation}"

    def end_all_sessions(self) -> None:
        """Make every session cookie issued to this user so far stop working."""
        self.session_generation = (self.session_generation or 0) + 1

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
