"""Reading the audit trail: filtered entries, and each entry's changes as labelled before/after pairs."""

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .registry import AUDITED, AUDITED_WITHOUT_ORGANISATION

ABSENT = "None"  # how django-auditlog writes an empty value in its text changes


def audited_content_types() -> list[ContentType]:
    """The audited models, in the order the filter offers them."""
    models = [*AUDITED, *AUDITED_WITHOUT_ORGANISATION]
    by_model = ContentType.objects.get_for_models(*models)
    return [by_model[model] for model in models]


def entries(
    *,
    content_type: ContentType | None = None,
    organisation=None,
    actor=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    action: int | None = None,
) -> QuerySet[LogEntry]:
    """Newest first. ``organisation`` matches changes to that organisation's objects and changes its people made."""
    queryset = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if content_type is not None:
        queryset = queryset.filter(content_type=content_type)
    if organisation is not None:
        queryset = queryset.filter(
            Q(additional_data__organisations__has_key=str(organisation.pk))
            | Q(actor__memberships__organisation=organisation)
        ).distinct()
    if actor is not None:
        queryset = queryset.filter(actor=actor)
    if action is not None:
        queryset = queryset.filter(action=action)
    if date_from is not None:
        queryset = queryset.filter(timestamp__gte=_start_of(date_from))
    if date_to is not None:
        queryset = queryset.filter(timestamp__lt=_start_of(date_to + dt.timedelta(days=1)))
    return queryset


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Change:
    field: str  # the field's name in the model
    label: str  # its translated label
    before: str
    after: str


def changes(entry: LogEntry, *, related_names: dict | None = None) -> list[Change]:
    """The entry's changed fields in words: translated labels, choice labels, yes/no, names of related objects."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        before, after = [*values, None, None][:2]
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        label = capfirst(str(getattr(field, "verbose_name", name))) if field is not None else name
        rows.append(
            Change(
                field=name,
                label=label,
                before=_display(field, before, related_names),
                after=_display(field, after, related_names),
            )
        )
    return rows


def _display(field, value, related_names) -> str:
    if value is None or value == ABSENT or value == "":
        return "—"
    value = str(value)
    if field is None:
        return value
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(_coerce(field, value), value))
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return _("yes") if value in ("True", "true", "1") else _("no")
    if field.many_to_one or field.one_to_one:
        name = (related_names or {}).get((field.related_model, value))
        return name if name is not None else f"#{value}"
    if internal in ("DateField", "DateTimeField"):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if internal == "DateField":
            return formats.date_format(parsed.date(), "SHORT_DATE_FORMAT")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt.UTC)
        return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")
    return value


def _coerce(field, value: str):
    try:
        return field.to_python(value)
    except (ValidationError, TypeError, ValueError):  # a value the field no longer accepts is shown as written
        return value


def related_names(entries_page) -> dict:
    """Names of the objects the page's foreign keys point to, fetched once per model: {(model, pk): name}."""
    wanted: dict = {}
    for entry in entries_page:
        model = entry.content_type.model_class()
        if model is None:
            continue
        for name, values in (entry.changes_dict or {}).items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                continue
            for value in values[:2]:
                if value not in (None, ABSENT, ""):
                    wanted.setdefault(field.related_model, set()).add(str(value))
    names = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            names[(model, str(obj.pk))] = str(obj)
    return names


def model_label(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.model


def with_changes(entries_page) -> list[tuple[LogEntry, str, list[Change]]]:
    """(entry, the translated name of its model, its changes in words) for each entry of a page."""
    names = related_names(entries_page)
    return [(entry, model_label(entry), changes(entry, related_names=names)) for entry in entries_page]
