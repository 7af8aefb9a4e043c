"""single sign-on: break-glass accounts and the identity provider's subject

users.break_glass: may sign in with a password when PASSWORD_LOGIN=off.
users.oidc_issuer + users.oidc_subject: the OpenID Connect identity an account is linked to.

Revision ID: c3d5e7f9a1b2
Revises: c3a71e0d5b42
Create Date: 2026-11-22 07:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d5e7f9a1b2"
down_revision = "c3a71e0d5b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("break_glass", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("oidc_issuer", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            op.f("uq_users_oidc_identity"), ["oidc_issuer", "oidc_subject"]
        )
        batch_op.create_check_constraint(
            op.f("ck_users_oidc_identity_complete"),
            "(oidc_issuer IS NULL) = (oidc_subject IS NULL)",
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_oidc_identity_complete"), type_="check")
        batch_op.drop_constraint(op.f("uq_users_oidc_identity"), type_="unique")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("oidc_issuer")
        batch_op.drop_column("break_glass")
