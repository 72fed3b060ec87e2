"""Uploaded documents: the type is read from the file's content, never from its name.

One check for every app that takes files from people (a request's attachments, the files of
an exchange round's documentation): PDF, DOCX, ODT, JPEG or PNG, at most 10 MB each. A renamed
program (`invoice.pdf` that starts with `MZ`) or a zip archive pretending to be a
Word document is refused; only the first bytes and, for DOCX and ODT, the archive's table of
contents are read, so checking a 10 MB file costs next to nothing.
"""

import zipfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class DocumentType:
    label: str
    content_type: str
    extension: str


PDF = DocumentType("PDF", "application/pdf", "pdf")
DOCX = DocumentType(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
ODT = DocumentType("ODT", ODT_MIMETYPE.decode(), "odt")
JPEG = DocumentType("JPEG", "image/jpeg", "jpg")
PNG = DocumentType("PNG", "image/png", "png")
ALLOWED_LABELS = "PDF, DOCX, ODT, JPEG, PNG"
# What a file input offers to choose (the check above decides).
ACCEPT = ".pdf,.docx,.odt,.jpg,.jpeg,.png"


def sniff(upload) -> DocumentType | None:
    """The document type the content shows, or None for anything else."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def _office_type(upload) -> DocumentType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(upload) -> DocumentType:
    """The upload's type; ValidationError with a message naming the file otherwise."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most 10 MB."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size)},
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": upload.name})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, DOCX, ODT, JPEG or PNG file, whatever its name says. "
                "Please attach one of these types."
            ),
            code="wrong_type",
            params={"name": upload.name},
        )
    return kind


def check_uploads(uploads: list) -> list[tuple[object, DocumentType]]:
    """Every upload checked; all problems reported at once."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("You attached %(count)d files; at most %(max)d are possible."),
            code="too_many",
            params={"count": len(uploads), "max": MAX_FILES},
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero to five files; each is checked by its content in `clean`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        uploads = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        check_uploads(uploads)
        return uploads


class FilesForm(forms.Form):
    """One to five documents added at once (to a request, to a round's documentation)."""

    files = MultipleFileField(
        label=_("Add documents"),
        help_text=format_lazy(
            _("Up to {count} files at once, each at most 10 MB: {types}."),
            count=MAX_FILES,
            types=ALLOWED_LABELS,
        ),
        error_messages={"required": _("Please choose at least one file.")},
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not files:
            raise ValidationError(_("Please choose at least one file."), code="required")
        return files


def private_download(stored, *, filename: str, content_type: str) -> FileResponse:
    """A stored upload as a download that no browser renders or caches: an attachment with
    the type it was checked as. A row that outlived its file (storage restored from an older
    backup) answers 404, not 500. The caller has checked who may read it."""
    try:
        content = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        content, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
