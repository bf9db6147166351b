"""Notifications about messages: the other side of a thread hears of new messages (one notification per thread and
person until that person reads the thread), and reading a thread marks its message notifications read."""

from django.dispatch import receiver
from django.utils import timezone

from conversations.models import ReadMarker, Side
from conversations.selectors import subject_of
from conversations.signals import message_posted, thread_read

from .models import Notification
from .services import notify, recipients_in

EXCERPT = 200


def message_dedupe_key(thread_id: int, last_read_id: int) -> str:
    """A burst of messages is one notification: the key changes only once the recipient has read the thread."""
    return f"message:{thread_id}:{last_read_id}"


@receiver(message_posted, dispatch_uid="notifications.message_posted")
def tell_the_other_side_about_a_message(sender, message, thread, **kwargs):
    if message.side == Side.BUYER:
        organisation, writer = thread.supplier.organisation, thread.buyer
    else:
        organisation, writer = thread.buyer, thread.supplier.organisation
    users = [user for user in recipients_in(organisation) if user.pk != message.author_id]
    if not users:
        return
    markers = dict(ReadMarker.objects.filter(thread=thread, user__in=users).values_list("user_id", "last_read_id"))
    body = message.body
    params = {
        "organisation": writer.legal_name,
        "excerpt": body if len(body) <= EXCERPT else body[: EXCERPT - 1].rstrip() + "…",
        "attachments": message.attachments.count(),
    }
    for user in users:
        notify(
            users=[user],
            kind=Notification.Kind.MESSAGE,
            params={**params, "subject": subject_of(user=user, thread=thread)},
            url=f"/messages/{thread.pk}/",
            dedupe_key=message_dedupe_key(thread.pk, markers.get(user.pk, 0)),
        )


@receiver(thread_read, dispatch_uid="notifications.thread_read")
def read_the_thread_notifications(sender, thread, user, **kwargs):
    Notification.objects.filter(
        recipient=user,
        kind=Notification.Kind.MESSAGE,
        dedupe_key__startswith=f"message:{thread.pk}:",
        read_at=None,
    ).update(read_at=timezone.now())
