"""Outbox tests: a reminder kind of their own, and a real SMTP server to send to."""

import email
import email.policy
import socket
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portal.accounts.models import Municipality
from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category

TEMPLATES_DIR = Path(__file__).parent / "templates"
REMINDER = "test_reminder"


def _reminder_context(notification):
    municipality = Municipality.objects.filter(pk=notification.context["municipality_id"]).first()
    if municipality is None:
        raise Obsolete("The municipality is gone.")
    return {"place": municipality.name, "note": notification.context.get("note", "")}


register(
    Kind(
        name=REMINDER,
        category=Category.REMINDER,
        templates="test_reminder",
        build_context=_reminder_context,
    )
)


@pytest.fixture(autouse=True)
def _test_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}
    ]


class SinkHandler:
    """Accepts every message, unless told to refuse a recipient with given replies first."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refusals: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            planned = self.refusals.get(address)
            if planned:
                return planned.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def refuse(self, address: str, *replies: str) -> None:
        """Answer RCPT TO for `address` with these replies, one per attempt, then accept."""
        with self.lock:
            self.refusals[address] = list(replies)

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on localhost; the portal sends to it over SMTP."""
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    handler.port = controller.port
    yield handler
    controller.stop()
