"""Profile photos: checked by their content, resized, and re-encoded without metadata.

A photo straight from a phone carries EXIF data: where it was taken (GPS), when, with which
device. None of it belongs on a public profile, so the uploaded file is never stored: the
pixels are decoded and written into a fresh JPEG that holds nothing else.
"""

import io
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; larger is a decompression bomb
# MPO is the JPEG with extra pictures (depth, preview) that many phones save; its first
# picture is an ordinary JPEG.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
SIZE = (800, 800)  # the longest side after resizing; profile photos show at 400px at most
QUALITY = 85


class ProcessedPhoto(ContentFile):
    """A photo that went through process_photo: the only kind a profile stores."""


def process_photo(upload) -> ProcessedPhoto:
    """A JPEG of at most 800×800 pixels made from the upload's pixels only.

    Raises ValidationError when the file is too large, is not a JPEG, PNG or WebP image
    whatever its name says, or cannot be decoded.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size).1f MB; it may be at most 5 MB."),
            code="too_large",
            params={"size": upload.size / 1024 / 1024},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                image_format = probe.format
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(_not_an_image(), code="wrong_type")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(
                        _("The photo has too many pixels; please upload a smaller version."),
                        code="too_many_pixels",
                    )
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_not_an_image(), code="wrong_type") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The photo has too many pixels; please upload a smaller version."),
            code="too_many_pixels",
        ) from error

    picture = _flatten(picture)
    picture.thumbnail(SIZE, Image.Resampling.LANCZOS)
    output = io.BytesIO()
    # No exif=, icc_profile= or comment: the new file holds the pixels and nothing else.
    picture.save(output, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return ProcessedPhoto(output.getvalue(), name="photo.jpg")


def _not_an_image():
    return _("This file is not a JPEG, PNG or WebP image. Please choose a photo in one of these.")


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB on white: JPEG knows no transparency, and palette or CMYK images need converting."""
    if picture.mode in {"RGBA", "LA"} or (picture.mode == "P" and "transparency" in picture.info):
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, "white")
        background.paste(picture, mask=picture.getchannel("A"))
        return background
    return picture.convert("RGB")


class PhotoField(forms.FileField):
    """A form field whose cleaned value is the processed photo, or None when none was chosen."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP, at most 5 MB. It is resized to 800 pixels.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload in (None, False) or upload is initial or not hasattr(upload, "size"):
            return upload
        if isinstance(upload, ProcessedPhoto):
            return upload
        return process_photo(upload)
