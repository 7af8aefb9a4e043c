"""How a setting from the environment is declared, read and refused.

Every environment variable the app reads is one ``Setting`` in ``tracker/config.py``'s
``SETTINGS``: its name, the parser that turns the text into a value (and refuses bad text), the
default, and one line saying what it is for. From that one declaration come the value in
``app.config``, the refusal of a bad value (one Norwegian line, never a traceback), ``make
serve``'s preflight, gunicorn's start and the configuration table in README.md
(``python -m tracker.settings_table`` prints it; tests/test_config.py holds the README to it).

Adding a setting is one line in ``SETTINGS``::

    Setting("DATABASE_TIMEOUT_SECONDS", seconds, "30", "how long a query may run"),

then ``python -m tracker.settings_table`` for the README's table. The parser is one of the helpers
below (``text``, ``whole_number``, ``positive_number``, ``seconds``, ``minutes``, ``on_off``,
``choice(...)``, ``web_address``) or any function that raises ``Invalid`` with what the value
must be. A default that depends on the profile or the instance folder is a function of
``Context``; give it ``shown_default`` for the table. A setting that the module using it reads
at the moment of use (gunicorn's, LibreOffice's interpreter) has ``key=None``: it is still
checked when the app starts, and read with ``read(setting)``.
"""

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tracker.user_errors import UserError


class ConfigurationError(UserError, RuntimeError):
    """The environment does not describe a configuration we are willing to run with."""


class Invalid(ValueError):
    """Raised by a parser: ``requirement`` completes «NAME …», e.g. «må være et helt tall»."""

    def __init__(self, requirement: str):
        super().__init__(requirement)
        self.requirement = requirement


@dataclass(frozen=True)
class Context:
    """What a default may depend on."""

    profile: str  # development, production or testing (TRACKER_ENV)
    instance_path: str


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    parse: Callable[[str], Any]  # text as given → value; raises Invalid
    # Used when the variable is unset or blank: text (parsed like the environment's, and shown
    # as it stands in the README) or a function of the context.
    default: str | Callable[[Context], Any]
    meaning: str  # for the README's table (English, like the rest of the README)
    key: str | None = ""  # where in app.config; "" means the name; None: read where used
    shown_default: str | None = None  # the table's words for a default that is a function
    # How a refused value is echoed in the message; None: never (secrets, passwords).
    echo: Callable[[str], str] | None = lambda value: value

    @property
    def config_key(self) -> str | None:
        return self.name if self.key == "" else self.key

    def default_value(self, context: Context) -> Any:
        if callable(self.default):
            return self.default(context)
        return self.parse(self.default) if self.default else ""

    def value(self, text: str | None, context: Context) -> Any:
        """The value for ``text`` from the environment; blank or unset gives the default."""
        if text is None or not text.strip():
            return self.default_value(context)
        try:
            return self.parse(text)  # the parser trims, or not (a secret is taken as it is)
        except Invalid as invalid:
            raise ConfigurationError(self.refusal(text.strip(), invalid)) from None

    def refusal(self, text: str, invalid: Invalid) -> str:
        """One line: «SESSION_MINUTES må være et helt tall (1 eller større), ikke «tjue».»"""
        message = f"{self.name} {invalid.requirement}"
        if self.echo is None:
            return message + "."
        shown = " ".join(self.echo(text).split())
        if len(shown) > 80:
            shown = shown[:79] + "…"
        return f"{message}, ikke «{shown}»."


def is_set(setting: Setting, environ: Mapping | None = None) -> bool:
    """Whether the environment gives the setting a value (blank counts as unset)."""
    environ = os.environ if environ is None else environ
    return bool((environ.get(setting.name) or "").strip())


def read(setting: Setting, context: Context | None = None, environ: Mapping | None = None) -> Any:
    """One setting's value now (for the settings their module reads at the moment of use)."""
    environ = os.environ if environ is None else environ
    return setting.value(environ.get(setting.name), context or Context("production", ""))


def read_all(
    settings: Iterable[Setting], context: Context, environ: Mapping | None = None
) -> dict[str, Any]:
    """Every setting's value by its app.config key; each one is checked, also those read
    where they are used, so a bad value stops the start rather than the first use."""
    values = {}
    for setting in settings:
        value = read(setting, context, environ)
        if setting.config_key is not None:
            values[setting.config_key] = value
    return values


def check_overrides(settings: Iterable[Setting], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Values given to ``create_app(config)`` as text are read like the environment's, so a
    test (or a caller) cannot hand the app a value the environment could not."""
    checked = dict(overrides)
    for setting in settings:
        key = setting.config_key
        given = overrides.get(key) if key is not None else None
        if key is not None and isinstance(given, str) and given.strip():
            try:
                checked[key] = setting.parse(given)
            except Invalid as invalid:
                raise ConfigurationError(setting.refusal(given.strip(), invalid)) from None
    return checked


def markdown_table(settings: Iterable[Setting]) -> str:
    """The README's configuration table."""
    lines = ["| variable | meaning | default |", "|---|---|---|"]
    for setting in settings:
        if setting.shown_default is not None:
            default = setting.shown_default
        elif callable(setting.default) or not setting.default:
            default = "empty"
        else:
            default = f"`{setting.default}`"
        lines.append(f"| `{setting.name}` | {setting.meaning} | {default} |")
    return "\n".join(lines) + "\n"


def hidden_password(url: str) -> str:
    """An address as a message may echo it: «smtp://user:***@host»."""
    return re.sub(r"^((?:[a-z0-9+.-]+://)?[^/@:]*):[^/]*@", r"\1:***@", url, flags=re.IGNORECASE)


# --- Parsers: text → value, or Invalid saying what the value must be ------------------------


def text(value: str) -> str:
    return value.strip()


def whole_number(value: str) -> int:
    value = value.strip()
    if not value.isdigit():
        raise Invalid("må være et helt tall (0 eller større)")
    return int(value)


def positive_number(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or int(value) < 1:
        raise Invalid("må være et helt tall (1 eller større)")
    return int(value)


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0 or number == float("inf"):
        raise Invalid("må være et antall sekunder større enn 0 (for eksempel 30 eller 2.5)")
    return number


def port(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise Invalid("må være et portnummer fra 1 til 65535")
    return int(value)


def minutes(value: str) -> timedelta:
    return timedelta(minutes=positive_number(value))


def on_off(value: str) -> bool:
    value = value.strip().lower()
    if value not in ("on", "off"):
        raise Invalid("må være «on» eller «off»")
    return value == "on"


def choice(*allowed: str) -> Callable[[str], str]:
    listed = ", ".join(f"«{option}»" for option in allowed[:-1]) + f" eller «{allowed[-1]}»"

    def parse(value: str) -> str:
        value = value.strip()
        if value not in allowed:
            raise Invalid(f"må være {listed}")
        return value

    return parse


def web_address(value: str) -> str:
    """An http(s) address with a host, e.g. https://tracker.example.no."""
    value = value.strip()
    scheme, _, rest = value.partition("://")
    if scheme not in ("https", "http") or not rest.split("/", 1)[0]:
        raise Invalid("må være en adresse som begynner med https:// (eller http://)")
    return value
