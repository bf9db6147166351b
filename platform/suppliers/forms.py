from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from taxonomy.models import Category, CertificationStandard
from taxonomy.selectors import normalise_cpv_code

from .models import DIAGNOSTIC_AREAS, Capability, Certification, Machine, SupplierProfile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = SupplierProfile
        fields = ["summary", "production_capacity", "quality_systems"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class MachineForm(forms.ModelForm):
    class Meta:
        model = Machine
        fields = ["name", "quantity", "manufacturer", "year"]


class CategoryCodeField(forms.CharField):
    """A CPV code typed or picked with the autocomplete; check digits are accepted and dropped."""

    def clean(self, value):
        value = super().clean(value)
        code = normalise_cpv_code(value)
        category = Category.objects.filter(scheme="CPV", code=code).first() if code else None
        if category is None:
            raise forms.ValidationError(_("“%(value)s” is not a known CPV category code.") % {"value": value})
        return category


class CapabilityForm(forms.ModelForm):
    category = CategoryCodeField(
        label=_("Category (CPV code)"),
        help_text=_("Type a code or words, e.g. 42600000 or “máquinas herramienta”."),
        widget=forms.TextInput(attrs={"class": "category-picker", "autocomplete": "off"}),
    )
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separate with commas."))

    class Meta:
        model = Capability
        fields = [
            "category",
            "description",
            "language",
            "keywords",
            "monthly_capacity",
            "capacity_unit",
            "lead_time_days",
            "minimum_order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_keywords(self):
        return [k.strip() for k in self.cleaned_data["keywords"].split(",") if k.strip()]


class CertificationForm(forms.ModelForm):
    standard = forms.ModelChoiceField(label=_("Standard"), queryset=CertificationStandard.objects.order_by("name"))

    class Meta:
        model = Certification
        fields = ["standard", "number", "certifying_body", "scope", "issued_on", "expires_on", "document"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 2}),
        }


class DiagnosticForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = [(value, str(value)) for value in range(1, 6)]
        for name, label in DIAGNOSTIC_AREAS:
            self.fields[name] = forms.TypedChoiceField(label=label, choices=scale, coerce=int, widget=forms.RadioSelect)
        self.order_fields([name for name, _label in DIAGNOSTIC_AREAS] + ["notes"])

    def areas(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in DIAGNOSTIC_AREAS}


class SupplierSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    category = forms.CharField(
        label=_("Category (CPV code)"),
        required=False,
        widget=forms.TextInput(attrs={"class": "category-picker", "autocomplete": "off"}),
    )
    certification = forms.ChoiceField(label=_("Valid certification"), required=False)
    verified = forms.BooleanField(label=_("Verified suppliers only"), required=False)
    min_readiness = forms.DecimalField(label=_("Minimum readiness"), required=False, min_value=0, max_value=100)
    size_class = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", "—"), *Organisation.SizeClass.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = Organisation.objects.filter(kind=Organisation.Kind.SME).values_list("country", flat=True)
        from django_countries import countries as all_countries

        present = sorted({code for code in countries if code})
        self.fields["country"].choices = [("", "—")] + [(code, all_countries.name(code)) for code in present]
        self.fields["certification"].choices = [
            ("", "—"),
            *CertificationStandard.objects.order_by("name").values_list("code", "name"),
        ]

    def clean_category(self):
        raw = self.cleaned_data["category"]
        return normalise_cpv_code(raw) or "" if raw else ""


class VerificationForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1")
    note = forms.CharField(required=False, max_length=1000)
