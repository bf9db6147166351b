from django.shortcuts import get_object_or_404
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import VerificationInput
from taxonomy.models import Industry

from . import selectors, services
from .models import Invitation, Membership, Organisation, User
from .permissions import IsAgencyStaff, OrganisationScoped, is_agency_staff, is_owner
from .throttles import TokenEndpointThrottle


class EmailAuthTokenSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    token = serializers.CharField(read_only=True)

    def validate(self, attrs):
        from django.contrib.auth import authenticate

        # The Django request, not DRF's wrapper: django-axes marks it when the account or address is locked out, and
        # its middleware answers 429 (accounts.throttles.lockout_response).
        request = self.context["request"]
        request = getattr(request, "_request", request)
        user = authenticate(request, username=attrs["email"].lower(), password=attrs["password"])
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["Unable to sign in with these credentials."]})
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    """Exchange an e-mail address and password for an API token (send it as `Authorization: Token <key>`)."""

    serializer_class = EmailAuthTokenSerializer
    permission_classes = [AllowAny]
    # ObtainAuthToken turns throttling off; an unknown token in the header must not answer 401 before it either.
    authentication_classes = []
    throttle_classes = [TokenEndpointThrottle]
    throttle_scope = "auth-token"

    @extend_schema(request=EmailAuthTokenSerializer, responses=EmailAuthTokenSerializer)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MembershipOutput(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.legal_name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "organisation_name", "organisation_kind", "user_email", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipOutput(many=True, read_only=True)
    is_agency_staff = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "is_agency_staff", "memberships"]
        read_only_fields = ["id", "email"]


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user: name, language and memberships."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch"]

    def get_object(self):
        return User.objects.prefetch_related("memberships__organisation").get(pk=self.request.user.pk)


class OrganisationSerializer(serializers.ModelSerializer):
    country = CountryField()
    export_destinations = serializers.ListField(child=CountryField(), required=False)
    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = ["id", "kind", *services.ORGANISATION_FIELDS, "verification_status", "verified_at", "created_at"]
        read_only_fields = ["verification_status", "verified_at", "created_at"]
        # Uniqueness of the tax id is checked on its compact form by the service, with a clearer message.
        validators: list = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._sees_confidential_fields(instance):
            return {name: value for name, value in data.items() if name in selectors.PUBLIC_ORGANISATION_FIELDS}
        return data

    def _sees_confidential_fields(self, organisation) -> bool:
        """Its own members and agency staff read every field; others only the public ones. The reader's
        organisations are read once per response (after a POST has made the reader the new one's owner)."""
        request = self.context.get("request")
        if request is None:
            return True  # no reader: the server's own use (agency staff's verification answer)
        own = self.context.get("_own_organisation_ids")
        if own is None:
            own = self.context["_own_organisation_ids"] = selectors.organisation_ids_of(user=request.user)
        return organisation.pk in own or is_agency_staff(request.user)

    def validate_languages(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) and 2 <= len(v) <= 8 for v in value):
            raise serializers.ValidationError('Give a list of language codes such as ["es", "en"].')
        return value

    def validate(self, attrs):
        if self.instance is not None and "kind" in attrs and attrs["kind"] != self.instance.kind:
            raise serializers.ValidationError({"kind": ["The kind of an organisation cannot change."]})
        return attrs

    def create(self, validated_data):
        return services.register_organisation(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("kind", None)
        return services.update_organisation(organisation=instance, actor=self.context["request"].user, **validated_data)


class OrganisationSchema(OpenApiSerializerExtension):
    """The answer's schema says what ``to_representation`` does: only the public fields are always there."""

    target_class = OrganisationSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["required"] = [
                name for name in schema.get("required", []) if name in selectors.PUBLIC_ORGANISATION_FIELDS
            ]
        return schema


class OrganisationFilter(filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "country", "verification_status", "size_class"]


class OrganisationList(generics.ListCreateAPIView):
    """Your own organisations and the verified buyers (their public fields only); agency staff see all.

    POST registers a new one with you as owner, pending verification: an MNC gets its buyer powers (supplier search,
    publishing requirements, matches) only once agency staff verify it."""

    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = OrganisationFilter
    search_fields = ["legal_name", "trade_name", "city"]
    ordering_fields = ["legal_name", "created_at"]

    def get_queryset(self):
        return (
            selectors.organisations_visible_to(user=self.request.user).select_related("industry").order_by("legal_name")
        )


class OrganisationDetail(generics.RetrieveUpdateAPIView):
    """One organisation. Owners and members edit it; viewers and outsiders may not."""

    serializer_class = OrganisationSerializer
    permission_classes = [OrganisationScoped]
    readable_by_others = True
    http_method_names = ["get", "patch", "put"]

    def get_queryset(self):
        return selectors.organisations_visible_to(user=self.request.user)

    def get_owner_organisation(self, obj):
        return obj


class OrganisationVerify(APIView):
    """Agency staff approve or reject an organisation."""

    permission_classes = [IsAgencyStaff]

    @extend_schema(request=VerificationInput, responses=OrganisationSerializer)
    def post(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk)
        data = VerificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.verify_organisation(
            organisation=organisation, verified_by=request.user, **data.validated_data
        )
        return Response(OrganisationSerializer(organisation).data)


class OrganisationMembers(generics.ListAPIView):
    """Members of an organisation: visible to its members and agency staff."""

    serializer_class = MembershipOutput
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        user = self.request.user
        if not (is_agency_staff(user) or organisation.memberships.filter(user=user).exists()):
            return Membership.objects.none()
        return selectors.members_of(organisation=organisation)


class InvitationSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    class Meta:
        model = Invitation
        fields = ["id", "organisation", "email", "role", "created_at", "expires_at", "accepted_at"]
        read_only_fields = ["created_at", "expires_at", "accepted_at"]

    def create(self, validated_data):
        return services.invite_colleague(invited_by=self.context["request"].user, **validated_data)


class InvitationList(generics.ListCreateAPIView):
    """Invitations of the organisations you own; POST invites a colleague by e-mail (owners only)."""

    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        owned = Membership.objects.filter(user=self.request.user, role=Membership.Role.OWNER).values("organisation_id")
        return Invitation.objects.filter(organisation_id__in=owned).order_by("-created_at")

    def perform_create(self, serializer):
        if not is_owner(self.request.user, serializer.validated_data["organisation"]):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only the organisation's owners invite colleagues.")
        serializer.save()


class AcceptInvitation(APIView):
    """Join an organisation with the token from an invitation e-mail."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer("AcceptInvitationInput", {"token": serializers.CharField()}),
        responses=MembershipOutput,
    )
    def post(self, request):
        token = request.data.get("token") if isinstance(request.data, dict) else None
        if not isinstance(token, str) or not token:
            raise serializers.ValidationError({"token": ["This field is required."]})
        membership = services.accept_invitation(token=token, user=request.user)
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)
