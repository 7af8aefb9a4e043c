"""Compare two versions of a narrative word by word, for the report history. Free of Flask
and of HTML: the template escapes each piece as it marks it inserted or deleted.

The comparison must stay cheap whatever a person types, because the conflict page and the
history page run it on every request: difflib's SequenceMatcher goes cubic on repetitive text
(a contact person saving "a b a b …" made one request take 30 s). diff-match-patch's Myers
diff is O(N·D) with a deadline; when the deadline passes, what is left is shown as one
deletion and one insertion, which is still a correct (if coarser) comparison.
"""

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

# Words and the whitespace after them stay together; a paragraph break is a token of its own.
TOKEN = re.compile(r"\n\s*\n|\S+\s*|\s+")
# Seconds of diffing a request may spend before the rest is shown coarsely.
TIME_BUDGET_SECONDS = 0.05
# Each distinct token becomes one character; skip the surrogate block so every code is valid.
_SURROGATES = range(0xD800, 0xE000)
_KIND = {0: "equal", 1: "insert", -1: "delete"}


@dataclass(frozen=True)
class Piece:
    kind: str  # "equal", "insert" or "delete"
    text: str


def compare_text(old: str, new: str, time_budget: float = TIME_BUDGET_SECONDS) -> list[Piece]:
    # Each distinct token becomes one character, so the character diff is a word diff.
    codes: dict[str, str] = {}
    old_codes = _encode(TOKEN.findall(old or ""), codes)
    new_codes = _encode(TOKEN.findall(new or ""), codes)
    decode = {ord(code): token for token, code in codes.items()}
    differ = diff_match_patch()
    differ.Diff_Timeout = time_budget
    pieces = [
        Piece(_KIND[operation], text.translate(decode))
        for operation, text in differ.diff_main(old_codes, new_codes, checklines=False)
    ]
    return _deletions_first(pieces)


def _encode(tokens: list[str], codes: dict[str, str]) -> str:
    encoded = []
    for token in tokens:
        code = codes.get(token)
        if code is None:
            number = len(codes)
            code = codes[token] = chr(
                number + len(_SURROGATES) if number >= _SURROGATES.start else number
            )
        encoded.append(code)
    return "".join(encoded)


def _deletions_first(pieces: list[Piece]) -> list[Piece]:
    """Within each run of changes, what was removed reads before what replaced it."""
    ordered: list[Piece] = []
    run: list[Piece] = []
    for piece in [*pieces, Piece("equal", "")]:
        if piece.kind != "equal":
            run.append(piece)
            continue
        for kind in ("delete", "insert"):
            text = "".join(p.text for p in run if p.kind == kind)
            if text:
                ordered.append(Piece(kind, text))
        run = []
        if piece.text:
            ordered.append(piece)
    return ordered


@dataclass(frozen=True)
class Comparison:
    """Two versions of a report side by side: ``from_version`` None means "the one before"."""

    from_version: int | None
    to_version: int
    old_status: object
    new_status: object
    pieces: list[Piece]

    @property
    def text_changed(self) -> bool:
        return any(piece.kind != "equal" for piece in self.pieces)

    @property
    def status_changed(self) -> bool:
        return self.old_status is not None and self.old_status != self.new_status
