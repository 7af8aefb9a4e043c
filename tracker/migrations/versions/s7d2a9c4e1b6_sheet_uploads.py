"""sheet uploads: a round sheet kept between its preview and the confirmation

Revision ID: s7d2a9c4e1b6
Revises: r3c8a1f5d7e2
Create Date: 2026-12-06 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s7d2a9c4e1b6"
down_revision = "r3c8a1f5d7e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sheet_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("submit", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_sheet_uploads_round_id_reporting_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sheet_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_uploads")),
    )
    op.create_index(op.f("ix_sheet_uploads_user_id"), "sheet_uploads", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_sheet_uploads_user_id"), table_name="sheet_uploads")
    op.drop_table("sheet_uploads")
