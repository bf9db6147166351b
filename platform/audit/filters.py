"""The API's filters (django-filter), the same ones the page offers."""

import django_filters
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Organisation
from core.limits import IdFilter

from .selectors import audited_content_types


def _model_choices():
    return [(f"{t.app_label}.{t.model}", f"{t.app_label}.{t.model}") for t in audited_content_types()]


class LogEntryFilter(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(
        choices=_model_choices,
        method="filter_model",
        label="Audited model, as app_label.model (e.g. buyers.requirement)",
    )
    object_id = django_filters.CharFilter(field_name="object_pk", label="Primary key of the changed object")
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        method="filter_organisation",
        label="Changes to this organisation's objects or by its people",
    )
    actor = IdFilter(field_name="actor_id", label="User id of whoever made the change")
    action = django_filters.ChoiceFilter(
        choices=[
            (LogEntry.Action.CREATE, "create"),
            (LogEntry.Action.UPDATE, "update"),
            (LogEntry.Action.DELETE, "delete"),
        ],
        label="0 create, 1 update, 2 delete",
    )
    date_from = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label="YYYY-MM-DD")
    date_to = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label="YYYY-MM-DD")

    class Meta:
        model = LogEntry
        fields = ["model", "object_id", "organisation", "actor", "action", "date_from", "date_to"]

    @extend_schema_field(OpenApiTypes.STR)
    def filter_model(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type=ContentType.objects.get_by_natural_key(app_label, model))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(additional_data__organisations__has_key=str(value.pk)) | Q(actor__memberships__organisation=value)
        ).distinct()
