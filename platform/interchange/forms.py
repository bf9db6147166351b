from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("OCDS file (.json, .jsonl, .gz)"))
    default_country = forms.CharField(
        label=_("Country for parties without an address (ISO code, optional)"), max_length=2, required=False
    )
