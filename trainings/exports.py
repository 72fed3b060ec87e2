"""The participant list of a course date as CSV, for the admin and the coordinator's pages.

Names, bodies and answers are typed by participants: each cell goes through the kernel's
`spreadsheet_safe` (portal/core/exports.py), so a spreadsheet cannot run it as a formula.
"""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from portal.core.exports import csv_response, spreadsheet_safe
from trainings.models import CourseDate, Registration


def participants_csv(
    date: CourseDate, registrations: Iterable[Registration], *, marks: dict[int, bool]
) -> HttpResponse:
    """One row per registration (as `selectors.offer_registrations` reads them): status, name,
    email, body, when they registered, the attendance recorded on `date` (`marks`, by
    registration id) and the answer to each registration question."""
    registrations = list(registrations)
    local = timezone.localtime(date.start)
    response, writer = csv_response(f"participants-{local:%Y-%m-%d}-{date.pk}.csv")
    questions = []
    for registration in registrations:
        for answer in registration.answers:
            if answer["question"] not in questions:
                questions.append(answer["question"])
    writer.writerow(
        [
            gettext("status"),
            gettext("name"),
            gettext("email"),
            gettext("municipality or organisation"),
            gettext("registered at"),
            gettext("attendance on %(day)s") % {"day": f"{local:%d.%m.%Y}"},
            *[spreadsheet_safe(question) for question in questions],
        ]
    )
    attendance = {True: gettext("present"), False: gettext("absent")}
    for registration in registrations:
        answers = {a["question"]: a["answer"] for a in registration.answers}
        writer.writerow(
            [
                registration.get_status_display(),
                spreadsheet_safe(registration.name),
                spreadsheet_safe(registration.email),
                spreadsheet_safe(
                    gettext("guest") if registration.is_guest else str(registration.body or "")
                ),
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                attendance.get(marks.get(registration.pk), ""),
                *[spreadsheet_safe(answers.get(q, "")) for q in questions],
            ]
        )
    return response
