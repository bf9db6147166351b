from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("reporting/_table.html")
def dashboard_table(name, spec, figures, query):
    title, columns = spec
    return {
        "name": name,
        "title": _(title),
        "columns": columns,
        "rows": [[row.get(column) for column in columns] for row in figures[name]],
        "query": query,
    }
