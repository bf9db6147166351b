"""The programme pages' forms: plain Django forms whose cleaned data go to ``development.services``."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from suppliers.models import SupplierProfile

from .models import (
    KPI_UNITS,
    Consultant,
    ImprovementProject,
    Intervention,
    Kpi,
    Objective,
    OutcomeMeasure,
    Phase,
    Programme,
    TargetGroup,
    TrainingSession,
    Voucher,
)

DATE = forms.DateInput(attrs={"type": "date"})


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    anchor_buyers = forms.ModelMultipleChoiceField(
        label=_("Anchor buyers"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MNC).order_by("legal_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Programme.Status.choices, initial=Programme.Status.RUNNING)
    objectives = forms.MultipleChoiceField(
        label=_("Objectives"), choices=Objective.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_group = forms.ChoiceField(label=_("Target group"), choices=TargetGroup.choices, initial=TargetGroup.ANY)
    minimum_suppliers = forms.IntegerField(label=_("Minimum suppliers per anchor buyer"), min_value=0, initial=6)
    diagnostic_template = forms.ChoiceField(
        label=_("Diagnostic template"), choices=Programme._meta.get_field("diagnostic_template").choices
    )
    custom_areas = forms.CharField(
        label=_("The programme's own diagnostic areas"),
        required=False,
        help_text=_("One a line; only for a programme with its own areas."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    budget = forms.DecimalField(label=_("Budget"), max_digits=14, decimal_places=2, initial=Decimal("0"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    programme_share = forms.DecimalField(label=_("Programme share %"), max_digits=5, decimal_places=2, initial=70)
    buyer_share = forms.DecimalField(label=_("Buyer share %"), max_digits=5, decimal_places=2, initial=25)
    sme_share = forms.DecimalField(label=_("SME share %"), max_digits=5, decimal_places=2, initial=5)
    certificate_thresholds = forms.CharField(
        label=_("Certification thresholds"),
        required=False,
        help_text=_("One KPI a line with the improvement in per cent it needs, e.g. “productivity: 20”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_from(cls, programme: Programme) -> dict:
        initial = {name: getattr(programme, name) for name in cls.base_fields if hasattr(programme, name)}
        initial["anchor_buyers"] = list(programme.anchor_buyers.all())
        initial["custom_areas"] = "\n".join(programme.custom_areas)
        initial["certificate_thresholds"] = "\n".join(
            f"{kpi}: {value}" for kpi, value in sorted(programme.certificate_thresholds.items())
        )
        return initial

    def clean_custom_areas(self):
        return [line.strip() for line in self.cleaned_data["custom_areas"].splitlines() if line.strip()]

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()

    def clean_certificate_thresholds(self):
        thresholds = {}
        for line in self.cleaned_data["certificate_thresholds"].splitlines():
            if not line.strip():
                continue
            kpi, _sep, value = line.partition(":")
            try:
                amount = float(Decimal(value.strip().rstrip("%").strip().replace(",", ".")))
            except ArithmeticError:
                raise forms.ValidationError(_("Write each line as “KPI: per cent”.")) from None
            # A KPI by its code or by its name in the reader's language ("productivity", "Productividad").
            names = {str(label).casefold(): code for code, label in Kpi.choices}
            thresholds[names.get(kpi.strip().casefold(), kpi.strip())] = amount
        return thresholds

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("anchor_buyers")
        return data


class EnrolForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=SupplierProfile.objects.none())
    anchor_buyer = forms.ModelChoiceField(label=_("Anchor buyer"), queryset=Organisation.objects.none(), required=False)
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=None, required=False)
    cost = forms.DecimalField(label=_("Cost"), max_digits=12, decimal_places=2, min_value=0, initial=Decimal("0"))

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import consultants_of

        enrolled = programme.interventions.values("supplier_id")
        self.fields["supplier"].queryset = (
            SupplierProfile.objects.select_related("organisation")
            .exclude(pk__in=enrolled)
            .order_by("organisation__legal_name")
        )
        self.fields["supplier"].label_from_instance = lambda profile: profile.organisation.legal_name
        self.fields["anchor_buyer"].queryset = programme.anchor_buyers.order_by("legal_name")
        self.fields["consultant"].queryset = consultants_of(agency_id=programme.agency_id)


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["topic", "held_on", "hours", "method", "trainer"]
        widgets = {"held_on": DATE}


class MoveForm(forms.Form):
    to_phase = forms.TypedChoiceField(choices=Phase.choices, coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DiagnosticForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)

    def __init__(self, *args, areas, prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        prefill = prefill or {}
        for code, label in areas:
            self.fields[f"score_{code}"] = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
                coerce=int,
                initial=prefill.get(code),
            )
            self.fields[f"findings_{code}"] = forms.CharField(
                label=_("Findings: %(area)s") % {"area": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def areas_data(self) -> dict:
        return {
            code: {"score": self.cleaned_data[f"score_{code}"], "findings": self.cleaned_data[f"findings_{code}"]}
            for code, _label in self.areas
        }

    def service_field(self, name: str) -> str:
        """A service error keyed by an area code belongs beside that area's score."""
        return f"score_{name}" if f"score_{name}" in self.fields else name


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ImprovementProject
        fields = ["aim", "title", "owner", "deadline", "kpi", "kpi_target"]
        widgets = {"deadline": DATE, "kpi": forms.Select(choices=[("", "—"), *Kpi.choices])}


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementProject.Status.choices)


class AttendanceForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=TrainingSession.objects.none())
    participants = forms.IntegerField(label=_("Participants"), min_value=0)
    women = forms.IntegerField(label=_("Of whom women"), min_value=0, initial=0)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = programme.sessions.all()


class OutcomeForm(forms.Form):
    kpi = forms.ChoiceField(label=_("KPI"), choices=Kpi.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeMeasure.Kind.choices)
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=4)
    source = forms.ChoiceField(label=_("Source"), choices=OutcomeMeasure.Source.choices)

    def service_fields(self) -> dict:
        return {**self.cleaned_data, "unit": KPI_UNITS[self.cleaned_data["kpi"]]}


class ConsultantForm(forms.Form):
    """A consultant on the agency's roster; its e-mail links the account it signs in with, when there is one."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The consultant signs in with the account of this address (linked once it exists)."),
    )
    specialties = forms.MultipleChoiceField(
        label=_("Specialties"),
        choices=Consultant.Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.CharField(
        label=_("Sectors"),
        required=False,
        max_length=400,
        help_text=_("Two-digit ISIC divisions, separated by commas, e.g. 10, 25."),
    )
    certified_on = forms.DateField(label=_("Certified in the methodology on"), required=False, widget=DATE)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def initial_from(cls, consultant: Consultant) -> dict:
        return {
            "name": consultant.name,
            "email": consultant.email,
            "specialties": consultant.specialties,
            "sectors": ", ".join(consultant.sectors),
            "certified_on": consultant.certified_on,
            "active": consultant.active,
        }

    def clean_sectors(self):
        codes = [code.strip() for code in self.cleaned_data["sectors"].replace(";", ",").split(",") if code.strip()]
        if any(len(code) != 2 or not code.isdigit() for code in codes):
            raise forms.ValidationError(_("Give each sector as its two-digit ISIC division, e.g. 10, 25."))
        return sorted(set(codes))


class AssignConsultantForm(forms.Form):
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=Consultant.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import consultants_of

        self.fields["consultant"].queryset = consultants_of(agency_id=programme.agency_id)


class VoucherForm(forms.Form):
    intervention = forms.ModelChoiceField(label=_("Supplier"), queryset=Intervention.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Voucher.Kind.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = programme.interventions.select_related(
            "supplier__organisation"
        ).order_by("supplier__organisation__legal_name")
        self.fields["intervention"].label_from_instance = lambda i: i.supplier.organisation.legal_name


class RedeemForm(forms.Form):
    redeemed_on = forms.DateField(label=_("Redeemed on"), widget=DATE)
