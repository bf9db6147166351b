from django.db.models import F, QuerySet

from .models import Notification


def notifications_of(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at=None)
    return notifications.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")  # unread first


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count() if user.is_authenticated else 0
