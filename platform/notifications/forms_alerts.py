from django import forms
from django.utils.translation import gettext_lazy as _

from taxonomy.forms import CategoryCodesField

NAME_HELP = _("A name you will recognise in your list and in the daily e-mail.")


class SaveSupplierSearchForm(forms.Form):
    """ "Save this search" on the supplier search page: a name, and the page's filters as its query string."""

    name = forms.CharField(label=_("Name of the search"), max_length=120, help_text=NAME_HELP)
    query = forms.CharField(widget=forms.HiddenInput, max_length=2000)


class FollowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=NAME_HELP)
    categories = CategoryCodesField(
        label=_("Categories"),
        required=False,
        help_text=_("Requirements in these categories or below them. Type a word or a CPV code and choose."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=700,
        help_text=_("Words separated by commas, found in a requirement's title or specification."),
    )

    def filters(self) -> dict:
        return {"categories": self.cleaned_data.get("categories") or [], "keywords": self.cleaned_data.get("keywords")}


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
