"""Words that must not part at a line's end: «1. juni 2025», «2024–2027», «20 %», «15 000
kroner». No-break spaces, a word joiner around a range's dash and a non-breaking hyphen, for
every output that breaks lines itself (the DOCX, the PDF LibreOffice lays out, the public pages).

Free of Flask: the DOCX exporter and the templates use the same rules.
"""

import re

NO_BREAK_SPACE = "\u00a0"
WORD_JOINER = "\u2060"  # zero width; no line break on either side
NO_BREAK_HYPHEN = "\u2011"

MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
    "jan\\.|feb\\.|aug\\.|sep\\.|sept\\.|okt\\.|nov\\.|des\\."
)
# «1. juni 2025», «1. juni»: day, month and year stay on one line.
DATE = re.compile(rf"\b(\d{{1,2}}\.) ({MONTHS})(?: (\d{{4}})\b)?")
# «juni 2025»: a month and its year.
MONTH_YEAR = re.compile(rf"\b({MONTHS}) (\d{{4}})\b")
# «2024–2027», «2024-2027»: a period of years.
PERIOD = re.compile(r"\b(\d{4})([–-])(\d{2,4})\b")
# «15 000»: a number with a thousands space.
THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)\b")
# A number and its unit: «20 %», «2 millioner kroner», «15 år».
UNITS = (
    "%|‰|prosent|promille|kr\\.?|kroner|NOK|mill\\.|millioner|mrd\\.|milliarder|år|måneder|"
    "uker|dager|timer|minutter|cm|mm|km|m|kg|g|t|pt|kB|MB|GB"
)
NUMBER_UNIT = re.compile(rf"(\d) ({UNITS})(?![\w])")
# «2 millioner kroner»: the amount's word and its currency too.
AMOUNT_CURRENCY = re.compile(r"\b(mill\.|millioner|mrd\.|milliarder) (kroner|kr\.?|NOK)\b")


# Every rule below starts from a digit: a text without one is left as it is.
DIGIT = re.compile(r"\d")


def keep_together(text: str) -> str:
    """``text`` with no-break characters where a line break would part what belongs together."""
    if not DIGIT.search(text):  # a scan in C: the report calls this for every run it writes
        return text
    text = DATE.sub(_date, text)
    text = MONTH_YEAR.sub(rf"\1{NO_BREAK_SPACE}\2", text)
    text = PERIOD.sub(_period, text)
    text = THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", NO_BREAK_SPACE), text)
    text = NUMBER_UNIT.sub(rf"\1{NO_BREAK_SPACE}\2", text)
    return AMOUNT_CURRENCY.sub(rf"\1{NO_BREAK_SPACE}\2", text)


def _date(match: re.Match) -> str:
    day, month, year = match.groups()
    joined = f"{day}{NO_BREAK_SPACE}{month}"
    return f"{joined}{NO_BREAK_SPACE}{year}" if year else joined


def _period(match: re.Match) -> str:
    first, dash, last = match.groups()
    if dash == "-":
        return f"{first}{NO_BREAK_HYPHEN}{last}"
    return f"{first}{WORD_JOINER}{dash}{WORD_JOINER}{last}"


def as_read(text: str) -> str:
    """What a reader sees, for comparing texts: plain spaces and hyphens, no joiners."""
    return text.replace(NO_BREAK_SPACE, " ").replace(WORD_JOINER, "").replace(NO_BREAK_HYPHEN, "-")
