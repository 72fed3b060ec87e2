"""Certificates as PDF, drawn by weasyprint from `templates/trainings/certificate_pdf.html`.

The stylesheet is a file (`static/css/certificate.css`) handed to weasyprint, not inline
styles, and fonts come from the system (DejaVu), so a certificate looks the same offline.
weasyprint draws text with Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0).
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from portal.notifications.rendering import absolute_url
from trainings.models import Certificate

STYLESHEET = settings.BASE_DIR / "static" / "css" / "certificate.css"


def _dates(certificate: Certificate) -> list[dict]:
    return [
        {
            "start": timezone.localtime(datetime.fromisoformat(entry["start"])),
            "end": timezone.localtime(datetime.fromisoformat(entry["end"])),
            "hours": Decimal(entry["hours"]),
            "place": entry.get("place", ""),
        }
        for entry in certificate.details.get("dates", [])
    ]


def certificate_pdf(certificate: Certificate, *, language: str) -> bytes:
    """The certificate in the given language, as PDF bytes."""
    # Imported here: weasyprint loads Pango when imported, and the rest of the portal
    # should start on a machine without it.
    from weasyprint import CSS, HTML

    with override(language):
        html = render_to_string(
            "trainings/certificate_pdf.html",
            {
                "certificate": certificate,
                "dates": _dates(certificate),
                "hours": Decimal(certificate.details.get("hours", "0")),
                "verify_url": absolute_url(certificate.get_absolute_url()),
                "portal_name": settings.PORTAL_NAME,
                "issued_on": timezone.localtime(certificate.issued_at),
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
