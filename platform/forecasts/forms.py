from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from taxonomy.forms import CategoryCodesField

from .models import MAX_HORIZON_YEARS, DemandForecast, ForecastInterest
from .services import FORECAST_FIELDS, this_year

VOLUME_SLOTS = MAX_HORIZON_YEARS


class ForecastForm(forms.ModelForm):
    """A forecast's facts and one row per year of its horizon (at most three; rows left without a quantity are
    not kept)."""

    category_codes = CategoryCodesField(
        label=_("Categories (CPV codes)"),
        help_text=_(
            "Type a word in English, Spanish or Portuguese, or a code, and choose from the suggestions; "
            "or type codes separated by commas, e.g. 33140000, 19520000."
        ),
        error_messages={"required": _("Give at least one CPV code.")},
    )
    start_year = forms.IntegerField(label=_("First year"), min_value=1900, max_value=2200)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1900, max_value=2200)

    class Meta:
        model = DemandForecast
        fields = list(FORECAST_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "local_content_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            self.initial["category_codes"] = list(self.instance.categories.all())
            existing = dict(enumerate(self.instance.volumes.order_by("year")))
        else:
            self.initial.setdefault("start_year", this_year() + 1)
            self.initial.setdefault("end_year", this_year() + MAX_HORIZON_YEARS)
        first = self.initial.get("start_year") or this_year() + 1
        for slot in range(VOLUME_SLOTS):
            volume = existing.get(slot)
            self.fields[f"year_{slot}"] = forms.IntegerField(
                label=_("Year"), required=False, min_value=1900, max_value=2200
            )
            self.fields[f"quantity_{slot}"] = forms.DecimalField(
                label=_("Quantity"), required=False, min_value=0, max_digits=14, decimal_places=2
            )
            self.fields[f"unit_{slot}"] = forms.CharField(label=_("Unit"), required=False, max_length=32)
            self.fields[f"value_{slot}"] = forms.DecimalField(
                label=_("Estimated value"), required=False, min_value=0, max_digits=16, decimal_places=2
            )
            self.fields[f"currency_{slot}"] = forms.CharField(label=_("Currency"), required=False, max_length=8)
            if volume is not None:
                self.initial.update(
                    {
                        f"year_{slot}": volume.year,
                        f"quantity_{slot}": volume.quantity,
                        f"unit_{slot}": volume.unit,
                        f"value_{slot}": volume.estimated_value,
                        f"currency_{slot}": volume.currency,
                    }
                )
            else:
                self.initial.setdefault(f"year_{slot}", first + slot)
                self.initial.setdefault(f"currency_{slot}", "USD")

    def volume_rows(self):
        """The bound fields of each year's row, for the template's table."""
        return [
            [self[f"{name}_{slot}"] for name in ("year", "quantity", "unit", "value", "currency")]
            for slot in range(VOLUME_SLOTS)
        ]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        volumes = []
        for slot in range(VOLUME_SLOTS):
            year = data.pop(f"year_{slot}")
            quantity = data.pop(f"quantity_{slot}")
            unit = data.pop(f"unit_{slot}")
            value = data.pop(f"value_{slot}")
            currency = data.pop(f"currency_{slot}")
            if quantity is None:
                continue
            volumes.append(
                {"year": year, "quantity": quantity, "unit": unit, "estimated_value": value, "currency": currency}
            )
        return {"categories": data.pop("category_codes"), "volumes": volumes, **data}


class InterestForm(forms.ModelForm):
    capacity_quantity = forms.DecimalField(
        label=_("Capacity you could offer per year"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    investment_amount = forms.DecimalField(
        label=_("Investment you would need"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    investment_currency = forms.CharField(label=_("Currency of the investment"), max_length=8, initial="USD")
    from_year = forms.TypedChoiceField(label=_("We could supply from"), coerce=int)

    class Meta:
        model = ForecastInterest
        fields = [
            "capacity_quantity",
            "capacity_unit",
            "capacity_note",
            "investment_amount",
            "investment_currency",
            "investment_purpose",
            "from_year",
        ]
        widgets = {
            "capacity_note": forms.Textarea(attrs={"rows": 2}),
            "investment_purpose": forms.Textarea(
                attrs={"rows": 2, "placeholder": _("e.g. a second extrusion line, ISO 9001 certification")}
            ),
        }

    def __init__(self, *args, forecast: DemandForecast, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = [(year, year) for year in forecast.years]
        self.fields["capacity_unit"].label = _("Unit")

    def _post_clean(self):
        """The service validates and saves (the model's own checks run there)."""


class ForecastFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *DemandForecast.Status.choices])
