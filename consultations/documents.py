"""Attachments of requests and cases: checked by content, size and number with the kernel's
upload checks (`portal/core/uploads.py`), which other apps' uploads share."""

from portal.core.uploads import (  # noqa: F401 (the names consultations and its tests use)
    ALLOWED_LABELS,
    DOCX,
    JPEG,
    MAX_BYTES,
    MAX_FILES,
    ODT,
    PDF,
    PNG,
    DocumentType,
    check_upload,
    check_uploads,
    sniff,
)
