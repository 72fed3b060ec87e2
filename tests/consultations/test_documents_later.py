"""Documents after submitting (issue 14.5): the requester's side adds files to an open request
with the checks of the submission; the advisors (or the coordinators) are told once."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import emails, services
from consultations.errors import ConsultationError
from consultations.models import Document
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from tests.consultations.conftest import docx_bytes, pdf_bytes
from tests.factories import (
    AdvisorProfileFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def url(case):
    return reverse("consultations:documents_add", args=[case.pk])


@pytest.fixture
def led(case, advisor_profile):
    case.status = "in_progress"
    case.lead_advisor = advisor_profile
    case.save()
    return case


def test_the_requester_adds_documents_and_the_advisor_is_told_once(client, led, advisor_profile):
    client.force_login(led.requester)

    response = client.post(
        url(led),
        {"files": [upload("ratsbeschluss.pdf", pdf_bytes()), upload("konzept.docx", docx_bytes())]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(led.get_absolute_url())
    documents = list(Document.objects.filter(consultation=led).order_by("pk"))
    assert [d.name for d in documents] == ["ratsbeschluss.pdf", "konzept.docx"]
    assert all(d.shared and d.uploaded_by == led.requester for d in documents)
    entries = AuditEntry.objects.for_object(led).filter(action="document.added")
    assert sorted(e.details["document_id"] for e in entries) == [d.pk for d in documents]
    assert all(e.actor == led.requester for e in entries)

    (told,) = Notification.objects.filter(kind=emails.DOCUMENTS)
    assert told.user == advisor_profile.user
    ids = "-".join(str(d.pk) for d in documents)
    assert told.idempotency_key == f"consultation:{led.pk}:documents-added:{ids}:{told.user_id}"
    rendered = render_notification(told)
    assert led.reference in rendered.subject
    assert "ratsbeschluss.pdf" in rendered.body_text and "konzept.docx" in rendered.body_html
    assert "Ina Officer" in rendered.body_text
    assert reverse("admin:consultations_consultation_change", args=[led.pk]) in rendered.body_text

    page = client.get(led.get_absolute_url()).content.decode()
    assert "ratsbeschluss.pdf" in page and "konzept.docx" in page


def test_without_an_advisor_the_coordinators_are_told(case):
    coordinators = [UserFactory(roles=["coordinator"]) for _ in range(2)]
    services.documents_attach(
        consultation=case, uploads=[upload("brief.pdf", pdf_bytes())], by=case.requester
    )
    told = Notification.objects.filter(kind=emails.DOCUMENTS)
    assert sorted(n.user_id for n in told) == sorted(u.pk for u in coordinators)


def test_a_verified_colleague_may_add_documents_too(case, town):
    colleague = MembershipFactory(municipality=town, verified=True).user
    (document,) = services.documents_attach(
        consultation=case, uploads=[upload("anlage.pdf", pdf_bytes())], by=colleague
    )
    assert document.uploaded_by == colleague and document.shared


def test_the_checks_of_the_submission_apply(client, case):
    client.force_login(case.requester)

    refused = client.post(url(case), {"files": [upload("protokoll.pdf", EXECUTABLE)]})
    assert refused.status_code == 200
    errors = " ".join(refused.context["documents_form"].errors["files"])
    assert "protokoll.pdf" in errors and "PDF, DOCX, ODT, JPEG" in errors
    six = [upload(f"datei-{n}.pdf", pdf_bytes()) for n in range(6)]
    too_many = client.post(url(case), {"files": six})
    assert "6" in " ".join(too_many.context["documents_form"].errors["files"])
    nothing = client.post(url(case), {})
    assert nothing.context["documents_form"].errors["files"]
    with pytest.raises(ValidationError):  # the service checks, whoever calls it
        services.documents_attach(
            consultation=case, uploads=[upload("x.pdf", EXECUTABLE)], by=case.requester
        )
    assert not Document.objects.exists()
    assert not Notification.objects.filter(kind=emails.DOCUMENTS).exists()


@pytest.mark.parametrize("status", ["closed", "declined", "referred", "withdrawn"])
def test_an_ended_case_refuses_new_documents(client, case, status):
    case.status = status
    case.save()
    client.force_login(case.requester)

    page = client.get(case.get_absolute_url()).content.decode()
    assert url(case) not in page  # no form offered
    response = client.post(url(case), {"files": [upload("spaet.pdf", pdf_bytes())]}, follow=True)
    assert response.status_code == 200
    assert any("ended" in str(m) or "beendet" in str(m) for m in response.context["messages"])
    assert not Document.objects.exists()


def test_someone_elses_request_answers_404_and_advisors_use_the_admin(client, led):
    stranger = MembershipFactory(verified=True).user
    client.force_login(stranger)
    assert client.post(url(led), {"files": [upload("a.pdf", pdf_bytes())]}).status_code == 404
    assert client.get(url(led)).status_code == 405  # only POST adds

    advisor = AdvisorProfileFactory()
    with pytest.raises(ConsultationError):
        services.documents_attach(
            consultation=led, uploads=[upload("a.pdf", pdf_bytes())], by=advisor.user
        )
    assert not Document.objects.exists()
