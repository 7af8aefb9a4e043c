"""Review notices: the coordinator's decisions gathered per contact person, and a contact's
choice of one message per review sitting or one a day.

Revision ID: w3f8a1c6d9e2
Revises: r7c41e9a2d6f0
"""

import sqlalchemy as sa
from alembic import op

revision = "w3f8a1c6d9e2"
down_revision = "r7c41e9a2d6f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["report_revisions.id"],
            name=op.f("fk_review_notices_revision_id_report_revisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notices")),
        sa.UniqueConstraint("user_id", "revision_id", name="uq_review_notices_user_id_revision_id"),
    )
    with op.batch_alter_table("review_notices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_notices_released_at_created_at",
            ["released_at", "created_at"],
            unique=False,
        )
        batch_op.create_index(op.f("ix_review_notices_revision_id"), ["revision_id"], unique=False)
        batch_op.create_index(op.f("ix_review_notices_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("mail_preferences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "decisions",
                sa.Enum(
                    "immediate",
                    "daily",
                    name="decision_mail",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                server_default="immediate",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("mail_preferences", schema=None) as batch_op:
        # The enum's CHECK goes first: SQLite's batch copy would keep it without its column.
        batch_op.drop_constraint(op.f("ck_mail_preferences_decision_mail"), type_="check")
        batch_op.drop_column("decisions")
    with op.batch_alter_table("review_notices", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_review_notices_user_id"))
        batch_op.drop_index(op.f("ix_review_notices_revision_id"))
        batch_op.drop_index("ix_review_notices_released_at_created_at")
    op.drop_table("review_notices")
