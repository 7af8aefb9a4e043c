"""secret key fingerprints of running instances: every machine must sign sessions with one key

One row per SECRET_KEY in use (an HMAC under the key, never the key), with when it was first
and last seen; tracker/secret_key_check.py refuses a second key and /healthz reports one.

Revision ID: d4b8c2a6f1e3
Revises: c3a9e1f0d2b4
Create Date: 2026-12-06 13:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4b8c2a6f1e3"
down_revision = "c3a9e1f0d2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "secret_key_fingerprints",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_secret_key_fingerprints")),
    )


def downgrade():
    op.drop_table("secret_key_fingerprints")
