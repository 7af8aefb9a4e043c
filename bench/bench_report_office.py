"""Time LibreOffice's steps on synthetic reports of 1,000 / 2,000 / 5,000 measures (issue 25).

    .venv/bin/python bench/bench_report_office.py 1000 2000 5000
    .venv/bin/python bench/bench_report_office.py --office /opt/lo25/bin 2000   # another soffice
    .venv/bin/python bench/bench_report_office.py --keep /tmp/docx 2000   # keep the DOCX files

No PostgreSQL: the seed's plan goes into a SQLite file, its report data is collected once and
its 50 measures repeated to the size asked (``bench_report.synthetic_data``, the real texts in
turn), and the DOCX is what ``midterm.build`` hands LibreOffice (with the page-count mark, no
chart). Then ``bench/office_steps.py`` (Debian's python, which has ``uno``) times each step of
``uno_worker.convert`` in one warm LibreOffice: open, TOC updates, export. The load average
(1 min, the highest seen during the file) stands beside each row: two cores are shared.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_report import SEED, app_with_plan, synthetic_data  # noqa: E402

from tracker.export import office  # noqa: E402
from tracker.export.docx_report import midterm_report_document  # noqa: E402
from tracker.export.report_data import collect_report_data  # noqa: E402
from tracker.export.report_language import building_in  # noqa: E402
from tracker.reporting.queries import get_round  # noqa: E402

STEPS = ("open", "last page", "toc 1", "toc 2", "refresh", "page count", "export")


def report_docx(template, size: int) -> bytes:
    """The DOCX LibreOffice gets for a report of ``size`` measures."""
    data = synthetic_data(template, size)
    with building_in(data.language):
        document = midterm_report_document(data)
        return document.to_bytes(page_count=office.PAGE_COUNT_MARK, for_layout=True)


def write_reports(sizes: list[int], folder: Path) -> list[Path]:
    paths = []
    template = None
    for size in sizes:
        path = folder / f"report-{size}.docx"
        paths.append(path)
        if path.exists():  # kept from an earlier run (--keep): the same document
            continue
        if template is None:
            template = seeded_template()
        started = time.perf_counter()
        path.write_bytes(report_docx(template, size))
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return paths


def seeded_template():
    """The seed's report data, collected from a SQLite file."""
    with tempfile.TemporaryDirectory() as directory:
        app = app_with_plan(SEED, directory)
        with app.app_context():
            return collect_report_data(get_round("midtveis-2025"))


def time_steps(paths: list[Path], office_bin: str | None) -> list[dict]:
    """Each file's steps in one LibreOffice, as ``office_steps.py`` prints them."""
    environment = dict(os.environ)
    if office_bin:
        environment["PATH"] = office_bin + os.pathsep + environment["PATH"]
    python = environment.get("TRACKER_UNO_PYTHON", "/usr/bin/python3")
    finished = subprocess.run(
        [python, str(ROOT / "bench" / "office_steps.py"), *map(str, paths)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        sys.exit(finished.stderr)
    return [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]


def table(rows: list[dict], sizes: list[int]) -> str:
    lines = [
        "| measures | pages | "
        + " | ".join(STEPS)
        + " | **LibreOffice, all** | its CPU time | load |",
        "|---:|---:|" + "---:|" * len(STEPS) + "---:|---:|---:|",
    ]
    for size, row in zip(sizes, rows, strict=True):
        cells = [f"{row[s]:.1f} s" if row.get(s) is not None else "–" for s in STEPS]
        total = sum(row[s] for s in STEPS if row.get(s) is not None)
        lines.append(
            f"| {size:,} | {row['pages']:,} | "
            + " | ".join(cells)
            + f" | **{total:.1f} s** | {row.get('cpu', '–')} s | {row['load']} |"
        )
    return "\n".join(lines)


def main() -> None:
    arguments = sys.argv[1:]
    office_bin = keep = None
    if "--office" in arguments:
        at = arguments.index("--office")
        office_bin = arguments[at + 1]
        del arguments[at : at + 2]
    if "--keep" in arguments:
        at = arguments.index("--keep")
        keep = Path(arguments[at + 1])
        del arguments[at : at + 2]
    sizes = [int(size) for size in arguments] or [1_000, 2_000, 5_000]
    with tempfile.TemporaryDirectory() as directory:
        folder = keep or Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        paths = write_reports(sizes, folder)
        rows = time_steps(paths, office_bin)
    print(table(rows, sizes))


if __name__ == "__main__":
    main()
