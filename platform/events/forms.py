from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event
from .services import EVENT_FIELDS


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "day_starts_at": forms.TimeInput(attrs={"type": "time"}),
            "day_ends_at": forms.TimeInput(attrs={"type": "time"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class MeetingRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
