"""Numbers as a Norwegian reader reads them. No Flask in here: the DOCX report uses it."""


def format_number(value: float | None, unit: str = "") -> str:
    """A value in Norwegian notation: «1 234,5», «42», «12 %»."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    text = text.replace(",", "\u00a0").replace(".", ",")
    if text in ("-0", ""):
        text = "0"
    if unit.strip() in ("%", "prosent"):
        return f"{text}\u00a0%"
    return text
