import io
import zipfile

import pytest

from tests.factories import (
    AdvisorProfileFactory,
    ConsultationFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def town(db):
    return MunicipalityFactory(name="Musterstadt", ags="05315000", state="05")


@pytest.fixture
def member(town):
    """A verified integration officer of the town."""
    membership = MembershipFactory(
        user=UserFactory(roles=["integration_officer"], full_name="Ina Officer"),
        municipality=town,
        verified=True,
    )
    return membership.user


@pytest.fixture
def advisor_profile(db):
    from portal.advisors.models import Topic

    return AdvisorProfileFactory(
        user__full_name="Dr. Amal Advisor",
        topics=list(Topic.objects.filter(slug__in=["dialog", "moscheebau"])),
        states=["05"],
        formats=["fachberatung", "prozessbegleitung"],
        modes=["video", "in_person"],
    )


@pytest.fixture
def case(member, town):
    return ConsultationFactory(requester=member, municipality=town)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents of tests land in a temporary folder, not in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
