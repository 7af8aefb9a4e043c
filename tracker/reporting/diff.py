"""Compare two versions of a narrative word by word, for the report history. Free of Flask
and of HTML: the template escapes each piece as it marks it inserted or deleted."""

import difflib
import re
from dataclasses import dataclass

# Words and the whitespace after them stay together; a paragraph break is a token of its own.
TOKEN = re.compile(r"\n\s*\n|\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "equal", "insert" or "delete"
    text: str


def compare_text(old: str, new: str) -> list[Piece]:
    old_tokens, new_tokens = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    pieces: list[Piece] = []
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece("equal", "".join(new_tokens[b_start:b_end])))
            continue
        if a_end > a_start:
            pieces.append(Piece("delete", "".join(old_tokens[a_start:a_end])))
        if b_end > b_start:
            pieces.append(Piece("insert", "".join(new_tokens[b_start:b_end])))
    return pieces


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
