"""Model updates from a dict: only allowed fields, validated, saved with update_fields."""

import pytest
from django.core.exceptions import ValidationError

from core.updates import update_fields
from suppliers.models import Machine
from tests import factories

pytestmark = pytest.mark.django_db


def test_allowed_fields_are_validated_and_only_they_are_saved():
    machine = factories.MachineFactory(name="Lathe", quantity=1)
    Machine.objects.filter(pk=machine.pk).update(notes="written by someone else")
    update_fields(instance=machine, data={"quantity": 3}, allowed={"name", "quantity"})
    machine.refresh_from_db()
    assert machine.quantity == 3
    assert machine.notes == "written by someone else"  # not overwritten by the stale in-memory value


def test_unknown_fields_are_refused_by_name_and_nothing_is_saved():
    machine = factories.MachineFactory(name="Lathe")
    with pytest.raises(ValidationError) as error:
        update_fields(instance=machine, data={"name": "Mill", "profile": None}, allowed={"name"})
    assert list(error.value.message_dict) == ["profile"]
    machine.refresh_from_db()
    assert machine.name == "Lathe"


def test_the_models_own_validation_runs():
    machine = factories.MachineFactory(year=2019)
    with pytest.raises(ValidationError) as error:
        update_fields(instance=machine, data={"year": 1500}, allowed={"year"})
    assert "year" in error.value.message_dict
    machine.refresh_from_db()
    assert machine.year == 2019


def test_auto_now_timestamps_move_with_the_update():
    capability = factories.CapabilityFactory()
    before = capability.updated_at
    update_fields(instance=capability, data={"lead_time_days": 5}, allowed={"lead_time_days"})
    capability.refresh_from_db()
    assert capability.updated_at > before
