from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "purchases_usd": gettext_lazy("Purchases (USD)"),
    "local_sme_usd": gettext_lazy("From local SMEs (USD)"),
    "local_share": gettext_lazy("Local share"),
    "currency": gettext_lazy("Currency"),
    "transactions": gettext_lazy("Transactions"),
    "value": gettext_lazy("Value"),
}


@register.inclusion_tag("reporting/_table.html")
def dashboard_table(name, spec, figures, query):
    title, columns = spec
    return {
        "name": name,
        "title": _(title),  # the titles are marked for translation in selectors.TABLES
        "columns": [HEADERS.get(column, column) for column in columns],
        "rows": [[row.get(column) for column in columns] for row in figures[name]],
        "query": query,
    }
