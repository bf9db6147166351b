from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from taxonomy.forms import CategoryCodesField
from taxonomy.models import CertificationStandard
from taxonomy.selectors import normalise_cpv_code

from .models import DIAGNOSTIC_AREAS, Capability, Certification, Machine, SupplierProfile
from .selectors import SEARCH_ORDERINGS


class ProfileForm(forms.ModelForm):
    class Meta:
        model = SupplierProfile
        fields = ["summary", "production_capacity", "quality_systems"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class MachineForm(forms.ModelForm):
    class Meta:
        model = Machine
        fields = ["name", "quantity", "manufacturer", "year"]


class CapabilityForm(forms.ModelForm):
    # One category per capability: the picker holds a single chip, and choosing another replaces it.
    category = CategoryCodesField(
        multiple=False,
        label=_("Category (CPV code)"),
        help_text=_("Type a code or words, e.g. 42600000 or “máquinas herramienta”."),
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


# What each level of each area means, 1 to 5: the diagnostic shows it beside every choice.
DIAGNOSTIC_RUBRIC = {
    "environmental_management": (
        _("No environmental practices or records."),
        _("Basic waste handling; no written policy."),
        _("A written environmental policy; the main impacts are measured."),
        _("An environmental management system in use, with targets and records."),
        _("A certified system (such as ISO 14001) or one audited by buyers."),
    ),
    "information_systems": (
        _("Paper records; no business software."),
        _("Spreadsheets and e-mail for orders and stock."),
        _("Accounting and inventory software in daily use."),
        _("One system (ERP) for orders, production and stock."),
        _("Systems that exchange data with customers (e-invoicing, EDI or their portals)."),
    ),
    "infrastructure": (
        _("Premises unsuitable for industrial work."),
        _("Usable premises, often limited by space, power or access."),
        _("Premises and utilities adequate for current orders."),
        _("A well-kept plant with room and utilities to grow."),
        _("A plant that meets multinational standards (safety, cleanliness, backup utilities)."),
    ),
    "innovation": (
        _("Products and processes unchanged for years."),
        _("Occasional improvements, copied or on request."),
        _("Regular improvements to products or processes."),
        _("Staff and budget for development; new products every year."),
        _("Own designs or patents; develops products with its customers."),
    ),
    "managerial_capital": (
        _("The owner decides everything; no written procedures."),
        _("Some roles defined; few written procedures."),
        _("A management team with defined roles; the key procedures written."),
        _("Planning, indicators and regular training."),
        _("Professional management: a strategic plan, trained staff, succession."),
    ),
    "investment": (
        _("No investment in recent years."),
        _("Occasional investment, from own funds only."),
        _("Regular investment in equipment; access to credit."),
        _("A financed investment plan for the coming years."),
        _("Ready to invest for a large contract, with the financing secured."),
    ),
    "marketing": (
        _("Sells only to nearby or known customers."),
        _("A basic brochure or social media page; no plan."),
        _("A website, a catalogue and a defined target market."),
        _("A marketing plan; takes part in fairs; sells in several regions."),
        _("Exports or supplies large companies; a dedicated sales team."),
    ),
    "production_capacity": (
        _("Cannot take orders beyond current customers."),
        _("Little spare capacity; delivery times vary."),
        _("Spare capacity for medium orders; delivery times mostly met."),
        _("Planned capacity with quality control; delivery times met."),
        _("Can scale up for large, recurring orders with steady quality."),
    ),
}


class DiagnosticForm(forms.Form):
    """The eight areas scored 1 to 5, each level labelled with what it means (``DIAGNOSTIC_RUBRIC``). Given the
    latest diagnostic, an unbound form shows its scores and notes, so a saved diagnostic comes back filled in."""

    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DIAGNOSTIC_AREAS:
            scale = [(value, text) for value, text in enumerate(DIAGNOSTIC_RUBRIC[name], start=1)]
            self.fields[name] = forms.TypedChoiceField(label=label, choices=scale, coerce=int, widget=forms.RadioSelect)
        self.order_fields([name for name, _label in DIAGNOSTIC_AREAS] + ["notes"])
        if latest is not None:
            self.initial = {**latest.area_scores(), "notes": latest.notes, **self.initial}

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
    # Readiness first unless the reader picks another order.
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SEARCH_ORDERINGS.items()))

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
