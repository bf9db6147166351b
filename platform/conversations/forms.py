from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import parse_id

from .services import MAX_BODY


class IdModelChoiceField(forms.ModelChoiceField):
    """A choice among rows by id: anything that cannot name a row is an invalid choice, never a database error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_("A PDF, PNG or JPEG document."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ContactForm(MessageForm):
    body = forms.CharField(
        label=_("Write to the supplier"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequirementChoiceForm(forms.Form):
    """One of the buyer's open requirements (``requirements`` narrows the choice)."""

    requirement = IdModelChoiceField(queryset=None, label=_("Requirement"), empty_label=None)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements
