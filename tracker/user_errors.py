"""The base for errors a person reads: a form shows them, a command prints them."""


class UserError(Exception):
    """A refusal with a Norwegian ``message`` meant for the user, never a traceback."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
