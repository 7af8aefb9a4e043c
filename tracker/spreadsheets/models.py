from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.timeutil import utcnow


class SheetUpload(Model):
    """An uploaded round sheet between its preview and the person's confirmation.

    The bytes stay on the server, tied to the person and the round, so what is confirmed is
    exactly what was previewed and the browser is never trusted to send it back. Read again
    on confirmation (the database may have moved on); deleted once applied or replaced.
    """

    __tablename__ = "sheet_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_rounds.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    submit: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
