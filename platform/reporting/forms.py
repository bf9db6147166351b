from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from development.models import Programme
from taxonomy.models import Industry

from .models import ExchangeRate
from .selectors import Filters, supplier_countries


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.ChoiceField(label=_("Supplier country"), required=False)
    sector = forms.ChoiceField(label=_("Sector (ISIC division)"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.order_by("name"), required=False, empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only countries that have suppliers: a list of 250 could only filter to nothing, and renders 250 options.
        present = supplier_countries()
        self.fields["country"].choices = [("", _("All countries")), *((c, n) for c, n in countries if c in present)]
        divisions = Industry.objects.filter(level=2).order_by("code")  # named in the reader's language
        self.fields["sector"].choices = [("", _("All sectors")), *((d.code, f"{d.code} · {d.name}") for d in divisions)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            country=data.get("country") or "",
            sector=data.get("sector") or "",
            programme=data.get("programme"),
        )


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "units_per_usd", "valid_from"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}
