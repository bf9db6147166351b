"""Matching listens to the apps below it: requirements published or changed, suppliers changed."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from buyers.models import Requirement
from buyers.signals import requirement_changed, requirement_published
from core import jobs
from suppliers.selectors import listed_profiles
from suppliers.signals import supplier_changed

from . import services
from .models import Match, MatchRun, Opportunity

REMATCH_PENDING_KEY = "matching:rematch-pending"


@receiver(requirement_published, dispatch_uid="matching.requirement_published")
def match_published_requirement(sender, requirement, **kwargs):
    services.request_match_run(requirement=requirement, trigger=MatchRun.Trigger.PUBLISHED)


@receiver(requirement_changed, dispatch_uid="matching.requirement_changed")
def rematch_changed_requirement(sender, requirement, **kwargs):
    if requirement.status == Requirement.Status.OPEN:
        services.request_match_run(requirement=requirement, trigger=MatchRun.Trigger.CHANGED)


@receiver(supplier_changed, dispatch_uid="matching.supplier_changed")
def rematch_after_supplier_change(sender, profile, reason="", **kwargs):
    """After the commit, never inside the request. A profile buyers cannot see changes no ranking unless it was in
    one (it just left): then open requirements are re-matched, debounced — the first change opens a window and
    changes inside it ride on the re-match queued at its end. The supplier's own inbox is refreshed sooner."""
    listed = listed_profiles().filter(pk=profile.pk).exists()
    if listed or Opportunity.objects.filter(supplier_id=profile.pk).exists():
        services.request_opportunity_refresh(profile=profile)
    if not (
        listed
        or Match.objects.filter(supplier_id=profile.pk, run__requirement__status=Requirement.Status.OPEN).exists()
    ):
        return
    window = settings.MATCHING_REMATCH_DEBOUNCE_SECONDS
    if cache.add(REMATCH_PENDING_KEY, reason or "changed", timeout=window):
        # A broker that is down only costs this re-match (logged; the next supplier change opens a new window).
        transaction.on_commit(lambda: _send_rematch(window))


def _send_rematch(window: int) -> None:
    from .tasks import rematch_open_requirements

    if not jobs.send_task(rematch_open_requirements, countdown=window):
        cache.delete(REMATCH_PENDING_KEY)
