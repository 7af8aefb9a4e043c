"""Northern Sámi texts: a measure's public summary and a report's narrative in `se`

Empty means no Sámi text. A report revision keeps the Sámi narrative it produced, so the history
of a report shows what the Sámi text was at every version, like the narrative's.

Revision ID: s5e1a7c3d9b2
Revises: j055024f8e2de
Create Date: 2026-12-06 17:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "s5e1a7c3d9b2"
down_revision = "j055024f8e2de"
branch_labels = None
depends_on = None

COLUMNS = (
    ("measures", "summary_se"),
    ("measure_reports", "narrative_se"),
    ("report_revisions", "new_narrative_se"),
)


def upgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Text(), nullable=False, server_default=""))


def downgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(column)
