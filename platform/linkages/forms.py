from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Linkage, Stage, Transaction


class LinkageFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any source")), *Linkage.Source.choices], required=False
    )
    q = forms.CharField(label=_("Buyer, supplier or requirement"), required=False, max_length=100)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TransactionForm(forms.ModelForm):
    class Meta:
        model = Transaction
        fields = ["date", "value", "currency", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
