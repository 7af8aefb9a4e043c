"""A real SMTP server for the tests (aiosmtpd on a free port) that records what it receives and
can be told to answer 4xx for a while, to take its time over each message, or be stopped and
started again on the same port."""

import asyncio
import email
import email.policy
import socket
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

# The sender and link base the mail tests configure.
MAIL_SETTINGS = {
    "MAIL_FROM": "tracker@handlingsplan.example.no",
    "PUBLIC_URL": "https://tracker.example.no",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.unknown_recipients:
            return "550 5.1.1 Ukjent mottaker"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.seconds_per_message:
            # A slow server (a busy relay): the client waits for the answer to DATA.
            await asyncio.sleep(self.server.seconds_per_message)
        if self.server.temporary_failures > 0:
            self.server.temporary_failures -= 1
            return "451 4.3.0 Midlertidig feil, prøv igjen senere"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[Received] = []
        self.temporary_failures = 0  # answer this many messages with 451 before accepting
        self.unknown_recipients: set[str] = set()  # refused for good (550)
        self.seconds_per_message = 0.0  # how long each message takes to be accepted
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]
