"""Text helpers that must stay free of Flask, so the DOCX exporter can use them too."""


def N_(message: str) -> str:
    """Mark a string for translation without translating it here.

    Babel's extractor collects ``N_("...")``; templates translate the value with ``_()``
    at render time, in the reader's language.
    """
    return message
