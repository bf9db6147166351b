"""Cheap figures for the start page; each is one COUNT query."""

from accounts.models import Organisation
from buyers.models import Requirement
from suppliers.models import SupplierProfile


def platform_figures() -> dict[str, int]:
    return {
        "published_suppliers": SupplierProfile.objects.filter(published=True).count(),
        "open_requirements": Requirement.objects.filter(
            status=Requirement.Status.OPEN, visibility=Requirement.Visibility.PUBLIC
        ).count(),
        "verified_organisations": Organisation.objects.filter(
            verification_status=Organisation.VerificationStatus.VERIFIED
        ).count(),
    }
