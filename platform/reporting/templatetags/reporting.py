from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from core.templatetags import words

register = template.Library()

HEADERS = {
    "year": gettext_lazy("Year"),
    "new_linkages": gettext_lazy("New linkages"),
    "first_usd": gettext_lazy("First transactions (USD)"),
    "follow_up_usd": gettext_lazy("Follow-up orders (USD)"),
    "cumulative_first_usd": gettext_lazy("First transactions, cumulative (USD)"),
    "cumulative_follow_up_usd": gettext_lazy("Follow-up orders, cumulative (USD)"),
    "stage": gettext_lazy("Stage code"),
    "label": gettext_lazy("Stage"),
    "reached": gettext_lazy("Linkages that reached it"),
    "conversion": gettext_lazy("Conversion from the stage before"),
    "sector": gettext_lazy("ISIC division"),
    "name": gettext_lazy("Sector"),
    "suppliers": gettext_lazy("Suppliers"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "size_class": gettext_lazy("Size"),
    "buyer": gettext_lazy("Buyer"),
    "years": gettext_lazy("Years declared"),
    "declared_purchases_usd": gettext_lazy("Declared purchases (USD)"),
    "local_sme_usd": gettext_lazy("From local SMEs through Enlace (USD)"),
    "local_share": gettext_lazy("Local share through Enlace"),
    "declared_local_share": gettext_lazy("Local share the buyer declares"),
    "target_local_share": gettext_lazy("Target local share"),
    "currency": gettext_lazy("Currency"),
    "transactions": gettext_lazy("Transactions"),
    "value": gettext_lazy("Value"),
}


def _size(value) -> str:
    return str(Organisation.SizeClass(value).label) if value in Organisation.SizeClass.values else value


# How a person reads each column (the CSV/XLSX exports keep the raw values): sizes and countries by name, money
# and shares in the reader's language.
CELLS = {
    "first_usd": lambda value: words.money_whole(value, "USD"),
    "follow_up_usd": lambda value: words.money_whole(value, "USD"),
    "cumulative_first_usd": lambda value: words.money_whole(value, "USD"),
    "cumulative_follow_up_usd": lambda value: words.money_whole(value, "USD"),
    "declared_purchases_usd": lambda value: words.money_whole(value, "USD"),
    "local_sme_usd": lambda value: words.money_whole(value, "USD"),
    "value": lambda value: words.grouped(value, 2),
    "new_linkages": words.grouped,
    "reached": words.grouped,
    "suppliers": words.grouped,
    "transactions": words.grouped,
    "conversion": words.percent,
    "local_share": words.percent,
    "declared_local_share": words.percent,
    "target_local_share": words.percent,
    "country": words.country_name,
    "size_class": _size,
}
HIDDEN = {"stage"}  # the stage's code: its label is the next column


def _cell(column, value):
    if value is None or value == "":
        return None
    shown = CELLS.get(column)
    return shown(value) if shown else value


@register.inclusion_tag("reporting/_table.html")
def dashboard_table(name, spec, figures, query):
    title, columns = spec
    return {
        "name": name,
        "title": _(title),  # the titles are marked for translation in selectors.TABLES
        "columns": [HEADERS.get(column, column) for column in columns if column not in HIDDEN],
        "rows": [
            [_cell(column, row.get(column)) for column in columns if column not in HIDDEN] for row in figures[name]
        ],
        "query": query,
    }
