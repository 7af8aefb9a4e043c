"""The base for errors a person reads: a form shows them, a command prints them."""

from typing import ClassVar


class UserError(Exception):
    """A refusal with a Norwegian ``message`` meant for the user, never a traceback.

    It also says how a page shows it (tracker/unit_of_work.py): ``status`` is the page's HTTP
    status (400: the input is refused; subclasses say 409 when the state of things refuses it,
    410 when a link is gone), and ``field``, when set, names the form field the message
    belongs to.
    """

    status: ClassVar[int] = 400
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
