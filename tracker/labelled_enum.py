"""One base for the app's vocabularies: the value is stored, the label is shown."""

import enum
from typing import Self


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry their Norwegian label: ``NAME = "value", N_("Label")``.

    ``value`` is what the database, URLs and open data hold. ``label`` is the gettext message
    id (marked with ``N_``), translated at render time (``_()`` in templates, ``_l`` in forms)
    so each reader gets their language; the DOCX, written in Norwegian, uses it as it is.
    """

    _label: str

    # Variadic so that type checkers accept the lookup ``Status("completed")``, which Enum
    # answers without calling __new__; a member is defined with exactly (value, label).
    def __new__(cls, *definition: str) -> Self:
        value, label = definition
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label
