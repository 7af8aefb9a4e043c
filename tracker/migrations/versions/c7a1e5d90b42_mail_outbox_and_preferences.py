"""mail outbox and mail preferences

mail_messages: the transactional outbox (one row per e-mail and recipient, unique per event
key and recipient). mail_preferences: a coordinator's choice of immediate or daily e-mail about
submitted reports.

Revision ID: c7a1e5d90b42
Revises: c3a9e1f2b7d4
Create Date: 2026-11-22 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c7a1e5d90b42"
down_revision = "c3a9e1f2b7d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                "cancelled",
                name="mail_message_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_messages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("event_key", "recipient", name="uq_mail_messages_event_key_recipient"),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_state_next_attempt_at", ["state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(op.f("ix_mail_messages_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mail_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "submissions",
            sa.Enum(
                "daily",
                "immediate",
                name="submission_mail",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mail_preferences")),
    )


def downgrade():
    op.drop_table("mail_preferences")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_mail_messages_user_id"))
        batch_op.drop_index("ix_mail_messages_state_next_attempt_at")
    op.drop_table("mail_messages")
