"""The messages API: threads between a buyer and a supplier (one per linkage, one per response), their messages with
attachments, read markers, and what agency staff's reading rights mean for the people in a thread."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import VisiblePrimaryKeyRelatedField
from core.limits import IdField
from linkages.selectors import linkages_visible_to

from . import selectors, services
from .models import Message, MessageAttachment, Thread

AGENCY_NOTICE = "Agency staff who follow this linkage can read this thread; each of their reads is recorded."


class MessageAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MessageAttachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment) -> str:
        return f"/api/v1/message-attachments/{attachment.pk}/"


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    attachments = MessageAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "side", "author_name", "mine", "body", "created_at", "attachments"]

    def get_author_name(self, message) -> str:
        return (message.author.full_name or message.author.email) if message.author else ""

    def get_mine(self, message) -> bool:
        return message.author_id == self.context["request"].user.pk


class AgencyReadSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    reader = serializers.CharField()


class ThreadSerializer(serializers.ModelSerializer):
    buyer_name = serializers.CharField(source="buyer.legal_name", read_only=True)
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)
    subject = serializers.SerializerMethodField()
    unread = serializers.IntegerField(read_only=True, default=0)
    may_post = serializers.SerializerMethodField()
    agency_can_read = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "linkage",
            "response",
            "buyer",
            "buyer_name",
            "supplier",
            "supplier_name",
            "subject",
            "last_message_at",
            "unread",
            "may_post",
            "agency_can_read",
        ]
        read_only_fields = fields

    def get_subject(self, thread) -> str:
        subjects = self.context.get("subjects") or {}
        if thread.pk in subjects:
            return subjects[thread.pk]
        return selectors.subject_of(user=self.context["request"].user, thread=thread)

    def get_may_post(self, thread) -> bool:
        return selectors.may_post(user=self.context["request"].user, thread=thread)

    def get_agency_can_read(self, thread) -> bool:
        """Always true: agency staff follow every linkage and may read its threads (their reads are recorded)."""
        return True


class AgencyReadsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    latest = AgencyReadSerializer(many=True)


class ThreadDetailSerializer(ThreadSerializer):
    agency_notice = serializers.SerializerMethodField()
    agency_reads = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "agency_notice", "agency_reads"]
        read_only_fields = fields

    def get_agency_notice(self, thread) -> str:
        """What the people in the thread are told: agency staff may read it and their reads are recorded."""
        return AGENCY_NOTICE

    @extend_schema_field(AgencyReadsSerializer)
    def get_agency_reads(self, thread) -> dict:
        """How many times agency staff read this thread, and the latest reads (when and who)."""
        total, latest = selectors.agency_reads(thread=thread)
        return {"count": total, "latest": AgencyReadSerializer(latest, many=True).data}


class OpenThreadSerializer(serializers.Serializer):
    linkage = VisiblePrimaryKeyRelatedField(
        visible=lambda user: linkages_visible_to(user=user),
        required=False,
        allow_null=True,
        pk_field=IdField(),
        help_text="A linkage you take part in (agency staff: any).",
    )
    response = VisiblePrimaryKeyRelatedField(
        visible=lambda user: selectors.responses_visible_to(user=user),
        required=False,
        allow_null=True,
        pk_field=IdField(),
        help_text="A response you sent or received (agency staff: any).",
    )

    def validate(self, attrs):
        if bool(attrs.get("linkage")) == bool(attrs.get("response")):
            raise serializers.ValidationError({"linkage": [_("Give a linkage or a response (one of the two).")]})
        return attrs


class PostMessageSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_BODY, trim_whitespace=True
    )
    attachment = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        max_length=services.MAX_ATTACHMENTS,
        help_text="Up to 5 PDF, PNG or JPEG files (repeat the multipart field).",
    )


class MessagePagination(PageNumberPagination):
    page_size = 25


class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Threads the user takes part in (agency staff: every thread, each read recorded), newest message first."""

    permission_classes = [IsAuthenticated]
    serializer_class = ThreadSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view's shape
            return Thread.objects.none()
        if self.action == "list":
            return selectors.inbox(user=self.request.user)
        return selectors.with_unread(selectors.threads_visible_to(user=self.request.user), user=self.request.user)

    def get_serializer_class(self):
        return ThreadDetailSerializer if self.action == "retrieve" else ThreadSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "subjects": selectors.subjects_for(user=request.user, threads=page)}
        return self.get_paginated_response(ThreadSerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        thread = self.get_object()
        services.record_read(user=request.user, thread=thread)
        return Response(ThreadDetailSerializer(thread, context=self.get_serializer_context()).data)

    @extend_schema(
        request=OpenThreadSerializer,
        responses={200: ThreadDetailSerializer, 201: ThreadDetailSerializer},
        description="The thread of a linkage or a response you may see, created on first use (201) or found (200).",
    )
    def create(self, request):
        payload = OpenThreadSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        existed = (
            selectors.thread_for_linkage(payload.validated_data["linkage"])
            if payload.validated_data.get("linkage")
            else selectors.thread_for_response(payload.validated_data["response"])
        )
        thread = services.open_thread(
            actor=request.user,
            linkage=payload.validated_data.get("linkage"),
            response=payload.validated_data.get("response"),
        )
        fresh = self.get_queryset().get(pk=thread.pk)
        return Response(
            ThreadDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["GET"],
        responses=MessageSerializer(many=True),
        description="The thread's messages, oldest first, 25 a page (`?page=`). Agency staff's reads are recorded.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": PostMessageSerializer, "application/json": PostMessageSerializer},
        responses={201: MessageSerializer},
        description="Write in the thread (owners and members of either organisation; viewers and agency staff "
        "read only). A message has words, files (PDF, PNG or JPEG), or both.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=MessagePagination)
    def messages(self, request, pk=None):
        thread = self.get_object()
        if request.method == "GET":
            services.record_read(user=request.user, thread=thread)
            page = self.paginate_queryset(selectors.messages_of(thread=thread))
            return self.get_paginated_response(
                MessageSerializer(page, many=True, context=self.get_serializer_context()).data
            )
        if not selectors.may_post(user=request.user, thread=thread):  # refused before the input is read
            raise PermissionDenied(_("You may read this thread but not write in it."))
        payload = PostMessageSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = services.post_message(
            actor=request.user,
            thread=thread,
            body=payload.validated_data["body"],
            attachments=payload.validated_data["attachment"],
        )
        message = selectors.messages_of(thread=thread).get(pk=message.pk)
        return Response(
            MessageSerializer(message, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None,
        responses=inline_serializer("ThreadRead", {"last_read_id": serializers.IntegerField()}),
        description="Mark every message of the thread so far as read by you.",
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        thread = self.get_object()
        return Response({"last_read_id": services.mark_read(user=request.user, thread=thread)})


class AttachmentDownload(APIView):
    """A message's attachment, to those who may read its thread (anyone else: 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The attachment's id.")],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        description="Download a message's attachment (PDF, PNG or JPEG).",
    )
    def get(self, request, pk: int):
        attachment = selectors.attachment_visible_to(user=request.user, attachment_id=pk)
        if attachment is None:
            raise Http404
        services.record_read(user=request.user, thread=attachment.message.thread)
        return attachment_response(attachment)


def attachment_response(attachment: MessageAttachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name or f"attachment-{attachment.pk}",
        content_type=attachment.content_type,
    )
