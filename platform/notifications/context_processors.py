from .selectors import unread_count


def unread_notifications(request):
    """The bell's number in the navigation: one COUNT query, only for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
