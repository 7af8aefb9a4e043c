"""plan note for the report's appendix on the source

Revision ID: c3a71e0d5b42
Revises: c7a1e5d90b42
Create Date: 2026-11-22 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3a71e0d5b42"
down_revision = "c7a1e5d90b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("note")
