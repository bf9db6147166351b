from django import template

from development.selectors import programmes_visible_to

register = template.Library()


@register.simple_tag
def has_programmes(user) -> bool:
    """Whether the menu offers "Programmes": agency staff, and anyone taking part in one."""
    return bool(user.is_authenticated) and programmes_visible_to(user=user).exists()
