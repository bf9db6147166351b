from django.conf import settings
from django.utils import translation
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import Notification


def reader_language(request) -> str:
    """The API's reader's language: the first supported one of the Accept-Language header, else the user's
    preferred language (API paths carry no language prefix, so the middleware's choice is always the default)."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request is not None else ""
    for part in header.split(","):
        code = part.split(";")[0].strip()
        if code and code != "*":
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    user = getattr(request, "user", None)
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


class NotificationSerializer(serializers.ModelSerializer):
    """``title`` and ``body`` in the reader's language (see ``reader_language``), worded from ``kind`` and
    ``params`` (the facts)."""

    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)
    params = serializers.DictField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "params", "url", "created_at", "read_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        with translation.override(reader_language(self.context.get("request"))):
            return super().to_representation(instance)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notifications, unread first (another person's answer 404)."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return selectors.notifications_of(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(user=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification, context={"request": request}).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})
