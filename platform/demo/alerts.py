"""Saved searches for the demo: a few buyers keep a supplier search and a few SMEs follow their own categories, so
the saved-search pages have something to show and the next daily check has something to announce. Idempotent."""

from accounts.models import Membership, Organisation
from notifications import services_alerts
from notifications.models import SavedSearch
from suppliers.models import Capability


def _keywords(capability) -> list[str]:
    words = [str(word).strip() for word in capability.keywords or []]
    return [word for word in words if 3 <= len(word) <= 60][:2]


def seed_alerts(*, buyers: int = 3, smes: int = 5) -> dict[str, int]:
    if SavedSearch.objects.exists():
        return {}
    created = 0
    owners = Membership.objects.filter(
        role=Membership.Role.OWNER,
        organisation__kind=Organisation.Kind.MNC,
        organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
    ).select_related("user")
    capabilities = list(
        Capability.objects.filter(profile__published=True).select_related("category").order_by("pk")[: buyers * 7]
    )
    for membership, capability in zip(owners.order_by("pk")[:buyers], capabilities[::7], strict=False):
        services_alerts.save_search(
            owner=membership.user,
            kind=SavedSearch.Kind.SUPPLIERS,
            name=capability.category.name[:120],
            filters={"category": capability.category.code, "verified": True},
        )
        created += 1
    sme_owners = Membership.objects.filter(
        role=Membership.Role.OWNER, organisation__kind=Organisation.Kind.SME
    ).select_related("user", "organisation__supplier_profile")
    for membership in sme_owners.order_by("pk")[:smes]:
        profile = getattr(membership.organisation, "supplier_profile", None)
        capability = profile.capabilities.select_related("category").first() if profile else None
        if capability is None:
            continue
        services_alerts.save_search(
            owner=membership.user,
            kind=SavedSearch.Kind.OPPORTUNITIES,
            name=capability.category.name[:120],
            filters={"categories": [capability.category.code], "keywords": _keywords(capability)},
        )
        created += 1
    return {"saved searches": created}
