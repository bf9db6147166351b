from .selectors import unread_total


def unread_messages(request):
    """The navigation's "Messages" number: one COUNT query, only for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": unread_total(user=user)}
