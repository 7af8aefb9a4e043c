"""Run by Debian's system python (which has ``uno``), never imported by the app.

Starts one headless LibreOffice with a profile of its own (kept between runs), then answers
requests on stdin, one JSON object a line: ``{"docx": PATH, "pdf": PATH, "page_count_mark":
TEXT}``. For each it opens the DOCX, updates the table of contents (page numbers), writes the
number of pages where the footers hold the mark, exports a tagged PDF (PDF/UA, bookmarks
from the headings), and answers one JSON line: ``{"ok": true, "toc": [[text, page], ...]}`` or
``{"ok": false, "error": "..."}``. Staying alive between requests keeps LibreOffice warm.

It runs in a process group of its own with its LibreOffice, and dies with the app: when the
process that started it is gone (a killed worker), a watchdog kills the whole group, even in the
middle of a conversion, so no LibreOffice is left running for nobody.
"""

import fcntl
import json
import os
import shutil
import signal
import subprocess  # nosec B404 - starts LibreOffice with a fixed argument list, no shell
import sys
import tempfile
import threading
import time

import uno
from com.sun.star.beans import PropertyValue


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


PROFILE_SLOTS = 16


def _profile():
    """A LibreOffice user profile kept between runs (a first start with a new profile costs
    seconds), one per running worker: the first slot no other worker holds, locked while this
    one lives. A private temporary profile when the cache directory cannot be written."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    base = os.path.join(cache, "tracker", "libreoffice")
    try:
        os.makedirs(base, mode=0o700, exist_ok=True)
        for slot in range(PROFILE_SLOTS):
            lock = open(os.path.join(base, f"profile-{slot}.lock"), "w")  # noqa: SIM115 - held
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                lock.close()
                continue
            return os.path.join(base, f"profile-{slot}"), lock
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="tracker-lo-"), None


def _start_office(profile):
    pipe = f"tracker{os.getpid()}"
    office = subprocess.Popen(  # nosec B603 B607 - soffice from PATH, as Debian installs it
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - not listening yet
            if office.poll() is not None or time.monotonic() > deadline:
                office.kill()
                office.wait()
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.1)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    return office, desktop


def _die_with_parent(profile, temporary):
    """Kill this helper and its LibreOffice once the app that started it is gone (removing the
    profile if it was a temporary one; a kept slot stays for the next worker)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        if temporary:
            shutil.rmtree(profile, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _last_page(document, index):
    """The page the index (the table of contents) ends on, as laid out now."""
    cursor = document.getCurrentController().getViewCursor()
    cursor.gotoRange(index.getAnchor().getEnd(), False)
    return cursor.getPage()


def _toc_lines(document):
    indexes = document.getDocumentIndexes()
    lines = []
    for position in range(indexes.getCount()):
        index = indexes.getByIndex(position)
        last_page = _last_page(document, index)
        index.update()
        # Numbers that make entries wrap can lengthen the table of contents and push every
        # later heading onto another page: then a second pass counts the pages as they now
        # are. When it ends on the page it ended on, no heading after it has moved (each part
        # starts on a new page), and a second pass (a minute at 5,000 measures) would change
        # nothing.
        if _last_page(document, index) != last_page:
            index.update()
        if position == 0:
            text = index.getAnchor().getString()
            for line in text.splitlines():
                # The TOC's own title has no page number; only entries with one count.
                if "\t" in line:
                    words, page = line.rsplit("\t", 1)
                    lines.append([words.strip(), page.strip()])
    return lines


def _write_page_count(document, mark):
    """The number of pages where the footers hold ``mark`` (the app writes it in place of a
    NUMPAGES field, whose upkeep made laying out a long report take the square of its pages).
    The layout is done: the number changes no line of the text."""
    if not mark:
        return
    pages = document.getCurrentController().getPropertyValue("PageCount")
    replace = document.createReplaceDescriptor()
    replace.setSearchString(mark)
    replace.setReplaceString(str(pages))
    document.replaceAll(replace)


def export_pdf(document, path):
    """The open document as a tagged PDF (PDF/UA, bookmarks from the headings) at ``path``."""
    filter_data = uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        tuple(
            _property(name, value)
            for name, value in (
                ("UseTaggedPDF", True),
                ("PDFUACompliance", True),
                # PDF/A-2b for the archive (Noark 5), tagged all the same.
                ("SelectPdfVersion", 2),
                ("ExportBookmarks", True),
                ("ExportBookmarksToPDFDestination", True),
                ("ExportLinksRelativeFsys", False),
                ("ConvertOOoTargetToPDFTarget", True),
                ("DisplayPDFDocumentTitle", True),
                ("OpenBookmarkLevels", 1),
                ("UseLosslessCompression", True),
            )
        ),
    )
    uno.invoke(
        document,
        "storeToURL",
        (
            uno.systemPathToFileUrl(os.path.abspath(path)),
            (
                _property("FilterName", "writer_pdf_Export"),
                _property("FilterData", filter_data),
            ),
        ),
    )


def convert(desktop, request):
    source = uno.systemPathToFileUrl(os.path.abspath(request["docx"]))
    document = desktop.loadComponentFromURL(
        source, "_blank", 0, (_property("Hidden", True), _property("ReadOnly", False))
    )
    try:
        toc = _toc_lines(document)
        document.refresh()
        _write_page_count(document, request.get("page_count_mark"))
        export_pdf(document, request["pdf"])
        return {"ok": True, "toc": toc}
    finally:
        document.close(True)


def main():
    profile, profile_lock = _profile()  # the lock is held while this worker lives
    temporary = profile_lock is None
    _die_with_parent(profile, temporary)  # from the start: LibreOffice takes seconds to come up
    try:
        office, desktop = _start_office(profile)
    except RuntimeError:
        if temporary:
            raise
        # A kept profile LibreOffice no longer starts with (a crash mid-write): start afresh.
        shutil.rmtree(profile, ignore_errors=True)
        office, desktop = _start_office(profile)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer = convert(desktop, json.loads(line))
            except Exception as error:  # noqa: BLE001 - reported to the app, which says why
                answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            print(json.dumps(answer), flush=True)
    finally:
        try:
            desktop.terminate()
        except Exception as error:  # noqa: BLE001 - the bridge dies with the office
            print(f"LibreOffice ended: {error}", file=sys.stderr)
        office.wait(timeout=30)
        if temporary:
            shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
