"""join plan text and forced password reset

Revision ID: 405f245035a7
Revises: 801b99a7760c, b035a8020bc7
Create Date: 2026-11-22 03:52:35.056601

"""

# revision identifiers, used by Alembic.
revision = "405f245035a7"
down_revision = ("801b99a7760c", "b035a8020bc7")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
