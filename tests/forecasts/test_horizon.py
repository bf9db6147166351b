"""The horizon rule, for every pair of years around now."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from forecasts import services

YEAR = timezone.localdate().year
YEARS = st.integers(min_value=YEAR - 3, max_value=YEAR + 8)


def _errors(start, end) -> set[str]:
    try:
        services.validate_horizon(start_year=start, end_year=end)
    except ValidationError as error:
        return set(error.message_dict)
    return set()


@given(start=YEARS, end=YEARS)
def test_a_horizon_is_accepted_exactly_when_it_is_one_to_three_coming_years(start, end):
    valid = YEAR <= start <= end <= YEAR + 3 and end - start < 3
    errors = _errors(start, end)
    assert (errors == set()) == valid
    assert errors <= {"start_year", "end_year"}
