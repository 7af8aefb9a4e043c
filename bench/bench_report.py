"""Time building the midterm report DOCX: the seeded plan and synthetic plans up to 5,000 measures.

    .venv/bin/python bench/bench_report.py            # writes bench/results-report.md
    .venv/bin/python bench/bench_report.py --download-only   # only the DOCX+PDF section
    .venv/bin/python bench/bench_report.py --cli-only        # only the command-line section
    .venv/bin/python bench/bench_report.py --scale 1 10 100  # the whole report at 1×/10×/100×
                                                             # (PostgreSQL; prints its table)

What is timed:
- seeded plan (50 measures) through the database (collect + build), cold (first report in a
  fresh process; with the chart this includes starting kaleido's browser) and warm (median of
  five), with and without the chart;
- synthetic plans of 500 / 1,000 / 2,000 / 5,000 measures, built from report dataclasses
  (the builder alone) and through the database (seeded into a fresh SQLite file, then collect +
  build), with and without the chart; the real narratives of the seed are reused in turn, so
  lists, links and long paragraphs occur as in real data;
- peak memory of each build with tracemalloc (in a separate run, since tracing slows Python),
  and the process's maximum resident size;
- the whole download for the seeded plan, DOCX and PDF (``tracker.export.midterm.build``: chart,
  DOCX, LibreOffice filling the table of contents and exporting the tagged PDF, DOCX again with
  the page numbers), cold in a fresh process (kaleido's Chromium and LibreOffice both start)
  and warm (median of five), split into its stages.
No assertions: the numbers are recorded, the targets stated beside them.
"""

import copy
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pikepdf  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.export import office  # noqa: E402
from tracker.export.chart import render_png, status_figure  # noqa: E402
from tracker.export.docx_report import build_midterm_report  # noqa: E402
from tracker.export.midterm import build  # noqa: E402
from tracker.export.report_data import collect_report_data  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.plan.loader import load_plan  # noqa: E402
from tracker.reporting.queries import get_round  # noqa: E402

SEED = json.loads((ROOT / "seed" / "plan_2024_2027.json").read_text(encoding="utf-8"))
SIZES = (500, 1_000, 2_000, 5_000)
WARM_RUNS = 3


def synthetic_plan(size: int) -> dict:
    """The seed with its 50 measures (and their reports) repeated until there are ``size``."""
    plan = copy.deepcopy(SEED)
    measures, reports = [], []
    seed_reports = {r["measure"]: r for r in SEED["rounds"][0]["reports"]}
    for number in range(1, size + 1):
        template = SEED["measures"][(number - 1) % len(SEED["measures"])]
        measures.append({**template, "number": number, "title": f"{template['title']} ({number})"})
        reports.append({**seed_reports[template["number"]], "measure": number})
    # Keep the areas in plan order, as a real plan would list them.
    order = {area["key"]: i for i, area in enumerate(SEED["areas"])}
    measures.sort(key=lambda m: (order[m["area"]], m["number"]))
    plan["measures"] = measures
    plan["rounds"][0]["reports"] = reports
    return plan


def app_with_plan(plan: dict, directory: str):
    path = os.path.join(directory, f"bench-{len(plan['measures'])}.sqlite")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        upgrade()
        load_plan(db.session, plan)
        db.session.commit()
    return app


def through_database(app, *, chart: bool) -> bytes:
    with app.app_context():
        data = collect_report_data(get_round("midtveis-2025"))
        png = render_png(status_figure(data.summary)) if chart else None
        return build_midterm_report(data, chart_png=png)


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def warm_median(work) -> float:
    return statistics.median(timed(work) for _ in range(WARM_RUNS))


def peak_memory(work) -> float:
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


PIPELINE_WARM_RUNS = 5


def pipeline_stages(app) -> dict:
    """One whole download (DOCX and PDF), timed per stage through the progress messages."""
    with app.app_context():
        data = collect_report_data(get_round("midtveis-2025"))
    marks = [("start", time.perf_counter())]
    report = build(data, progress=lambda message: marks.append((message, time.perf_counter())))
    marks.append(("end", time.perf_counter()))
    assert report.pdf is not None, report.pdf_missing_reason
    names = ("chart", "docx", "libreoffice")
    stages = {name: marks[i + 2][1] - marks[i + 1][1] for i, name in enumerate(names)}
    stages["total"] = marks[-1][1] - marks[0][1]
    stages["pdf_kib"] = len(report.pdf) // 1024
    return stages


def cold_pipeline_in_fresh_process() -> dict:
    """Cold means a new worker: nothing started yet, neither Chromium nor LibreOffice."""
    output = subprocess.run(
        [sys.executable, __file__, "--cold-pipeline"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def warm_pipeline(app) -> dict:
    pipeline_stages(app)  # starts what a warm worker has running
    runs = [pipeline_stages(app) for _ in range(PIPELINE_WARM_RUNS)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


CLI_WARM_RUNS = 2
CLI_HEADING = "## The command line: `flask report`, DOCX and PDF, 50 measures"


def cli_section() -> str:
    """``flask report`` as a person runs it: a new process each time, so kaleido's Chromium and
    LibreOffice start in every run. Cold: LibreOffice makes a new user profile (what every run
    did before profiles were kept). Warm: the profile from an earlier run is reused. Both files
    from one run (one LibreOffice) against two runs, one per file (the only way before)."""
    with tempfile.TemporaryDirectory() as directory:
        environment = os.environ | {
            "TRACKER_ENV": "development",
            "DATABASE_URL": f"sqlite:///{directory}/tracker.sqlite",
            "XDG_CACHE_HOME": f"{directory}/cache",  # where LibreOffice's profile is kept
        }
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        for command in (["db", "upgrade"], ["seed"]):
            subprocess.run(
                flask + command, cwd=ROOT, env=environment, check=True, capture_output=True
            )

        def run(*formats: str) -> float:
            arguments = ["report", "--round", "midtveis-2025", "--output", f"{directory}/r.docx"]
            for kind in formats:
                arguments += ["--format", kind]
            return timed(
                lambda: subprocess.run(
                    flask + arguments, cwd=ROOT, env=environment, check=True, capture_output=True
                )
            )

        cold = run("docx", "pdf")
        warm = statistics.median(run("docx", "pdf") for _ in range(CLI_WARM_RUNS))
        two_runs = run("docx") + run("pdf")
    return "\n".join(
        [
            CLI_HEADING,
            "",
            "A new process each run: Python, the app, kaleido's Chromium and LibreOffice start "
            "every time. Cold: LibreOffice creates its user profile (every run did, before the "
            "profile was kept in `~/.cache/tracker/libreoffice/`). Warm: median of "
            f"{CLI_WARM_RUNS} runs reusing it. Machine load average "
            f"{os.getloadavg()[0]:.1f} at the end (other helpers' test runs on the 2 cores).",
            "",
            "| run | wall time |",
            "|---|---:|",
            f"| `--format docx --format pdf`, cold (new LibreOffice profile) | {seconds(cold)} |",
            f"| `--format docx --format pdf`, warm (profile kept) | {seconds(warm)} |",
            f"| two runs, `--format docx` then `--format pdf` (before: one file a run) "
            f"| {seconds(two_runs)} |",
            "",
            "Command: `.venv/bin/python bench/bench_report.py --cli-only`.",
            "",
        ]
    )


def main() -> None:
    if "--scale-stages" in sys.argv:
        print(json.dumps(scale_stages(sys.argv[sys.argv.index("--scale-stages") + 1])))
        return
    if "--scale" in sys.argv:
        scales = [int(k) for k in sys.argv[sys.argv.index("--scale") + 1 :]] or [1, 10, 100]
        print(scale_section(scales))
        return
    if "--cli-only" in sys.argv:
        output = ROOT / "bench" / "results-report.md"
        previous = output.read_text(encoding="utf-8")
        if CLI_HEADING in previous:
            start = previous.index(CLI_HEADING)
            end = previous.find("\n## ", start + 1)
            previous = previous[:start] + (previous[end + 1 :] if end != -1 else "")
        write_text(output, previous.rstrip("\n") + "\n\n" + cli_section())
        return
    if "--cold-pipeline" in sys.argv:
        with tempfile.TemporaryDirectory() as directory:
            print(json.dumps(pipeline_stages(app_with_plan(SEED, directory))))
            office.stop()
        return
    if "--download-only" in sys.argv:
        cold_pdf = cold_pipeline_in_fresh_process()
        with tempfile.TemporaryDirectory() as directory:
            warm_pdf = warm_pipeline(app_with_plan(SEED, directory))
        office.stop()
        output = ROOT / "bench" / "results-report.md"
        previous = output.read_text(encoding="utf-8")
        # The builder's tables stay as the last full run wrote them.
        builder = previous[previous.index("| case | measures") :]
        note = "The tables below are from the last full run (`bench/bench_report.py`).\n\n"
        write_text(output, download_section(cold_pdf, warm_pdf) + BUILDER_HEADING + note + builder)
        return
    rows, scaling = [], []
    cold_pdf = cold_pipeline_in_fresh_process()
    with tempfile.TemporaryDirectory() as directory:
        seeded = app_with_plan(SEED, directory)
        cold_plain = timed(lambda: through_database(seeded, chart=False))
        cold_chart = timed(lambda: through_database(seeded, chart=True))  # starts the browser
        warm_plain = warm_median(lambda: through_database(seeded, chart=False))
        warm_chart = warm_median(lambda: through_database(seeded, chart=True))
        chart_only = warm_median(lambda: render_png(status_figure(_seeded_summary(seeded))))
        memory = peak_memory(lambda: through_database(seeded, chart=True))
        size_kb = len(through_database(seeded, chart=True)) // 1024
        rows.append(
            (
                "seeded plan, database path",
                50,
                cold_plain,
                warm_plain,
                cold_chart,
                warm_chart,
                memory,
                size_kb,
            )
        )
        warm_pdf = warm_pipeline(seeded)

        with seeded.app_context():
            template = collect_report_data(get_round("midtveis-2025"))
        for size in SIZES:
            data = synthetic_data(template, size)
            builder_plain = (
                warm_median(lambda data=data: build_midterm_report(data))
                if size <= 1_000
                else timed(lambda data=data: build_midterm_report(data))
            )
            png = render_png(status_figure(data.summary))
            builder_chart = timed(
                lambda data=data, png=png: build_midterm_report(data, chart_png=png)
            )
            memory = peak_memory(lambda data=data: build_midterm_report(data))
            size_kb = len(build_midterm_report(data)) // 1024
            rows.append(
                (
                    "synthetic, dataclasses",
                    size,
                    None,
                    builder_plain,
                    None,
                    builder_chart,
                    memory,
                    size_kb,
                )
            )
            cpu_start = time.process_time()
            build_midterm_report(data)
            scaling.append((size, builder_plain, time.process_time() - cpu_start))

            plan = synthetic_plan(size)
            load_start = time.perf_counter()
            app = app_with_plan(plan, directory)
            load_seconds = time.perf_counter() - load_start
            db_plain = timed(lambda app=app: through_database(app, chart=False))
            db_chart = timed(lambda app=app: through_database(app, chart=True))
            memory = peak_memory(lambda app=app: through_database(app, chart=False))
            rows.append(
                (
                    f"synthetic, database path (seeded in {load_seconds:.0f} s)",
                    size,
                    None,
                    db_plain,
                    None,
                    db_chart,
                    memory,
                    size_kb,
                )
            )
    office.stop()
    write_results(rows, chart_only, scaling, cold_pdf, warm_pdf)


def _seeded_summary(app):
    with app.app_context():
        return collect_report_data(get_round("midtveis-2025")).summary


def synthetic_data(template, size: int):
    """``size`` measures as report dataclasses, cycling the seeded measures over the five areas."""
    entries = [m for area in template.areas for m in area.measures]
    per_area = {area.key: [] for area in template.areas}
    area_of = {m.number: area.key for area in template.areas for m in area.measures}
    for number in range(1, size + 1):
        source = entries[(number - 1) % len(entries)]
        per_area[area_of[source.number]].append(
            replace(source, number=number, title=f"{source.title} ({number})")
        )
    areas = tuple(replace(area, measures=tuple(per_area[area.key])) for area in template.areas)
    # The summary scales with the copies; only the builder is timed here, not the counting.
    factor = size / len(entries)
    summary = copy.deepcopy(template.summary)
    for area in summary.areas:
        for status in area.counts:
            area.counts[status] = round(area.counts[status] * factor)
    for status in summary.totals:
        summary.totals[status] = sum(area.counts[status] for area in summary.areas)
    return replace(template, areas=areas, summary=summary)


def seconds(value) -> str:
    return "–" if value is None else f"{value:.2f} s"


def download_section(cold_pdf: dict, warm_pdf: dict) -> str:
    mode = "--download-only" if "--download-only" in sys.argv else ""
    lines = [
        "# Midterm report (DOCX and PDF) benchmark",
        "",
        f"Machine: {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the end: "
        "other helpers' test runs shared them), "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. "
        f"Command: `.venv/bin/python bench/bench_report.py {mode}`.",
        "",
        "## The download: DOCX and PDF, 50 measures",
        "",
        "What the coordinator waits for on the report page (it runs in a background thread and "
        "the page shows these stages as progress messages). Cold: a fresh process, so kaleido's "
        f"Chromium and LibreOffice both start. Warm: median of {PIPELINE_WARM_RUNS} runs in a "
        "worker that has built one report before.",
        "",
        "| stage | cold | warm |",
        "|---|---:|---:|",
        f"| chart (kaleido) | {seconds(cold_pdf['chart'])} | {seconds(warm_pdf['chart'])} |",
        f"| DOCX (python-docx) | {seconds(cold_pdf['docx'])} | {seconds(warm_pdf['docx'])} |",
        "| LibreOffice: lay out, fill the TOC, tagged PDF; DOCX again with page numbers "
        f"| {seconds(cold_pdf['libreoffice'])} | {seconds(warm_pdf['libreoffice'])} |",
        f"| **total, DOCX and PDF** | **{seconds(cold_pdf['total'])}** "
        f"| **{seconds(warm_pdf['total'])}** |",
        "",
        f"PDF size: {warm_pdf['pdf_kib']:,} KiB. Target: warm < 5 s, cold < 15 s.",
        "",
    ]
    return "\n".join(lines) + "\n"


BUILDER_HEADING = (
    "## The DOCX builder alone\n\n"
    "Cold: the first report in a fresh process (with the chart, that includes starting "
    f"kaleido's Chromium). Warm: median of {WARM_RUNS} runs (single runs above 1,000 measures). "
    "Peak memory: tracemalloc's peak during one build without the chart.\n\n"
)


def write_text(output: Path, text: str) -> None:
    output.write_text(text, encoding="utf-8")
    print(text)


def write_results(rows, chart_only, scaling, cold_pdf, warm_pdf) -> None:
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base_size, _, base_cpu = scaling[0]
    lines = [
        "| case | measures | cold, no chart | warm, no chart | cold, chart | warm, chart | peak "
        "memory | DOCX size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size, cold_plain, warm_plain, cold_chart, warm_chart, memory, size_kb in rows:
        lines.append(
            f"| {name} | {size:,} | {seconds(cold_plain)} | {seconds(warm_plain)} | "
            f"{seconds(cold_chart)} "
            f"| {seconds(warm_chart)} | {memory:.0f} MiB | {size_kb:,} KiB |"
        )
    lines += [
        "",
        f"The chart alone (warm kaleido, one PNG): {chart_only:.2f} s. Process maximum resident "
        "size: "
        f"{max_rss:.0f} MiB.",
        "",
        "Linearity of the builder (dataclasses, no chart). CPU time (process_time) is shown "
        "beside the "
        "wall time because other processes share the two cores; per-measure CPU time should stay "
        "flat:",
        "",
        "| measures | wall time | CPU time | CPU per 1,000 measures | CPU per measure relative to "
        "500 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, wall, cpu in scaling:
        relative = (cpu / size) / (base_cpu / base_size)
        lines.append(
            f"| {size:,} | {wall:.2f} s | {cpu:.2f} s | {cpu / size * 1000:.2f} s | "
            f"{relative:.2f}× |"
        )
    lines += [
        "",
        "Targets: 50 measures < 1 s without the chart and < 2 s with it once warm; 5,000 measures "
        "< 30 s; "
        "linear growth (per-measure time roughly constant).",
        "",
    ]
    output = ROOT / "bench" / "results-report.md"
    write_text(output, download_section(cold_pdf, warm_pdf) + BUILDER_HEADING + "\n".join(lines))


# --- 1×, 10×, 100×: the report of the scale benchmark's big plan, on PostgreSQL -------------

SCALE_HEADING = "## 100×: the whole report of 50, 500 and 5,000 measures (PostgreSQL)"
SCALE_ROUND = "skala-3"


def scale_database(scale: int):
    """A fresh PostgreSQL database with bench_scale.py's data at ``scale`` (its own builder),
    the last published round given an introduction so that a final report may be built."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_public import bench_database
    from bench_scale import build_data
    from sqlalchemy import update

    from tracker.reporting.models import ReportingRound

    database = bench_database()
    url = database.create()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TRACKER_ENV": "development"})
    with app.app_context():
        upgrade()
    counts = build_data(app, scale, SEED)
    with app.app_context():
        db.session.execute(
            update(ReportingRound)
            .where(ReportingRound.slug == SCALE_ROUND)
            .values(intro=SEED["rounds"][0].get("intro") or "Om rapporten.")
        )
        db.session.commit()
        db.engine.dispose()
    return database, url, counts


class OfficeMemory:
    """The peak resident memory of the LibreOffice helper's process group (helper, soffice),
    sampled every 0.2 s from /proc while a conversion runs."""

    def __init__(self) -> None:
        self.peak = 0
        self.running = True

    def sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while self.running:
            worker = office._worker.process  # the bench looks inside; the app never does
            if worker is not None:
                total = 0
                for entry in os.listdir("/proc"):
                    if not entry.isdigit():
                        continue
                    try:
                        stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                        if int(stat[2]) == worker.pid:  # its process group
                            total += int(stat[21]) * page
                    except (OSError, IndexError, ValueError):
                        continue
                self.peak = max(self.peak, total)
            time.sleep(0.2)


def scale_stages(url: str) -> dict:
    """One report of the big plan's round through ``midterm.build`` (the path `flask report` and
    the report worker take), its pieces timed by wrapping the functions it calls: the chart,
    the DOCX (python-docx: building, filling the page numbers, writing the files), LibreOffice
    (layout, table of contents, PDF) and pikepdf's finishing. Cold: LibreOffice starts in it."""
    import threading

    from tracker.export import midterm
    from tracker.export.docx_document import ReportDocument

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TRACKER_ENV": "development"})
    figures: dict = {"chart": 0.0, "docx": 0.0, "libreoffice": 0.0, "finish_pdf": 0.0}

    def timing(name, function):
        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                figures[name] += time.perf_counter() - started

        return timed_call

    midterm.render_png = timing("chart", midterm.render_png)
    midterm.midterm_report_document = timing("docx", midterm.midterm_report_document)
    midterm.fill_toc_pages = timing("docx", midterm.fill_toc_pages)
    ReportDocument.to_bytes = timing("docx", ReportDocument.to_bytes)
    office.render_pdf = timing("libreoffice", office.render_pdf)
    midterm.finish_pdf = timing("finish_pdf", midterm.finish_pdf)

    started = time.perf_counter()
    with app.app_context():
        data = midterm.collect(get_round(SCALE_ROUND))
    figures["collect"] = time.perf_counter() - started
    memory = OfficeMemory()
    sampler = threading.Thread(target=memory.sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    report = midterm.build(data)
    figures["build"] = time.perf_counter() - started
    memory.running = False
    sampler.join()
    office.stop()
    if report.pdf is None:
        raise RuntimeError(report.pdf_missing_reason)
    figures["python rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["office peak"] = memory.peak / 2**20
    figures["measures"] = sum(len(area.measures) for area in data.areas)
    figures["docx kib"] = len(report.content) // 1024
    figures["pdf kib"] = len(report.pdf) // 1024
    figures["pages"] = len(pikepdf.open(io.BytesIO(report.pdf)).pages)
    return figures


def scale_cli(url: str) -> tuple[float, float]:
    """``flask report --format docx --format pdf`` as the coordinator's command line runs it:
    wall time and the peak resident size of the largest process of its tree (Linux's wait4
    counts the waited-for descendants: the LibreOffice helper and soffice)."""
    with tempfile.TemporaryDirectory() as directory:
        environment = os.environ | {"DATABASE_URL": url, "TRACKER_ENV": "development"}
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "report", "--round"]
        command += [SCALE_ROUND, "--output", f"{directory}/r.docx"]
        command += ["--format", "docx", "--format", "pdf"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            raise RuntimeError("flask report failed")
        return seconds, usage.ru_maxrss / 1024


def scale_section(scales: list[int]) -> str:
    rows = []
    for scale in scales:
        database, url, counts = scale_database(scale)
        try:
            output = subprocess.run(
                [sys.executable, __file__, "--scale-stages", url],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            stages = json.loads(output.strip().splitlines()[-1])
            print(scale, stages, flush=True)
            cli = scale_cli(url)
            print(scale, cli, f"load {os.getloadavg()[0]:.1f}", flush=True)
            rows.append((scale, counts, stages, cli, os.getloadavg()[0]))
        finally:
            database.drop()
    lines = [
        SCALE_HEADING,
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC: `.venv/bin/python "
        f"bench/bench_report.py --scale {' '.join(map(str, scales))}`. The data is "
        "bench_scale.py's (its builder): the seed's plan, and a plan of 50·k measures with three "
        f"published rounds; the report is the big plan's round `{SCALE_ROUND}`, final, with its "
        "chart, as `flask report --format docx --format pdf` builds it. The stages: one "
        "`midterm.build` in a fresh process (LibreOffice starts cold in it), the functions it "
        "calls timed by wrappers; then `flask report` itself, a process of its own. Load "
        "average (1 min) beside each row: two shared cores.",
        "",
        "| measures | collect | chart | DOCX (python-docx) | LibreOffice (layout, TOC, PDF) "
        "| pikepdf finish | **build, all** | Python peak RSS | LibreOffice peak RSS | pages "
        "| `flask report` wall | its peak RSS | load |",
        "|---:|" + "---:|" * 12,
    ]
    for _scale, counts, stages, (cli_seconds, cli_rss), load in rows:
        parts = ("collect", "chart", "docx", "libreoffice", "finish_pdf")
        lines.append(
            f"| {counts['measures'] - 50:,} | "
            + " | ".join(seconds(stages[name]) for name in parts)
            + f" | **{seconds(stages['collect'] + stages['build'])}** "
            f"| {stages['python rss']:.0f} MiB | {stages['office peak']:.0f} MiB "
            f"| {stages['pages']:,} | **{seconds(cli_seconds)}** | {cli_rss:.0f} MiB | {load:.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
