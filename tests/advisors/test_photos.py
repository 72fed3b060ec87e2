"""Profile photos: checked by content, limited in size, stripped of metadata, served scoped."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.advisors.models import AdvisorProfile
from portal.advisors.photos import MAX_BYTES, process_photo
from tests.factories import AdvisorProfileFactory

GPS_IFD = 0x8825
MAKE = 0x010F


def image_bytes(format="JPEG", size=(1200, 900), mode="RGB", **save_args):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else None).save(
        buffer, format=format, **save_args
    )
    return buffer.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[MAKE] = "Phone Maker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    return image_bytes(exif=exif.tobytes())


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_photo_with_gps_data_is_stored_without_any_metadata():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test has GPS

    processed = process_photo(upload(original)).read()

    image = Image.open(io.BytesIO(processed))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"Phone Maker" not in processed
    assert image.size == (800, 600)


def test_png_and_webp_are_accepted_and_become_jpeg():
    transparent = image_bytes("PNG", size=(300, 300), mode="RGBA")
    webp = image_bytes("WEBP", size=(300, 200))

    for content, name in [(transparent, "bild.png"), (webp, "bild.webp")]:
        image = Image.open(io.BytesIO(process_photo(upload(content, name)).read()))
        assert image.format == "JPEG"
        assert image.mode == "RGB"


def test_a_file_that_claims_to_be_a_jpeg_but_is_not_is_refused():
    fake = upload(b"MZ\x90\x00" + b"\x00" * 2000, name="portrait.jpg", content_type="image/jpeg")

    with pytest.raises(ValidationError) as error:
        process_photo(fake)

    assert error.value.code == "wrong_type"


def test_an_image_of_another_type_is_refused_whatever_its_name():
    gif = image_bytes("GIF", size=(50, 50))

    with pytest.raises(ValidationError) as error:
        process_photo(upload(gif, name="photo.jpg"))

    assert error.value.code == "wrong_type"


def test_an_oversized_file_is_refused_before_it_is_decoded():
    big = upload(b"\xff\xd8\xff" + b"\x00" * MAX_BYTES, name="big.jpg")

    with pytest.raises(ValidationError) as error:
        process_photo(big)

    assert error.value.code == "too_large"
    assert "5 MB" in str(error.value.messages[0])


@pytest.mark.django_db
def test_an_advisor_uploads_a_photo_on_their_profile_page(client, media_root):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    form = client.get(reverse("advisors:my_profile")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(
        {
            "languages": ["de", "tr"],
            "formats": ["fachberatung"],
            "modes": ["video"],
            "states": ["05"],
            "photo": upload(jpeg_with_gps(), name="IMG_2041 Anna Urlaub.jpg"),
        }
    )

    response = client.post(reverse("advisors:my_profile"), data)

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.languages == ["de", "tr"]
    assert profile.photo.name.startswith("advisors/")
    assert "Anna" not in profile.photo.name
    stored = (media_root / profile.photo.name).read_bytes()
    assert b"Phone Maker" not in stored
    served = client.get(reverse("advisors:photo", args=[profile.slug]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_a_refused_photo_keeps_everything_else_that_was_typed(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    data = {
        "role_de": "Beraterin für Bestattungskultur",
        "short_bio_de": "Ein neuer Satz über mich.",
        "languages": ["de"],
        "formats": ["fachberatung"],
        "modes": ["phone"],
        "photo": upload(b"not an image at all", name="foto.jpg"),
    }

    response = client.post(reverse("advisors:my_profile"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "photo" in form.errors
    assert "WebP" in form.errors["photo"][0]
    content = response.content.decode()
    assert "Ein neuer Satz über mich." in content
    assert 'aria-invalid="true"' in content
    assert AdvisorProfile.objects.get(pk=profile.pk).role_de == ""


@pytest.mark.django_db
def test_replacing_a_photo_deletes_the_old_file(media_root, django_capture_on_commit_callbacks):
    from portal.advisors.services import advisor_profile_update

    profile = AdvisorProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        advisor_profile_update(
            profile=profile, by=profile.user, photo=upload(image_bytes(size=(200, 200)))
        )
    first = profile.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        advisor_profile_update(
            profile=profile, by=profile.user, photo=upload(image_bytes(size=(300, 300)))
        )

    assert profile.photo.name != first
    assert not (media_root / first).exists()
    assert (media_root / profile.photo.name).exists()


@pytest.mark.django_db
def test_the_photo_of_a_hidden_profile_is_not_served(client, media_root):
    from portal.advisors.services import advisor_profile_update

    profile = AdvisorProfileFactory(is_public=False)
    advisor_profile_update(profile=profile, by=profile.user, photo=upload(image_bytes()))
    url = reverse("advisors:photo", args=[profile.slug])

    assert client.get(url).status_code == 404
    client.force_login(profile.user)
    assert client.get(url).status_code == 200


def test_a_phone_photo_with_extra_pictures_mpo_is_accepted():
    first, second = Image.new("RGB", (400, 300), "navy"), Image.new("RGB", (100, 75), "gray")
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    image = Image.open(io.BytesIO(process_photo(upload(buffer.getvalue())).read()))

    assert (image.format, image.size) == ("JPEG", (400, 300))
