"""What a data import must check of the evidence rows: the same as an upload. A file comes in
only if its content is what its name and type say (tracker/results/files.py), and its size is
its length; a link is a web address."""

from collections.abc import Callable

from flask_babel import gettext as _

from tracker.results.files import FileRefused, check_file
from tracker.results.forms import checked_url
from tracker.results.parsing import ParseError


def evidence_problems(rows: list[dict], where: Callable[[str, int], str]) -> list[str]:
    problems = []
    for index, row in enumerate(rows, start=1):
        here = where("evidence", index)
        content, url = row.get("content"), row.get("url")
        if isinstance(content, bytes):
            name = row.get("original_name") or row.get("stored_name") or ""
            try:
                kind = check_file(str(name), content)
            except FileRefused as refused:
                problems.append(f"{here}: {refused.message}")
                continue
            if row.get("content_type") != kind.content_type or row.get("size") != len(content):
                problems.append(
                    _(
                        "%(where)s: feltene «content_type» og «size» stemmer ikke med filen.",
                        where=here,
                    )
                )
        elif isinstance(url, str):
            try:
                checked_url(url)
            except ParseError as refused:
                problems.append(f"{here}: {refused.message}")
    return problems
