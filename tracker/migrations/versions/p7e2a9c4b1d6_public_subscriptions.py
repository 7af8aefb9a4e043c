"""public e-mail subscriptions: subscriptions (a reader's address, plan and scope, the token of
the confirmation and unsubscribe links, when confirmed); mail_messages.unsubscribe_url for the
List-Unsubscribe header

Revision ID: p7e2a9c4b1d6
Revises: w3f8a1c6d9e2
Create Date: 2026-12-06 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p7e2a9c4b1d6"
down_revision = "w3f8a1c6d9e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_subscriptions_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("email", "plan_id", "scope", name="uq_subscriptions_email_plan_scope"),
        sa.UniqueConstraint("token", name=op.f("uq_subscriptions_token")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_subscriptions_plan_id"), ["plan_id"], unique=False)
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_column("unsubscribe_url")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_subscriptions_plan_id"))
    op.drop_table("subscriptions")
