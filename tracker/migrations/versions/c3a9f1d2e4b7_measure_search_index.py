"""measure search index: FTS5 on SQLite, a weighted tsvector with a GIN index on PostgreSQL

One row per measure holding only published text (title, ministries, description, published
narratives), kept current by tracker/public/search.py whenever a commit touches that text.
It is derived data: the backup leaves it out and a restore rebuilds it.

Revision ID: c3a9f1d2e4b7
Revises: 405f245035a7
Create Date: 2026-11-22 07:15:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9f1d2e4b7"
down_revision = "405f245035a7"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE measure_search ("
            " measure_id INTEGER PRIMARY KEY REFERENCES measures (id) ON DELETE CASCADE,"
            " document TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_measure_search_document ON measure_search USING GIN (document)")
    else:
        # diacritics are folded in Python (search.normalise) so that æ, ø and å stay letters.
        op.execute(
            "CREATE VIRTUAL TABLE measure_search USING fts5("
            "measure_id UNINDEXED, title, ministries, description, narrative, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
    # Fill it for a database that already holds the plan. A fresh database skips this, so the
    # app code it calls (today's columns) only runs where there is something to index; should
    # it ever fail on an old database, `flask search rebuild` after the upgrade does the same.
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM measures LIMIT 1").first():
        from tracker.public.search import refresh_search_index

        refresh_search_index(bind)


def downgrade():
    op.execute("DROP TABLE measure_search")
