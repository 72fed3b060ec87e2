"""A round's participant list as CSV, and name badges as PDF, for its moderators.

Names and bodies are typed by people, so every CSV cell goes through the kernel's
`spreadsheet_safe`. The badges are drawn by weasyprint from
`templates/exchanges/moderation/badges_pdf.html` with `static/css/badges.css`: eight to an A4
page (two columns, four rows), a name, the municipality or organisation and its federal state;
a guest of a public event is "Gast".
"""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, override

from exchanges.models import ExchangeRound, RoundRegistration
from portal.core.exports import csv_response, spreadsheet_safe

BADGES_PER_PAGE = 8
BADGE_STYLESHEET = settings.BASE_DIR / "static" / "css" / "badges.css"


def _local_day(round: ExchangeRound) -> str:
    return f"{timezone.localtime(round.start):%Y-%m-%d}"


def participants_csv(
    round: ExchangeRound, registrations: Iterable[RoundRegistration]
) -> HttpResponse:
    """One row per registration (as `selectors.moderation.registration_list` reads them):
    status, name, email, guest or member, body, state, when they registered, attendance."""
    response, writer = csv_response(f"participants-{_local_day(round)}-{round.slug}.csv")
    writer.writerow(
        [
            gettext("status"),
            gettext("name"),
            gettext("email"),
            gettext("guest"),
            gettext("municipality or organisation"),
            gettext("federal state"),
            gettext("registered at"),
            gettext("attendance"),
        ]
    )
    attendance = {True: gettext("present"), False: gettext("absent"), None: ""}
    for registration in registrations:
        writer.writerow(
            [
                registration.get_status_display(),
                spreadsheet_safe(registration.name),
                spreadsheet_safe(registration.email),
                gettext("yes") if registration.is_guest else "",
                spreadsheet_safe(str(registration.body or "")),
                registration.get_state_display(),
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                attendance[registration.attended],
            ]
        )
    return response


def _badge(registration: RoundRegistration) -> dict:
    if registration.is_guest:
        return {"name": registration.guest_name, "body": gettext("Guest"), "state": ""}
    return {
        "name": registration.person.full_name or registration.person.email,
        "body": registration.body.name if registration.body else "",
        "state": registration.get_state_display(),
    }


def badges_pdf(
    round: ExchangeRound, registrations: Iterable[RoundRegistration], *, language: str
) -> bytes:
    """Name badges of the confirmed participants (as `selectors.moderation.participant_list`
    reads them), eight to a page, in `language`; one empty page for a round without any."""
    # Imported here: weasyprint loads Pango when imported (see trainings/certificates.py).
    from weasyprint import CSS, HTML

    with override(language):
        badges = [_badge(registration) for registration in registrations]
        pages = [
            badges[start : start + BADGES_PER_PAGE]
            for start in range(0, len(badges), BADGES_PER_PAGE)
        ]
        html = render_to_string(
            "exchanges/moderation/badges_pdf.html",
            {"round": round, "pages": pages or [[]], "portal_name": settings.PORTAL_NAME},
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[CSS(filename=str(BADGE_STYLESHEET))])
