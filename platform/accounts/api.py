from django.shortcuts import get_object_or_404
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
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


class EmailAuthTokenSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    token = serializers.CharField(read_only=True)

    def validate(self, attrs):
        from django.contrib.auth import authenticate

        user = authenticate(self.context["request"], username=attrs["email"].lower(), password=attrs["password"])
        if user is None:
            raise serializers.ValidationError({"non_field_errors": ["Unable to sign in with these credentials."]})
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    """Exchange an e-mail address and password for an API token (send it as `Authorization: Token <key>`)."""

    serializer_class = EmailAuthTokenSerializer
    permission_classes = [AllowAny]

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


class OrganisationFilter(filters.FilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "country", "verification_status", "size_class"]


class OrganisationList(generics.ListCreateAPIView):
    """Organisations you may see; POST registers a new one with you as owner (pending verification)."""

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
