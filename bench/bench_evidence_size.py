"""How much the database grows per 100 MB of attached evidence files, on SQLite and on
PostgreSQL, and how large the backup file (`flask data export`) becomes.

    .venv/bin/python bench/bench_evidence_size.py     # writes bench/results-evidence.md

Files are random bytes behind a PDF header, 5 MB each: PDFs, DOCX, XLSX, ODT, PNG and JPEG are
compressed already, so random content is the honest case (PostgreSQL's TOAST compression finds
nothing to gain, as with real uploads). Each file is stored the way an upload is: one row in
`evidence`, one commit. PostgreSQL runs on BENCH_DATABASE_URL's server (default: the local one).
"""

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from tests.factories import EvidenceFactory, ReportFactory  # noqa: E402
from tests.support.app import make_app  # noqa: E402
from tests.support.databases import DEFAULT_SERVER_URL, ThrowawayDatabase  # noqa: E402
from tracker.backup.dump import consistent_snapshot, dumps, export_data  # noqa: E402
from tracker.extensions import db  # noqa: E402

FILE_MB = 5
TOTAL_MB = int(os.environ.get("BENCH_EVIDENCE_MB", "100"))
MB = 1024 * 1024


def pdf_like(size: int) -> bytes:
    head, tail = b"%PDF-1.7\n", b"\ntrailer<<>>\n%%EOF\n"
    return head + os.urandom(size - len(head) - len(tail)) + tail


def database_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return db.session.scalar(text("SELECT pg_database_size(current_database())"))


def measure(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        upgrade()
        report = ReportFactory()
        db.session.commit()
        if not url.startswith("sqlite"):
            db.session.execute(text("CHECKPOINT"))
        before = database_bytes(url)
        started = time.perf_counter()
        for index in range(TOTAL_MB // FILE_MB):
            EvidenceFactory(
                report=report,
                content=pdf_like(FILE_MB * MB),
                original_name=f"vedlegg-{index}.pdf",
            )
            db.session.commit()
        stored_seconds = time.perf_counter() - started
        if not url.startswith("sqlite"):
            db.session.execute(text("CHECKPOINT"))
            db.session.commit()
        after = database_bytes(url)
        started = time.perf_counter()
        backup = dumps(export_data(consistent_snapshot(db.session())))
        export_seconds = time.perf_counter() - started
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    return {
        "growth_mb": (after - before) / MB,
        "store_s": stored_seconds,
        "backup_mb": len(backup.encode()) / MB,
        "export_s": export_seconds,
    }


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        results["SQLite"] = measure("sqlite:///" + os.path.join(directory, "bench.sqlite"))
    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER_URL)
    database = ThrowawayDatabase(server, prefix="tracker_bench")
    url = database.create()
    try:
        results["PostgreSQL"] = measure(url)
    finally:
        database.drop()
    lines = [
        "# Evidence files in the database: size per 100 attached MB",
        "",
        f"`.venv/bin/python bench/bench_evidence_size.py` — {TOTAL_MB} MB attached as "
        f"{TOTAL_MB // FILE_MB} files of {FILE_MB} MB (random bytes behind a PDF header: real "
        "uploads are compressed formats), one upload per commit; {platform}.".replace(
            "{platform}", f"Python {platform.python_version()}, {platform.machine()}"
        ),
        "",
        "| database | growth per 100 attached MB | storing them | backup file per 100 MB | "
        "`data export` |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        scale = 100 / TOTAL_MB
        lines.append(
            f"| {name} | {result['growth_mb'] * scale:.1f} MB | {result['store_s']:.1f} s | "
            f"{result['backup_mb'] * scale:.1f} MB | {result['export_s']:.1f} s |"
        )
    lines += [
        "",
        "Growth is the database's own size (SQLite: the file and its WAL; PostgreSQL: "
        "`pg_database_size`, which holds the TOAST table) after the files minus before.",
        "The backup is JSON with the bytes in base64, so it is a third larger than the files.",
        "",
    ]
    output = ROOT / "bench" / "results-evidence.md"
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
