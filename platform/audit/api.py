"""GET /api/v1/audit/: the audit trail of writes, for agency staff only."""

from auditlog.models import LogEntry
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import IsAgencyStaff

from . import selectors
from .filters import LogEntryFilter


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text="the field's label in the request's language")
    before = serializers.CharField()
    after = serializers.CharField()


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class LogEntrySerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    action = serializers.SerializerMethodField()
    actor = ActorSerializer(allow_null=True, read_only=True)
    organisations = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "model", "object_pk", "object_repr", "action", "actor", "organisations", "changes"]

    def get_model(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"

    def get_action(self, entry) -> str:
        return {
            LogEntry.Action.CREATE: "create",
            LogEntry.Action.UPDATE: "update",
            LogEntry.Action.DELETE: "delete",
        }.get(entry.action, "access")

    def get_organisations(self, entry) -> list[int]:
        return sorted(int(pk) for pk in (entry.additional_data or {}).get("organisations", {}))

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, entry):
        names = self.context.get("related_names", {})
        return ChangeSerializer(selectors.changes(entry, related_names=names), many=True).data


@extend_schema(
    summary="The audit trail: who created, changed or deleted what and when, with every field's before and after",
)
class AuditLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsAgencyStaff]
    serializer_class = LogEntrySerializer
    filterset_class = LogEntryFilter
    search_fields = ["object_repr", "actor_email"]
    ordering_fields = ["timestamp"]

    def get_queryset(self):
        return selectors.entries()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), "related_names": selectors.related_names(page)}
        serializer = self.get_serializer_class()(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)
