from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OFFER_FIELDS, DeclineReason, Response, ResponseKind
from .selectors import SORTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (each checked by the service: PDF, PNG or JPEG within the size limit)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your answer"), choices=ResponseKind.choices, widget=forms.RadioSelect)
    price = forms.DecimalField(label=_("Unit price"), required=False, max_digits=16, decimal_places=4)
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=8, help_text=_("ISO 4217 code, e.g. USD, CRC, EUR.")
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=32)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), required=False, min_value=0, max_value=3650)
    valid_until = forms.DateField(
        label=_("Quote valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"), required=False, choices=[("", "—"), *DeclineReason.choices]
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, PNG or JPEG; several files may be chosen.")
    )

    @classmethod
    def initial_from(cls, response: Response | None) -> dict:
        if response is None:
            return {"kind": ResponseKind.QUOTE}
        return {name: getattr(response, name) for name in OFFER_FIELDS}


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Ask the buyer a question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The question and its answer are published to every supplier that may see the requirement, "
            "without your company's name."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))


class ComparisonForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=list(
            zip(
                SORTS,
                [_("Price in US dollars"), _("Lead time"), _("Match score"), _("Rank"), _("Supplier"), _("Latest")],
                strict=True,
            )
        ),
    )
    kind = forms.ChoiceField(label=_("Answer"), required=False, choices=[("", _("All")), *ResponseKind.choices])
    shortlisted = forms.BooleanField(label=_("Shortlisted only"), required=False)
    certified = forms.BooleanField(label=_("With every mandatory certificate"), required=False)
