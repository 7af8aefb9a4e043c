"""What every spreadsheet-facing file (CSV, Excel's CSV, XLSX) does to a text cell, in one place.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: ``=HYPERLINK(...)`` can send what the reader types elsewhere
(OWASP, "CSV injection"). It also runs one that starts *inside* the cell text once the text is
split there: a comma CSV opened with Norwegian Excel's semicolon, or a cell pasted into another
sheet, makes ``Status;=2+5`` two cells, the second a formula. So a quote (') goes in front of
every place where a formula could begin:

* at the start of the cell, before any of the characters above (a spreadsheet shows the text);
* after a comma, semicolon or tab (and any spaces), before ``=``, ``+``, ``-`` or ``@``;
* after a line break (and any spaces), before ``=`` or ``@``, and before ``+`` or ``-`` directly
  followed by a character: ``- `` with a space begins a bullet in a narrative (tracker/narrative.py)
  and is left alone, while ``-2+3+cmd|…`` is not.

JSON and the public pages keep the text as it is stored; only spreadsheet files change.
"""

import re

QUOTE = "'"
_FORMULA_START = re.compile(
    r"^(?=[=+\-@\t\r])"  # the start of the cell
    r"|(?<=[,;\t])[ ]*(?=[=+\-@])"  # after a separator a reader may split on
    r"|(?<=[\r\n])[ ]*(?=[=@]|[+\-]\S)"  # after a line break
)


def neutralise(value):
    """The cell as text no spreadsheet runs: a quote before every place a formula could begin.
    Anything but text (numbers, dates, None) is returned as it is."""
    if not isinstance(value, str):
        return value
    return _FORMULA_START.sub(lambda match: match.group(0) + QUOTE, value)


def could_run(value) -> bool:
    """Whether a spreadsheet could read part of this text as a formula."""
    return isinstance(value, str) and _FORMULA_START.search(value) is not None
