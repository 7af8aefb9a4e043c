"""the report's colophon: the plan's ISBN, ISSN, licence and contact

Revision ID: r7c41e9a2d6f0
Revises: s7d2a9c4e1b6
Create Date: 2026-12-06 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r7c41e9a2d6f0"
down_revision = "s7d2a9c4e1b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("isbn", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("issn", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("licence", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("contact", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("plans") as batch:
        for column in ("contact", "licence", "issn", "isbn"):
            batch.drop_column(column)
