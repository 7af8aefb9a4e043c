"""results: milestones, indicators and their values, evidence files and links, budget lines

Revision ID: r3c8a1f5d7e2
Revises: e5b7c9d1f3a8
Create Date: 2026-12-06 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "r3c8a1f5d7e2"
down_revision = "e5b7c9d1f3a8"
branch_labels = None
depends_on = None


def _measure_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["measure_id"],
        ["measures.id"],
        name=op.f(f"fk_{table}_measure_id_measures"),
        ondelete="CASCADE",
    )


def upgrade():
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_report_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _measure_fk("milestones"),
        sa.ForeignKeyConstraint(
            ["done_report_id"],
            ["measure_reports.id"],
            name=op.f("fk_milestones_done_report_id_measure_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    op.create_index(op.f("ix_milestones_measure_id"), "milestones", ["measure_id"])
    op.create_index(op.f("ix_milestones_done_report_id"), "milestones", ["done_report_id"])
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "higher",
                "lower",
                name="indicator_direction",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        _measure_fk("indicators"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
    )
    op.create_index(op.f("ix_indicators_measure_id"), "indicators", ["measure_id"])
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("period", sa.String(length=50), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("carried", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_values_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["measure_reports.id"],
            name=op.f("fk_indicator_values_report_id_measure_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_indicator_values_round_id_reporting_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint(
            "indicator_id", "round_id", name=op.f("uq_indicator_values_indicator_round")
        ),
    )
    for column in ("indicator_id", "round_id", "report_id"):
        op.create_index(op.f(f"ix_indicator_values_{column}"), "indicator_values", [column])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(content IS NOT NULL AND url IS NULL) OR (content IS NULL AND url IS NOT NULL)",
            name=op.f("ck_evidence_file_or_link"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["measure_reports.id"],
            name=op.f("fk_evidence_report_id_measure_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_stored_name")),
    )
    op.create_index(op.f("ix_evidence_report_id"), "evidence", ["report_id"])
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.BigInteger(), nullable=True),
        sa.Column("spent", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        _measure_fk("budget_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint("measure_id", "year", name=op.f("uq_budget_lines_measure_year")),
    )
    op.create_index(op.f("ix_budget_lines_measure_id"), "budget_lines", ["measure_id"])


def downgrade():
    for table in ("budget_lines", "evidence", "indicator_values", "indicators", "milestones"):
        op.drop_table(table)
