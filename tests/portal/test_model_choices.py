"""Ids beyond the database's integer range are invalid choices, not server errors."""

import pytest

from portal.forms import ModelMultipleChoiceField
from surveys.models import Field

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "1" * 40])
def test_an_id_out_of_range_is_an_invalid_choice(value):
    field = ModelMultipleChoiceField(queryset=Field.objects.all())
    form_field_errors = None
    try:
        field.clean([value])
    except Exception as error:  # noqa: BLE001 (the test names what it got)
        form_field_errors = error
    assert type(form_field_errors).__name__ == "ValidationError", repr(form_field_errors)


def test_a_valid_id_is_still_chosen():
    chosen = Field.objects.first()
    assert list(ModelMultipleChoiceField(queryset=Field.objects.all()).clean([str(chosen.pk)])) == [chosen]
