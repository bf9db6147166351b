"""Forms of agency staff's verification pages: the queue's search and filters, the one-step verdict."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Organisation
from core.verification import VerificationStatus

from .selectors import PENDING_PARTS

KIND_CHOICES = [
    (kind.value, kind.label) for kind in (Organisation.Kind.SME, Organisation.Kind.MNC, Organisation.Kind.CONSULTANCY)
]
PENDING_LABELS = {
    "organisation": _("Organisation"),
    "profile": _("Supplier profile"),
    "certificates": _("Certificates"),
}


class VerificationQueueForm(forms.Form):
    q = forms.CharField(label=_("Name or tax ID"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *KIND_CHOICES], required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    pending = forms.ChoiceField(
        label=_("Waiting"),
        choices=[("", _("Anything")), *((part, PENDING_LABELS[part]) for part in PENDING_PARTS)],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        present = (
            Organisation.objects.exclude(kind=Organisation.Kind.AGENCY)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        codes = sorted({str(code) for code in present if code}, key=countries.name)
        self.fields["country"].choices = [("", _("Any country")), *((code, countries.name(code)) for code in codes)]

    def selection(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "kind": data.get("kind", ""),
            "country": data.get("country", ""),
            "pending": data.get("pending", ""),
        }


DECISION_CHOICES = [("approve", _("Approve")), ("reject", _("Reject"))]


class SupplierVerificationForm(forms.Form):
    """The verdict of the one-step page: ``approve`` comes from the button pressed; one optional choice per
    certificate (``certificate-<id>``) overrides it for that certificate."""

    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1")
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when anything is rejected: the organisation reads it."),
    )

    def __init__(self, *args, certificates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.certificates = list(certificates)
        for certificate in self.certificates:
            pending = certificate.verification_status == VerificationStatus.PENDING
            empty = _("With the decision below") if pending else _("Keep as it is")
            self.fields[f"certificate-{certificate.pk}"] = forms.ChoiceField(
                label=str(certificate.standard), choices=[("", empty), *DECISION_CHOICES], required=False
            )

    def certificate_decisions(self) -> dict[int, bool]:
        return {
            certificate.pk: self.cleaned_data[f"certificate-{certificate.pk}"] == "approve"
            for certificate in self.certificates
            if self.cleaned_data.get(f"certificate-{certificate.pk}")
        }

    def certificate_fields(self):
        """(certificate, its bound field) in the certificates' order, for the template."""
        return [(certificate, self[f"certificate-{certificate.pk}"]) for certificate in self.certificates]
