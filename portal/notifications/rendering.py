"""Turn an outbox row into an email message, in the recipient's language.

Each kind has three templates: `subject.txt`, `body.txt` and `body.html`. The HTML bodies
extend `email/layout.html` (tables and inline styles, no images); the text bodies extend
`email/layout.txt` and are rendered without HTML escaping.
"""

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.notifications.calendar import ics_bytes
from portal.notifications.kinds import get_kind
from portal.notifications.links import UNSUBSCRIBE_LINK
from portal.notifications.models import Category, Notification


@dataclass
class RenderedEmail:
    message: EmailMultiAlternatives
    subject: str
    body_text: str
    body_html: str


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(*, user_id: int, category: str) -> str:
    """A signed token naming one person and one optional category; it does not expire."""
    return UNSUBSCRIBE_LINK.sign(user_id, category)


def unsubscribe_url(*, user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def _address_of(sender: str) -> str:
    """The bare address of "Name <address>"."""
    return parseaddr(sender)[1] or sender


def recipient_language(notification: Notification) -> str:
    """The recipient's language now, which may have changed since the row was written."""
    if notification.user is not None and notification.user.preferred_language:
        return notification.user.preferred_language
    return notification.language


def _render_text(template_name: str, context: dict) -> str:
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_notification(notification: Notification) -> RenderedEmail:
    """Subject, text and HTML of the row's kind; raises kinds.Obsolete if its object is gone."""
    kind = get_kind(notification.kind)
    language = recipient_language(notification)
    with translation.override(language):
        context = {
            "portal_name": settings.PORTAL_NAME,
            "site_url": settings.SITE_URL,
            "recipient": notification.user,
            "to_email": notification.to_email,
            "language": language,
            "optional": kind.optional,
            "category_label": Category(kind.category).label,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": (
                unsubscribe_url(user_id=notification.user_id, category=kind.category)
                if kind.optional and notification.user_id
                else ""
            ),
        }
        context.update(kind.build_context(notification))
        subject = " ".join(_render_text(f"{kind.templates}/subject.txt", context).split())
        body_text = _render_text(f"{kind.templates}/body.txt", context).strip() + "\n"
        body_html = render_to_string(f"{kind.templates}/body.html", context)

    sender_domain = _address_of(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2]
    headers = {
        # The same Message-ID on every attempt lets receiving servers drop a duplicate.
        "Message-ID": f"<notification-{notification.pk}@{sender_domain}>",
        "Auto-Submitted": "auto-generated",
        "Content-Language": language,
    }
    if context["unsubscribe_url"]:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    message = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        headers=headers,
    )
    message.attach_alternative(body_html, "text/html")
    if notification.calendar:
        entry = notification.calendar
        message.attach(
            "termin.ics" if language == "de" else "event.ics",
            ics_bytes(entry, organizer_email=_address_of(settings.DEFAULT_FROM_EMAIL)),
            f"text/calendar; method={entry['method']}; charset=utf-8",
        )
    return RenderedEmail(message, subject, body_text, body_html)
