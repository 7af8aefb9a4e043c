"""password reset flag and sign-in throttling indexes

users.must_change_password: an administrator can make a user choose a new password at the
next sign-in. Two indexes let every sign-in count recent failures per e-mail and per address.

Revision ID: 801b99a7760c
Revises: 78f374d3d52d
Create Date: 2026-11-22 03:14:32.925821

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "801b99a7760c"
down_revision = "78f374d3d52d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_event_email_created_at", ["event", "email", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_event_remote_addr_created_at",
            ["event", "remote_addr", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_event_remote_addr_created_at")
        batch_op.drop_index("ix_audit_events_event_email_created_at")
