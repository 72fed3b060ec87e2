import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.accounts.models import FederalState, Municipality, validate_ags
from tests.factories import MunicipalityFactory


@pytest.mark.parametrize("ags", ["05315000", "09162000", "16051000", "01001000"])
def test_valid_ags_passes(ags):
    validate_ags(ags)


@pytest.mark.parametrize(
    ("ags", "code"),
    [
        ("0531500", "ags_format"),  # 7 digits
        ("053150000", "ags_format"),  # 9 digits
        ("05A15000", "ags_format"),  # a letter
        ("０５３１５０００", "ags_format"),  # full-width digits are digits, but not ASCII
        ("17315000", "ags_state"),  # no state 17
        ("00315000", "ags_state"),
    ],
)
def test_invalid_ags_is_refused_with_a_reason(ags, code):
    with pytest.raises(ValidationError) as error:
        validate_ags(ags)

    assert error.value.code == code


@pytest.mark.django_db
def test_ags_whose_prefix_names_another_state_is_refused():
    municipality = Municipality(
        ags="05315000", name="Köln, Stadt", kind="kreisfreie_stadt", state=FederalState.BAYERN
    )

    with pytest.raises(ValidationError) as error:
        municipality.full_clean()

    assert error.value.error_dict["ags"][0].code == "ags_state_mismatch"
    message = error.value.message_dict["ags"][0]
    assert "05315000" in message
    assert "Bayern" in message  # German by default, the state named


@pytest.mark.django_db
def test_ags_matching_its_state_is_accepted():
    Municipality(
        ags="05315000", name="Köln, Stadt", kind="kreisfreie_stadt", state="05"
    ).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("ags", ["0531500", "05A15000", "17315000"])
def test_database_refuses_a_malformed_ags_even_without_validation(ags):
    with pytest.raises(IntegrityError):
        MunicipalityFactory(ags=ags)
