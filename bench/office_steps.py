"""Run by Debian's system python (it has ``uno``): time each LibreOffice step of
``uno_worker.convert`` on the DOCX files named on the command line, one JSON line a file.

    /usr/bin/python3 bench/office_steps.py a.docx b.docx   # soffice from PATH

Steps as the worker does them: open the DOCX, update the table of contents
(and the second update when the first moved its end), refresh, write the page count, export the
tagged PDF/A. ``bench/bench_report_office.py`` builds the DOCX files and prints the table.
"""

import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tracker", "export"))
# Only open and lay out (the page count), for comparing variants of a document.
OPEN_ONLY = os.environ.get("OFFICE_STEPS_OPEN_ONLY") == "1"

import uno  # noqa: E402
import uno_worker  # noqa: E402


def office_cpu(pid):
    """CPU seconds LibreOffice has used: soffice (``pid``) and its children (a wrapper script
    may start soffice.bin). Less moved by the other engineers' load than the wall time."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def timed_convert(desktop, path, pdf, pid):
    steps = {}
    clock = time.perf_counter()
    started_cpu = office_cpu(pid)

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 2)
        clock = now

    source = uno.systemPathToFileUrl(os.path.abspath(path))
    document = desktop.loadComponentFromURL(
        source,
        "_blank",
        0,
        (uno_worker._property("Hidden", True), uno_worker._property("ReadOnly", False)),
    )
    try:
        lap("open")
        if OPEN_ONLY:
            steps["pages"] = document.getCurrentController().getPropertyValue("PageCount")
            lap("layout")
            return steps
        index = document.getDocumentIndexes().getByIndex(0)
        before = uno_worker._last_page(document, index)
        lap("last page")
        index.update()
        lap("toc 1")
        if uno_worker._last_page(document, index) != before:
            index.update()
            lap("toc 2")
        else:
            steps["toc 2"] = None
        document.refresh()
        lap("refresh")
        uno_worker._write_page_count(document, "[[SIDETALL]]")
        lap("page count")
        steps["pages"] = document.getCurrentController().getPropertyValue("PageCount")
        clock = time.perf_counter()
        uno_worker.export_pdf(document, pdf)  # the app's own export settings
        lap("export")
        steps["cpu"] = round(office_cpu(pid) - started_cpu, 1)
    finally:
        document.close(True)
    return steps


def main():
    profile = tempfile.mkdtemp(prefix="bench-lo-")
    office, desktop = uno_worker._start_office(profile)
    try:
        for path in sys.argv[1:]:
            pdf = path.removesuffix(".docx") + ".pdf"
            load = os.getloadavg()[0]
            steps = timed_convert(desktop, path, pdf, office.pid)
            steps["load"] = round(max(load, os.getloadavg()[0]), 2)
            print(json.dumps({"docx": path, **steps}), flush=True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge dies with the office
            pass
        office.wait(timeout=60)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
