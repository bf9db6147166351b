from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from taxonomy.models import CertificationStandard


def _country_choices():
    """Country names in the reader's language, sorted in it (a list built at import would stay in English)."""
    return [("", _("Any country")), *countries]


class MatchFilterForm(forms.Form):
    country = LazyTypedChoiceField(label=_("Country"), choices=_country_choices, required=False)
    certification = forms.ModelChoiceField(
        label=_("Holds a valid certificate"),
        queryset=CertificationStandard.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Any"),
    )
    # Out of 100, as the page shows scores (the API's min_score stays 0-1).
    min_score = forms.FloatField(label=_("Minimum score (out of 100)"), min_value=0, max_value=100, required=False)
    verified = forms.BooleanField(label=_("Verified suppliers only"), required=False)
    shortlisted = forms.BooleanField(label=_("Shortlisted only"), required=False)

    def selection(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "country": data.get("country") or "",
            "certification": data["certification"].code if data.get("certification") else "",
            "min_score": data["min_score"] / 100 if data.get("min_score") is not None else None,
            "verified_only": bool(data.get("verified")),
            "shortlisted_only": bool(data.get("shortlisted")),
        }


class MatchingPolicyForm(forms.Form):
    newcomer_slots = forms.IntegerField(
        label=_("Places for newcomers in the first ten"),
        min_value=0,
        max_value=10,
        help_text=_(
            "How many of the first ten places of every ranking go to the best-ranked suppliers that have never "
            "supplied the buyer, when there are that many. The table below shows what it costs in accuracy."
        ),
    )


class OpportunityFilterForm(forms.Form):
    """The SME's opportunities: words of the requirement or its buyer, and how the SME's fit stands."""

    FITS = {
        "eligible": lambda fit: fit is not None and fit.eligible,
        "excluded": lambda fit: fit is not None and not fit.eligible,
        "unassessed": lambda fit: fit is None,
    }

    q = forms.CharField(label=_("Words in the requirement or the buyer"), required=False, max_length=100)
    fit = forms.ChoiceField(
        label=_("Your fit"),
        required=False,
        choices=[
            ("", _("Any")),
            ("eligible", _("You are eligible")),
            ("excluded", _("A mandatory condition excludes you")),
            ("unassessed", _("Fit not worked out")),
        ],
    )

    def apply(self, entries: list) -> list:
        """``entries`` (requirement, fit) in their order, keeping those the filters let through (a filter given a
        value it does not know is left out, the others still apply)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        words = [word.casefold() for word in data.get("q", "").split()]
        keep = self.FITS.get(data.get("fit", ""), lambda fit: True)

        def matches(requirement) -> bool:
            text = f"{requirement.title} {requirement.buyer.legal_name}".casefold()
            return all(word in text for word in words)

        return [(requirement, fit) for requirement, fit in entries if keep(fit) and matches(requirement)]
