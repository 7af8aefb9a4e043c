"""report jobs in the database: every instance sees a build's state and its files

Report builds were a folder per job on one machine's disk: from a second instance, their status
and downloads answered 404. Now a build is a row that any worker claims (tracker/work_queue.py),
renewed by a heartbeat while it builds, with the finished DOCX and PDF stored beside it. Builds
in the old folders are not carried over: they were kept for a day, and can be built again.

Revision ID: j055024f8e2de
Revises: pcb1a26b2f41
Create Date: 2026-12-06 16:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "j055024f8e2de"
down_revision = "pcb1a26b2f41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("round_slug", sa.String(length=100), nullable=False),
        sa.Column("round_title", sa.String(length=300), nullable=False),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("include_changes", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("docx_name", sa.String(length=200), nullable=True),
        sa.Column("pdf_name", sa.String(length=200), nullable=True),
        sa.Column("pdf_missing_reason", sa.Text(), nullable=True),
        sa.Column("docx", sa.LargeBinary(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_report_jobs_report_job_state"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_report_jobs_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_report_jobs_round_id_reporting_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_jobs")),
        sa.UniqueConstraint("public_id", name=op.f("uq_report_jobs_public_id")),
    )
    with op.batch_alter_table("report_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_jobs_state_claimed_until", ["state", "claimed_until"], unique=False
        )
        batch_op.create_index(op.f("ix_report_jobs_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            op.f("ix_report_jobs_requested_by_id"), ["requested_by_id"], unique=False
        )


def downgrade():
    op.drop_table("report_jobs")
