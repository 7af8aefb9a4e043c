"""A database as it was before plans became data: the seeded plan, three rounds of reports with
their revisions, people in every role, an audit log and an outbox, written with plain SQL into
the tables of an older revision (reflected, so nothing here depends on today's models)."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, MetaData, select

SEED = Path(__file__).resolve().parents[2] / "seed" / "plan_2024_2027.json"
STATUSES = ("not_started", "in_progress", "completed")
# The revision before the plans migration, and one from before the search index was added.
BEFORE_PLANS = "d4b8c2a6f1e3"
# The revision that made plans data (its downgrade refuses a database of several plans).
PLANS = "e5b7c9d1f3a8"
BEFORE_SEARCH = "405f245035a7"
# What the old rows are called in the new schema.
RENAMED_TABLES = {"ministries": "responsible_units"}
RENAMED_COLUMNS = {
    ("users", "ministry_id"): "unit_id",
    ("responsibilities", "ministry_id"): "unit_id",
}


def old_rows() -> dict[str, list[dict]]:
    """Every row, per table, in the shape of the schema before plans (columns a table lacks at
    an older revision are dropped when written)."""
    plan = json.loads(SEED.read_text(encoding="utf-8"))
    moment = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    rows: dict[str, list[dict]] = {}
    rows["plans"] = [
        {
            "id": 1,
            "title": plan["plan"]["title"],
            "period": plan["plan"]["period"],
            "launched": plan["plan"]["launched"],
            "note": plan["plan"]["note"],
        }
    ]
    rows["areas"] = [
        {"id": i + 1, "key": a["key"], "name": a["name"], "name_en": a["name_en"], "position": i}
        for i, a in enumerate(plan["areas"])
    ]
    area_ids = {row["key"]: row["id"] for row in rows["areas"]}
    rows["ministries"] = [
        {"id": i + 10, "abbreviation": m["abbreviation"], "name": m["name"], "position": i}
        for i, m in enumerate(plan["ministries"])
    ]
    ministry_ids = {row["abbreviation"]: row["id"] for row in rows["ministries"]}
    rows["measures"] = [
        {
            "id": m["number"] + 100,
            "number": m["number"],
            "area_id": area_ids[m["area"]],
            "title": m["title"],
            "description": m["description"],
            "note": m["note"],
        }
        for m in plan["measures"]
    ]
    rows["responsibilities"] = [
        {"measure_id": m["number"] + 100, "ministry_id": ministry_ids[a], "position": position}
        for m in plan["measures"]
        for position, a in enumerate(m["ministries"])
    ]
    user = {
        "password_hash": "scrypt:32768:8:1$salt$hash",
        "active": True,
        "created_at": moment,
        "must_change_password": False,
        "break_glass": False,
        "oidc_issuer": None,
        "oidc_subject": None,
        "session_generation": 0,
    }
    rows["users"] = [
        user
        | {"id": 1, "email": "kontakt@aid.no", "name": "Kari", "role": "contact"}
        | {"ministry_id": ministry_ids["AID"]},
        user
        | {"id": 2, "email": "koordinator@aid.no", "name": "Kim", "role": "coordinator"}
        | {"ministry_id": None},
        user
        | {"id": 3, "email": "koordinator2@aid.no", "name": "Kåre", "role": "coordinator"}
        | {"ministry_id": None, "active": False},
        user
        | {"id": 4, "email": "admin@aid.no", "name": "Ada", "role": "admin"}
        | {"ministry_id": None, "break_glass": True},
    ]
    rows["reporting_rounds"] = []
    rows["measure_reports"] = []
    rows["report_revisions"] = []
    for index, (slug, as_of, state) in enumerate(
        (
            ("midtveis-2025", date(2025, 6, 1), "published"),
            ("host-2025", date(2025, 10, 1), "published"),
            ("status-2026", date(2026, 6, 1), "open"),
        )
    ):
        round_id = index + 1
        rows["reporting_rounds"].append(
            {
                "id": round_id,
                "slug": slug,
                "title": f"Runde {slug}",
                "as_of": as_of,
                "deadline": as_of - timedelta(days=14),
                "state": state,
                "intro": f"Innledning til {slug}.",
                "opened_at": moment + timedelta(days=index),
                "closed_at": moment + timedelta(days=index + 1) if state != "open" else None,
                "published_at": moment + timedelta(days=index + 2)
                if state == "published"
                else None,
            }
        )
        for m in plan["measures"]:
            report_id = round_id * 1000 + m["number"]
            status = STATUSES[(m["number"] + index) % 3]
            review = "approved" if state == "published" else "submitted"
            rows["measure_reports"].append(
                {
                    "id": report_id,
                    "round_id": round_id,
                    "measure_id": m["number"] + 100,
                    "status": status,
                    "narrative": f"Status for tiltak {m['number']} i {slug}.",
                    "narrative_language": "nn" if m["number"] % 4 == 0 else "nb",
                    "review_state": review,
                    "review_comment": "",
                    "version": 2,
                    "updated_at": moment + timedelta(days=index, minutes=m["number"]),
                    "updated_by_id": 1,
                }
            )
            for version, action, new_review in ((1, "opened", "draft"), (2, "submitted", review)):
                rows["report_revisions"].append(
                    {
                        "id": report_id * 10 + version,
                        "report_id": report_id,
                        "version": version,
                        "action": action,
                        "author_id": 2 if version == 1 else 1,
                        "created_at": moment + timedelta(days=index, minutes=version),
                        "old_status": None if version == 1 else status,
                        "new_status": status,
                        "old_narrative": None if version == 1 else "",
                        "new_narrative": f"Status for tiltak {m['number']} i {slug}.",
                        "narrative_language": "nb",
                        "old_review_state": None if version == 1 else "draft",
                        "new_review_state": new_review,
                        "comment": "",
                    }
                )
    rows["audit_events"] = [
        {
            "id": i + 1,
            "created_at": moment + timedelta(hours=i),
            "event": event,
            "user_id": user_id,
            "email": email,
            "remote_addr": "192.0.2.1",
            "details": details,
        }
        for i, (event, user_id, email, details) in enumerate(
            (
                ("sign_in", 1, "kontakt@aid.no", {}),
                ("sign_in_failed", None, "ukjent@aid.no", {"reason": "unknown"}),
                ("round_opened", 2, "", {"round": "status-2026", "reports": 50}),
                ("round_published", 2, "", {"round": "host-2025", "approved_reports": 50}),
                ("user_created", 4, "kontakt@aid.no", {"role": "contact", "ministry": "AID"}),
            )
        )
    ]
    rows["mail_messages"] = [
        {
            "id": i + 1,
            "created_at": moment,
            "event": "round_opened",
            "event_key": f"round_opened:{3}",
            "recipient": recipient,
            "user_id": user_id,
            "subject": "Ny rapporteringsrunde: status-2026",
            "body_text": "Hei",
            "body_html": "<p>Hei</p>",
            "state": state,
            "attempts": attempts,
            "next_attempt_at": moment,
            "claimed_until": None,
            "claim_token": None,
            "sent_at": moment if state == "sent" else None,
            "last_error": "" if state != "failed" else "550 ukjent mottaker",
        }
        for i, (recipient, user_id, state, attempts) in enumerate(
            (
                ("kontakt@aid.no", 1, "sent", 1),
                ("borte@aid.no", None, "failed", 8),
                ("koordinator@aid.no", 2, "pending", 0),
            )
        )
    ]
    rows["mail_preferences"] = [{"user_id": 2, "submissions": "immediate"}]
    return rows


def write_rows(connection: Connection, rows: dict[str, list[dict]]) -> None:
    """Insert ``rows`` into the tables the database has now, in an order that keeps every
    foreign key satisfied; columns a table does not have (yet) are left out."""
    metadata = MetaData()
    metadata.reflect(connection)
    for table in metadata.sorted_tables:
        if rows.get(table.name):
            names = set(table.columns.keys())
            connection.execute(
                table.insert(),
                [{k: v for k, v in row.items() if k in names} for row in rows[table.name]],
            )
    if connection.dialect.name == "postgresql":
        for table in metadata.sorted_tables:
            if "id" in table.columns and rows.get(table.name):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT MAX(id) FROM {table.name}))"
                )


def table_contents(connection: Connection, skip=("alembic_version",)) -> dict[str, list[tuple]]:
    """Every row of every table (search-index tables aside), sorted, as plain tuples."""
    metadata = MetaData()
    metadata.reflect(connection)
    contents = {}
    for table in metadata.sorted_tables:
        if table.name in skip or table.name.startswith("measure_search"):
            continue
        columns = sorted(table.columns.keys())
        rows = connection.execute(select(*(table.c[name] for name in columns))).all()
        contents[table.name] = sorted(
            (tuple(zip(columns, map(_plain, row), strict=True)) for row in rows), key=repr
        )
    return contents


def _plain(value):
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones.
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value
