"""Changing a model instance from a dict of fields, one way everywhere: only the allowed fields, validated by the
model, saved with ``update_fields`` (so a concurrent change to another field is not overwritten)."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def assign_fields(*, instance: models.Model, data: Mapping, allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields on ``instance`` (unsaved); any other name is a ValidationError naming it."""
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    for name, value in data.items():
        setattr(instance, name, value)
    return list(data)


def save_fields(*, instance: models.Model, fields: Iterable[str], clean_exclude: Iterable[str] = ()) -> models.Model:
    """``full_clean`` then save only ``fields`` (and the model's auto-now timestamps)."""
    instance.full_clean(exclude=list(clean_exclude) or None)
    names = list(dict.fromkeys(fields))
    names += [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False) and f.name not in names]
    instance.save(update_fields=names)
    return instance


def update_fields(*, instance: models.Model, data: Mapping, allowed: Iterable[str]) -> models.Model:
    """Assign the allowed fields of ``data``, validate the instance, save just those fields."""
    names = assign_fields(instance=instance, data=data, allowed=allowed)
    return save_fields(instance=instance, fields=names)
