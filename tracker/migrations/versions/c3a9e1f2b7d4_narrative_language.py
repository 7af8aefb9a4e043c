"""narrative language (bokmål or nynorsk) on reports and their revisions

Revision ID: c3a9e1f2b7d4
Revises: c3a9f1d2e4b7
Create Date: 2026-11-22 07:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9e1f2b7d4"
down_revision = "c3a9f1d2e4b7"
branch_labels = None
depends_on = None

TABLES = ("measure_reports", "report_revisions")


def upgrade():
    # Every narrative written so far is bokmål (the midterm report is), hence the default.
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("narrative_language", sa.String(2), nullable=False, server_default="nb")
            )
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_narrative_language"), "narrative_language IN ('nb', 'nn')"
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_narrative_language"), type_="check")
            batch_op.drop_column("narrative_language")
