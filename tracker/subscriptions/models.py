from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.plan.models import Plan
from tracker.timeutil import utcnow


class Subscription(Model):
    """A reader's wish for e-mail about one plan, or one area, unit or measure in it.

    The address is kept for this alone and deleted with the row on unsubscribe; an unconfirmed
    row is deleted after a week (flask retention apply). ``token`` is the capability in the
    confirmation and unsubscribe links: whoever holds the mail may end the subscription.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("email", "plan_id", "scope", name="uq_subscriptions_email_plan_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # «plan», «area:<key>», «unit:<abbreviation>» or «measure:<number>», within the plan.
    scope: Mapped[str] = mapped_column(String(80))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The interface language of the page the reader subscribed on: their mails are in it.
    locale: Mapped[str] = mapped_column(String(5), default="nb", server_default="nb")

    plan: Mapped[Plan] = relationship()
