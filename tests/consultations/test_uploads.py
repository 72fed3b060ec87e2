"""Attachments of a request: checked by content, size and number, with clear messages, and
nothing typed is lost when a file is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.documents import DOCX, JPEG, ODT, PDF, PNG, sniff
from consultations.models import Consultation, Document
from tests.consultations.conftest import docx_bytes, odt_bytes, pdf_bytes
from tests.consultations.test_journey import request_data

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64  # a Windows program
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf_bytes(), PDF),
        (docx_bytes(), DOCX),
        (odt_bytes(), ODT),
        (JPEG_BYTES, JPEG),
        (PNG_BYTES, PNG),
    ],
)
def test_the_five_types_are_recognised_by_content(content, kind):
    assert sniff(upload("whatever.bin", content)) == kind


def post(client, member, files):
    return client.post(reverse("consultations:new"), {**request_data(member), "attachments": files})


def errors_of(response):
    return " ".join(response.context["form"].errors.get("attachments", []))


def test_a_renamed_executable_is_refused_and_the_form_keeps_everything(client, member):
    client.force_login(member)
    response = post(client, member, [upload("protokoll.pdf", EXECUTABLE, "application/pdf")])
    assert response.status_code == 200
    assert "protokoll.pdf" in errors_of(response)
    assert "PDF, DOCX, ODT, JPEG" in errors_of(response)
    page = response.content.decode()
    assert "Brandanschlag" in page  # the concern typed is still there
    assert response.context["files_to_attach_again"] == ["protokoll.pdf"]
    assert not Consultation.objects.exists()
    assert not Document.objects.exists()


def test_other_programs_and_zip_archives_pretending_to_be_documents_are_refused(client, member):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.exe", EXECUTABLE)
    client.force_login(member)
    for name, content in [("bild.png", ELF), ("brief.docx", archive.getvalue())]:
        response = post(client, member, [upload(name, content)])
        assert name in errors_of(response)
    assert not Consultation.objects.exists()


def test_an_oversized_file_is_refused(client, member):
    client.force_login(member)
    big = upload("plan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = post(client, member, [big])
    assert "plan.pdf" in errors_of(response)
    assert "10 MB" in errors_of(response)
    assert not Consultation.objects.exists()


def test_more_than_five_files_are_refused(client, member):
    client.force_login(member)
    files = [upload(f"anlage-{n}.pdf", pdf_bytes(), "application/pdf") for n in range(6)]
    response = post(client, member, files)
    assert "6" in errors_of(response) and "5" in errors_of(response)
    assert not Consultation.objects.exists()


def test_five_good_files_are_stored_under_random_names(client, member):
    client.force_login(member)
    files = [
        upload("beschluss.pdf", pdf_bytes()),
        upload("konzept.docx", docx_bytes()),
        upload("einladung.odt", odt_bytes()),
        upload("foto.jpg", JPEG_BYTES),
        upload("plan.png", PNG_BYTES),
    ]
    response = post(client, member, files)
    assert response.status_code == 302
    documents = Document.objects.order_by("pk")
    assert [d.name for d in documents] == [
        "beschluss.pdf",
        "konzept.docx",
        "einladung.odt",
        "foto.jpg",
        "plan.png",
    ]
    assert all(d.shared for d in documents)
    assert all("beschluss" not in d.file.name for d in documents)
    assert {d.content_type for d in documents} >= {"application/pdf", "image/png"}


def test_a_downloaded_document_is_an_attachment_that_is_not_sniffed(client, member):
    client.force_login(member)
    post(client, member, [upload("beschluss.pdf", pdf_bytes())])
    consultation = Consultation.objects.get()
    document = consultation.documents.get()
    response = client.get(reverse("consultations:document", args=[consultation.pk, document.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_officer_without_a_confirmed_membership_is_led_to_say_where_they_work(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=["integration_officer"]))
    response = client.get(reverse("consultations:new"))
    assert response.status_code == 200
    assert reverse("accounts:membership_new") in response.content.decode()
    assert "form" not in response.context


def test_a_document_whose_file_is_gone_answers_404(client, member):
    client.force_login(member)
    post(client, member, [upload("beschluss.pdf", pdf_bytes())])
    consultation = Consultation.objects.get()
    document = consultation.documents.get()
    document.file.delete(save=False)  # the row outlived its file (storage from an older backup)

    response = client.get(reverse("consultations:document", args=[consultation.pk, document.pk]))

    assert response.status_code == 404
