"""The narrative text format: what contact persons type and what every output renders.

Plain text. A blank line separates paragraphs; a line starting with "- " or "• " is a list
item. Numbered lines make a numbered list only when the writer plainly meant one: two or more
lines counting 1., 2., 3. (or i., ii., iii.) in a row. A line that starts with a date, a year or
an amount («24. januar 2026», «1. juni», «2025.», «3. kvartal») is text, wherever a line wrap put
it. Inside a
paragraph or item, ``[words](https://…)`` puts a link on the words, and a bare URL links itself.
Kept free of Flask so the DOCX exporter parses exactly as the web pages do.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

BULLET = re.compile(r"^\s*[-•–*]\s+")
DECIMAL = re.compile(r"^\s*\d{1,3}[.)]\s+")
ROMAN = re.compile(r"^\s*[ivxl]{1,6}[.)]\s+")
LIST_MARKERS = (("bullet", BULLET), ("decimal", DECIMAL), ("roman", ROMAN))
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}
# «1. juni», «24. jan. 2026», «3. kvartal»: a date or a period, not an item number (bokmål,
# nynorsk, English).
MONTH = re.compile(
    r"(?:kvartal(?:et)?|tertial(?:et)?|halvår(?:et)?|jan(?:uar|uary)?|feb(?:ruar|ruary)?|mar(?:s|ch)?|apr(?:il)?|mai|may|jun[ie]?|jul[iy]?|"
    r"aug(?:ust)?|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|des(?:ember)?|"
    r"dec(?:ember)?)(?![^\W\d_])\.?",
    re.IGNORECASE,
)
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
# A link on words: [words](https://…). Only http(s) targets, so no text can become a script link.
LINKED_WORDS = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s<>\"'()]+)\)")
# C0/C1 control characters other than tab and newline: Word pastes them, XML forbids most.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Non-characters and lone surrogates cannot be stored in XML (DOCX) or, often, in databases.
INVALID = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): invisible, they
# make text display in an order other than it is stored ("Trojan Source"), e.g. a reversed
# address on the public page. Right-to-left scripts need none of them: the pages set
# unicode-bidi: plaintext, and the marks LRM/RLM/ALM stay.
BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ItemList:
    items: tuple[str, ...]
    kind: str = "bullet"  # bullet, decimal (1. 2. 3.) or roman (i. ii. iii.)

    @property
    def numbered(self) -> bool:
        return self.kind != "bullet"


Block = Paragraph | ItemList


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph's text, a link when it has a ``url``."""

    text: str
    url: str | None = None


def inline(text: str) -> list[Span]:
    """Split a paragraph's text into plain text and links ([words](url) and bare URLs).

    Words that name an address other than the link's own ("[https://www.regjeringen.no/x]
    (https://evil.example/)") would send the reader somewhere the text does not say: they are
    shown as written, any address in them linked to itself, with the real target beside them.
    """
    spans: list[Span] = []
    last = 0
    for match in LINKED_WORDS.finditer(text):
        spans.extend(_bare_links(text[last : match.start()]))
        words, target = match.group(1), match.group(2)
        if misleading(words, target):
            spans.extend(_bare_links(words))
            spans += [Span(" ("), Span(target, target), Span(")")]
        else:
            spans.append(Span(words, target))
        last = match.end()
    spans.extend(_bare_links(text[last:]))
    return spans


# A host name in running text ("regjeringen.no", "www.imdi.no"): labels of two characters or
# more, ending in letters. Abbreviations like "f.eks." or "bl.a." have one-letter labels.
HOST_IN_TEXT = re.compile(
    r"(?<![\w.@/-])((?:[a-z0-9][a-z0-9-]*[a-z0-9]\.)+[a-z]{2,24})(?![\w-]|\.[\w-])", re.I
)


def misleading(words: str, target: str) -> bool:
    """Whether ``words`` show an address that ``target`` is not: a URL other than the target,
    or a host name the target is neither on nor under ("dfo.no" may link to a page on
    laeringsplattformen.dfo.no: that site is dfo.no's)."""
    target_host = _host(target)
    for shown in URL.findall(words):
        if shown.rstrip("/") != target.rstrip("/"):
            return True
    for host in HOST_IN_TEXT.findall(URL.sub(" ", words)):
        shown_host = _bare_host(host)
        if target_host != shown_host and not target_host.endswith("." + shown_host):
            return True
    return False


def _host(url: str) -> str:
    return _bare_host(urlsplit(url).hostname or "")


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def plain_text(text: str) -> str:
    """The text a reader sees, without link markup: [words](url) becomes words."""
    return LINKED_WORDS.sub(r"\1", text)


def _bare_links(text: str) -> list[Span]:
    spans, last = [], 0
    for match in URL.finditer(text):
        if match.start() > last:
            spans.append(Span(text[last : match.start()]))
        spans.append(Span(match.group(0), match.group(0)))
        last = match.end()
    if last < len(text):
        spans.append(Span(text[last:]))
    return spans


def _list_marker(line: str) -> tuple[str, re.Pattern] | None:
    return next(((kind, pattern) for kind, pattern in LIST_MARKERS if pattern.match(line)), None)


def _item_number(kind: str, line: str) -> int | None:
    """The number a numbered line counts (``3`` for "3. ", "iii. "); None for a line whose
    words start with a month («1. juni»): that is a date."""
    marker = line.strip().split(None, 1)[0][:-1].lower()
    rest = line.strip()[len(marker) + 1 :].lstrip()
    if MONTH.match(rest):
        return None
    if kind == "decimal":
        return int(marker)
    values = [ROMAN_VALUES[letter] for letter in marker]
    # Subtractive notation: a smaller value before a larger one is subtracted (iv = 4).
    return sum(-v if v < after else v for v, after in zip(values, values[1:] + [0], strict=True))


def _meant_markers(lines: list[str]) -> list[tuple[str, re.Pattern] | None]:
    """Each line's list marker, keeping a numbered one only where the writer meant a list: a run
    of two or more lines numbered 1, 2, 3 … (indented lines between them continue an item)."""
    markers = [_list_marker(line) for line in lines]
    meant: list[tuple[str, re.Pattern] | None] = [
        marker if marker and marker[0] == "bullet" else None for marker in markers
    ]
    index = 0
    while index < len(lines):
        marker = markers[index]
        if marker is None or marker[0] == "bullet":
            index += 1
            continue
        run, end, expected = [], index, 1
        while end < len(lines):
            found = markers[end]
            if found is not None and found[0] == marker[0]:
                if _item_number(marker[0], lines[end]) != expected:
                    break
                run.append(end)
                expected += 1
            elif not (run and found is None and lines[end].startswith(" ")):
                break
            end += 1
        if len(run) >= 2:
            for member in run:
                meant[member] = marker
            index = end
        else:
            index += 1
    return meant


def clean_text(text: str) -> str:
    """Normalise text pasted from Word or a PDF, visibly and without losing words.

    Line endings become "\\n", non-breaking and other odd spaces become plain spaces, tabs
    become spaces, control characters and bidi overrides are dropped, and trailing blanks are
    trimmed.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = BIDI_CONTROL.sub("", CONTROL.sub("", INVALID.sub("", text)))
    text = text.replace("\t", " ")
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def parse(text: str) -> list[Block]:
    """Split narrative text into paragraphs and lists."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", clean_text(text)):
        _parse_chunk(chunk, blocks)
    return blocks


def _parse_chunk(chunk: str, blocks: list[Block]) -> None:
    """Append the paragraphs and lists of one blank-line-separated chunk to ``blocks``."""
    paragraph_lines: list[str] = []
    items: list[str] = []
    list_kind = "bullet"

    def flush_paragraph() -> None:
        if paragraph_lines:
            blocks.append(Paragraph(" ".join(paragraph_lines)))
            paragraph_lines.clear()

    def flush_items() -> None:
        if items:
            blocks.append(ItemList(tuple(items), list_kind))
            items.clear()

    lines = [line for line in chunk.split("\n") if line.strip()]
    for line, marker in zip(lines, _meant_markers(lines), strict=True):
        if marker:
            kind, pattern = marker
            flush_paragraph()
            if items and kind != list_kind:
                flush_items()
            list_kind = kind
            items.append(pattern.sub("", line, count=1).strip())
        elif items and line.startswith(" "):
            # An indented line continues the list item above it.
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            flush_items()
            paragraph_lines.append(line.strip())
    flush_paragraph()
    flush_items()
