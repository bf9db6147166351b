from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taxonomy.forms import CategoryCodesField
from taxonomy.models import CertificationStandard

from .models import Requirement
from .services import REQUIREMENT_FIELDS


class RequirementForm(forms.ModelForm):
    category_codes = CategoryCodesField(
        label=_("Categories (CPV codes)"),
        help_text=_(
            "Type a word in English, Spanish or Portuguese, or a code, and choose from the suggestions; "
            "or type codes separated by commas, e.g. 33140000, 19520000."
        ),
        error_messages={"required": _("Give at least one CPV code.")},
    )
    mandatory_certifications = forms.ModelMultipleChoiceField(
        label=_("Mandatory certifications"),
        queryset=CertificationStandard.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_certifications = forms.ModelMultipleChoiceField(
        label=_("Preferred certifications"),
        queryset=CertificationStandard.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Requirement
        # Coordinates of the delivery site are set through the API.
        fields = [name for name in REQUIREMENT_FIELDS if name not in {"delivery_latitude", "delivery_longitude"}]
        widgets = {
            "specification": forms.Textarea(attrs={"rows": 6}),
            "needed_by": forms.DateInput(attrs={"type": "date"}),
            "respond_by": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["category_codes"] = list(self.instance.categories.all())
            required = list(self.instance.required_certifications.all())
            self.initial["mandatory_certifications"] = [rc.standard_id for rc in required if rc.mandatory]
            self.initial["preferred_certifications"] = [rc.standard_id for rc in required if not rc.mandatory]

    def clean(self):
        data = super().clean()
        both = set(data.get("mandatory_certifications") or []) & set(data.get("preferred_certifications") or [])
        if both:
            self.add_error("preferred_certifications", _("A certification is either mandatory or preferred, not both."))
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        categories = data.pop("category_codes")
        certifications = [(s, True) for s in data.pop("mandatory_certifications") or []] + [
            (s, False) for s in data.pop("preferred_certifications") or []
        ]
        return {"categories": categories, "required_certifications": certifications, **data}


class InviteForm(forms.Form):
    supplier = forms.IntegerField(widget=forms.HiddenInput)


class RequirementFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *Requirement.Status.choices])
    category = forms.CharField(label=_("Category (CPV code)"), required=False)
    history = forms.BooleanField(label=_("Include past tenders imported from award history"), required=False)


class PurchasingDeclarationForm(forms.Form):
    """A year's purchases, all suppliers together: the service checks the rules (local within total, a known
    currency, a year from 2000 to next year) and its errors are shown by their fields."""

    year = forms.IntegerField(label=_("Year"), min_value=2000)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD", help_text=_("ISO 4217 code, e.g. USD, CRC, MXN.")
    )
    total_purchases = forms.DecimalField(
        label=_("Total purchases"), min_value=0, max_digits=16, decimal_places=2, help_text=_("From all suppliers.")
    )
    local_purchases = forms.DecimalField(
        label=_("Purchases from local suppliers"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    local_share_target = forms.DecimalField(
        label=_("Target local share (%)"), required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        next_year = timezone.localdate().year + 1
        self.fields["year"].max_value = next_year
        self.fields["year"].validators.append(MaxValueValidator(next_year))
        self.fields["year"].widget.attrs.update({"min": 2000, "max": next_year})
        self.fields["currency"].widget.attrs.update({"autocapitalize": "characters", "size": 4})

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()
