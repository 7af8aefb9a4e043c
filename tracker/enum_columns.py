"""How an enum is stored: its value as a plain string with a CHECK constraint.

The same on SQLite and PostgreSQL, and a new value is a migration of a constraint, not of a
native type. Every enum column in the schema is made here.
"""

import enum

from sqlalchemy import Enum


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    """What SQLAlchemy stores for an enum column: the value, not the member name."""
    return [member.value for member in enum_class]


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=enum_values,
        validate_strings=True,
    )
