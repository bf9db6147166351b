"""Every write about notifications: who is told what, marking read, the daily digest and the expiry scan."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from core import outbox
from suppliers.models import Certification

from . import texts
from .models import Notification

EXPIRY_THRESHOLDS = (0, 7, 30)  # days before expiry; the smallest that applies is the one announced


def recipients_in(organisation, *, include_viewers: bool = True) -> list[User]:
    roles = [Membership.Role.OWNER, Membership.Role.MEMBER] + ([Membership.Role.VIEWER] if include_viewers else [])
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__role__in=roles, is_active=True)
    )


def _in_language_of(user, text) -> str:
    """``text`` is a string or a function of no argument that builds it: built in the recipient's language."""
    if not callable(text):
        return str(text)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return str(text())


def _words_in_language_of(user, kind: str, params: dict) -> tuple[str, str]:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return texts.render(kind, params) or ("", "")


def notify(*, users, kind: str, params: dict | None = None, title=None, body="", url: str = "", dedupe_key: str) -> int:
    """Create one notification per user unless that user already had this one; returns how many were new.

    A notification is its ``kind`` and ``params`` (notifications.texts words them in the reader's language when
    shown); the title and body stored with it are those words in the recipient's language now. Without params,
    ``title`` and ``body`` (strings, or functions called once per recipient in that recipient's language) are
    stored and shown as they are.
    """
    users = [user for user in users if user is not None]
    already = set(
        Notification.objects.filter(recipient__in=users, dedupe_key=dedupe_key).values_list("recipient_id", flat=True)
    )
    fresh = []
    for user in users:
        if user.pk in already:
            continue
        if params:
            words_title, words_body = _words_in_language_of(user, kind, params)
        else:
            words_title, words_body = _in_language_of(user, title), _in_language_of(user, body)
        fresh.append(
            Notification(
                recipient=user,
                kind=kind,
                params=params or {},
                title=words_title[:255],
                body=words_body,
                url=url,
                dedupe_key=dedupe_key[:200],
            )
        )
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def scan_expiring_certifications(*, today: dt.date | None = None) -> int:
    """Tell each SME about its certificates expiring within 30, 7 or 0 days (once per threshold)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(EXPIRY_THRESHOLDS))
    certificates = (
        Certification.objects.valid_on(today)  # the one valid-certificate rule
        .filter(expires_on__lte=horizon)
        .select_related("standard", "profile__organisation")
    )
    created = 0
    for certificate in certificates:
        days_left = (certificate.expires_on - today).days
        threshold = min(t for t in EXPIRY_THRESHOLDS if days_left <= t)
        created += notify(
            users=recipients_in(certificate.profile.organisation),
            kind=Notification.Kind.CERTIFICATE_EXPIRY,
            params={
                "standard": certificate.standard.name,
                "days_left": days_left,
                "expires_on": certificate.expires_on.isoformat(),
            },
            url="/suppliers/onboarding/certifications/",
            dedupe_key=f"certificate:{certificate.pk}:{certificate.expires_on}:{threshold}",
        )
    return created


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One e-mail per person with everything not e-mailed yet, in their language; returns e-mails sent.

    Each digest goes into the outbox in the transaction that marks its notifications e-mailed, so a crash loses
    neither and a second run sends no copy; this task (already a worker) then sends it. One that fails to send is
    retried by beat (core.outbox)."""
    now = now or timezone.now()
    sent = 0
    pending_users = User.objects.filter(notifications__emailed_at=None, is_active=True).distinct()
    for user in pending_users:
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient=user, emailed_at=None)
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            language = user.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                context = {"user": user, "items": items, "site_url": settings.SITE_URL}
                subject = _("Enlace: %(count)s new notifications") % {"count": len(items)}
                email, _created = outbox.queue_email(
                    to=user.email,
                    subject=subject,
                    body_text=render_to_string("notifications/email/digest.txt", context),
                    body_html=render_to_string("notifications/email/digest.html", context),
                    language=language,
                    dedupe_key=f"digest:{user.pk}:{items[0].pk}-{items[-1].pk}:{len(items)}",
                    publish=False,
                )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
        outbox.deliver_now(email)
        sent += 1
    return sent
