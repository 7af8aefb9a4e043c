"""subscriptions.locale: the language a reader subscribed in, which their mails are written in

Existing subscriptions were asked for before the language was kept, and their mails were in
bokmål: they stay in bokmål.

Revision ID: b7e4c1a9d3f5
Revises: ff30a86cb69c
Create Date: 2026-12-06 20:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e4c1a9d3f5"
down_revision = "ff30a86cb69c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=5), nullable=False, server_default="nb")
        )


def downgrade():
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.drop_column("locale")
