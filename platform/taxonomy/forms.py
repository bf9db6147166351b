"""The category picker the forms of other apps use: a text field of CPV codes that static/js/category-picker.js
turns into removable chips with suggestions from the taxonomy autocomplete.

Without JavaScript it stays a plain text input where codes are typed, separated by commas (check digits allowed).
"""

import json
import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Category
from .selectors import categories_by_code, normalise_cpv_code

_SEPARATORS = re.compile(r"[,;\s]+")


def _parts(value) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, (list, tuple)) else _SEPARATORS.split(str(value))
    return [getattr(item, "code", item) for item in items if item and str(item).strip()]


class CategoryPickerInput(forms.TextInput):
    """Renders the codes separated by commas, with what the script needs to draw them as chips: the name of each
    chosen category in the reader's language, the autocomplete address and the few words it says."""

    def __init__(self, *, multiple: bool, attrs=None):
        self.multiple = multiple
        super().__init__(attrs={"class": "category-picker", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return ", ".join(str(part) for part in _parts(value)) or None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        codes = _parts(value)
        found = categories_by_code(codes=codes)
        chips = []
        for raw in codes:
            category = found.get(normalise_cpv_code(raw) or raw)
            chips.append({"code": category.code if category else raw, "name": category.name if category else ""})
        context["widget"]["attrs"].update(
            {
                "data-picker": "multiple" if self.multiple else "single",
                "data-source": reverse("taxonomy:category_autocomplete"),
                "data-chips": json.dumps(chips, ensure_ascii=False),
                "data-text-remove": _("Remove %s"),
                "data-text-chosen": _("Chosen categories"),
                "data-text-added": _("Added: %s"),
                "data-text-removed": _("Removed: %s"),
                "data-text-results": _("Suggestions: %s. Use the up and down arrows and Enter to choose."),
                "data-text-none": _("No category matches “%s”."),
                "data-text-failed": _("Suggestions could not be loaded; you can still type CPV codes."),
                "data-text-unknown": _("not a known category"),
                "placeholder": _("A word or a CPV code"),
            }
        )
        return context


class CategoryCodesField(forms.CharField):
    """CPV codes, typed or picked, to categories: a list, or one category when ``multiple`` is False.

    Codes may carry their check digit and be separated by commas, semicolons or spaces; an unknown one is named
    in the error, so a mistyped code is easy to find."""

    def __init__(self, *, multiple: bool = True, **kwargs):
        self.multiple = multiple
        kwargs.setdefault("widget", CategoryPickerInput(multiple=multiple))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return _parts(value) if isinstance(value, (list, tuple)) else value

    def clean(self, value):
        value = super().clean(value)
        raw = list(dict.fromkeys(_parts(value)))
        if not raw:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [] if self.multiple else None
        codes = {part: normalise_cpv_code(part) for part in raw}
        found = {c.code: c for c in Category.objects.filter(scheme="CPV", code__in=[c for c in codes.values() if c])}
        unknown = [part for part, code in codes.items() if code not in found]
        if not self.multiple:
            if len(raw) > 1:
                raise forms.ValidationError(_("Choose one category."), code="one_category")
            if unknown:
                raise forms.ValidationError(
                    _("“%(value)s” is not a known CPV category code."), code="unknown", params={"value": raw[0]}
                )
            return found[codes[raw[0]]]
        if unknown:
            raise forms.ValidationError(
                _("Unknown CPV codes: %(codes)s"), code="unknown", params={"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(found[codes[part]] for part in raw))
