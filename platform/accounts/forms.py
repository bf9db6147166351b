from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import Membership, Organisation
from .services import ORGANISATION_FIELDS


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True}))


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    kind = forms.ChoiceField(
        label=_("Your organisation is"),
        choices=[
            (Organisation.Kind.SME, _("an SME supplier")),
            (Organisation.Kind.MNC, _("a buyer (multinational or large company)")),
            (Organisation.Kind.CONSULTANCY, _("a consultancy")),
        ],
        widget=forms.RadioSelect,
    )
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    trade_name = forms.CharField(label=_("Trade name"), max_length=255, required=False)
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", "—"), *countries])
    tax_id = forms.CharField(
        label=_("Tax identifier"),
        max_length=64,
        required=False,
        help_text=_("e.g. cédula jurídica, RFC, RUT, NIT, RUC, CNPJ"),
    )
    region = forms.CharField(label=_("Region / state"), max_length=128, required=False)
    city = forms.CharField(label=_("City"), max_length=128, required=False)
    size_class = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *Organisation.SizeClass.choices], required=False
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    women_employees = forms.IntegerField(label=_("Women employees"), min_value=0, required=False)
    year_founded = forms.IntegerField(label=_("Year founded"), min_value=1800, max_value=2100, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data

    def organisation_data(self) -> dict:
        """The organisation part of the form, as register_organisation takes it (empty optional fields left out)."""
        data = self.cleaned_data
        optional = [name for name in ORGANISATION_FIELDS if name in self.fields]
        return {name: data[name] for name in optional if data.get(name) not in (None, "")} | {
            "kind": data["kind"],
            "legal_name": data["legal_name"],
            "country": data["country"],
        }


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        # Coordinates, languages and the industry code are maintained through the API.
        fields = [
            name for name in ORGANISATION_FIELDS if name not in {"latitude", "longitude", "languages", "industry"}
        ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError on the form: field messages by the field, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
