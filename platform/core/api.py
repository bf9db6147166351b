"""Serializer pieces every app's API shares."""

from rest_framework import serializers
from rest_framework.fields import empty


class RequiredBooleanField(serializers.BooleanField):
    """A yes/no the client must say: DRF reads a missing checkbox in form data as False, which would turn a
    verification sent without ``approve`` into a rejection."""

    default_empty_html = empty
    # Only a real yes or no: "yes", 1 or "on" are too easily a client's mistake for a verdict this weighty.
    TRUE_VALUES = {True, "true", "True"}
    FALSE_VALUES = {False, "false", "False"}
    NULL_VALUES = set()

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and data in self.TRUE_VALUES | self.FALSE_VALUES):
            return super().to_internal_value(data)
        self.fail("invalid", input=data)


class VerificationInput(serializers.Serializer):
    """Agency staff's verdict on an organisation, a supplier profile or a certificate."""

    approve = RequiredBooleanField(help_text="true approves, false rejects; there is no default.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id, looked up only among what the request's user may see (``visible(user)`` returns that
    queryset): an id the user may not see gets the same "does not exist" answer as an id that exists nowhere, so a
    reference never tells whether, or to whom, something exists."""

    def __init__(self, *, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            raise AssertionError("VisiblePrimaryKeyRelatedField needs the request in the serializer's context")
        return self.visible(request.user)
