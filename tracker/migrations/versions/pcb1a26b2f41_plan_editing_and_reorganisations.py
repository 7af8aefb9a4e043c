"""plan editing and unit reorganisations: measure versions, the plan's change log, unit names
kept on reports

- measures: version (the optimistic lock of the plan text) and text_changed_at (shown on the
  public page).
- plan_changes: every change a coordinator makes to a plan or to the units, with what it was
  and what it became.
- responsible_units.merged_into_id: a unit merged into another keeps its row.
- measure_reports.unit_names: the units' names when the report was made, written when a
  reorganisation renames, merges or splits them.

No row changes: every existing measure starts at version 1, unchanged since it was loaded.

Revision ID: pcb1a26b2f41
Revises: p7e2a9c4b1d6
Create Date: 2026-12-06 16:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "pcb1a26b2f41"
down_revision = "p7e2a9c4b1d6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("text_changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("responsible_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_responsible_units_merged_into_id_responsible_units"),
            "responsible_units",
            ["merged_into_id"],
            ["id"],
        )
    with op.batch_alter_table("measure_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_names", sa.JSON(), nullable=True))
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("measure_version", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_plan_changes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_plan_changes_measure_id_measures")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_changes_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_changes")),
    )
    with op.batch_alter_table("plan_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_changes_measure_id"), ["measure_id"])
        batch_op.create_index(batch_op.f("ix_plan_changes_plan_id"), ["plan_id"])


def downgrade():
    with op.batch_alter_table("plan_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_changes_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_changes_measure_id"))
    op.drop_table("plan_changes")
    with op.batch_alter_table("measure_reports", schema=None) as batch_op:
        batch_op.drop_column("unit_names")
    with op.batch_alter_table("responsible_units", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_responsible_units_merged_into_id_responsible_units"), type_="foreignkey"
        )
        batch_op.drop_column("merged_into_id")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_column("text_changed_at")
        batch_op.drop_column("version")
