"""report_jobs.kind: a status report or a final report (Sluttrapport, issue 21)

Revision ID: ff30a86cb69c
Revises: s5e1a7c3d9b2
Create Date: 2026-12-06 18:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ff30a86cb69c"
down_revision = "s5e1a7c3d9b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_jobs") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="statusrapport")
        )


def downgrade() -> None:
    with op.batch_alter_table("report_jobs") as batch:
        batch.drop_column("kind")
