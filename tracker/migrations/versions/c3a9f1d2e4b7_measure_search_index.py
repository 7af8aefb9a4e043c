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
    # Fill it for a database that already holds the plan, from the tables as they are at this
    # revision (the app's models have moved on since: ministries became responsible units).
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM measures LIMIT 1").first():
        _fill(bind)


def _fill(bind):
    from tracker.public.search import _write_postgresql, _write_sqlite, normalise

    measures = {}
    for measure_id, title, description, name, abbreviation in bind.exec_driver_sql(
        "SELECT m.id, m.title, m.description, o.name, o.abbreviation FROM measures m"
        " JOIN responsibilities r ON r.measure_id = m.id"
        " JOIN ministries o ON o.id = r.ministry_id ORDER BY m.id, r.position"
    ):
        row = measures.setdefault(measure_id, [title, description, [], []])
        row[2].append(f"{name} {abbreviation}")
    for measure_id, narrative in bind.exec_driver_sql(
        "SELECT mr.measure_id, mr.narrative FROM measure_reports mr"
        " JOIN reporting_rounds rr ON rr.id = mr.round_id"
        " WHERE rr.state = 'published' AND mr.review_state = 'approved'"
        " ORDER BY mr.measure_id, rr.as_of DESC"
    ):
        if measure_id in measures and narrative:
            measures[measure_id][3].append(narrative)
    documents = [
        {
            "measure_id": measure_id,
            "title": normalise(title),
            "ministries": normalise(" ".join(owners)),
            "description": normalise(description),
            "narrative": normalise("\n".join(narratives)),
        }
        for measure_id, (title, description, owners, narratives) in measures.items()
    ]
    if bind.dialect.name == "postgresql":
        _write_postgresql(bind, documents)
    else:
        _write_sqlite(bind, documents, None)


def downgrade():
    op.execute("DROP TABLE measure_search")
