from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User

from .selectors import audited_content_types


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return str(model._meta.verbose_name).capitalize() if model is not None else obj.model


class AuditFilterForm(forms.Form):
    model = ContentTypeChoiceField(label=_("Record"), queryset=None, required=False, empty_label=_("All records"))
    action = forms.TypedChoiceField(label=_("Action"), required=False, coerce=int, empty_value=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("legal_name"),
        required=False,
        empty_label=_("All organisations"),
    )
    actor = forms.ModelChoiceField(
        label=_("Changed by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = ContentType.objects.filter(pk__in=[t.pk for t in audited_content_types()])
        self.fields["actor"].queryset = User.objects.filter(
            pk__in=LogEntry.objects.exclude(actor=None).values("actor")
        ).order_by("email")
        self.fields["action"].choices = [
            ("", _("Any action")),
            (LogEntry.Action.CREATE, _("Created")),
            (LogEntry.Action.UPDATE, _("Changed")),
            (LogEntry.Action.DELETE, _("Deleted")),
            (LogEntry.Action.ACCESS, _("Viewed")),  # agency staff's reads of suppliers' responses
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "content_type": data.get("model"),
            "organisation": data.get("organisation"),
            "actor": data.get("actor"),
            "action": data.get("action"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
