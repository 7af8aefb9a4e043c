"""session generation: signing out, a new password, deactivation or a new role end every session

users.session_generation is part of the id Flask-Login keeps in the session cookie; raising it
makes every cookie issued before unusable.

Revision ID: c3a9e1f0d2b4
Revises: c3d5e7f9a1b2
Create Date: 2026-11-22 07:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9e1f0d2b4"
down_revision = "c3d5e7f9a1b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
