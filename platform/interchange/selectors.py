from django.db.models import QuerySet

from accounts.permissions import is_agency_staff

from .models import ImportRun


def import_runs_visible_to(*, user) -> QuerySet[ImportRun]:
    """Imports are agency staff's work: they see all of them, everybody else none."""
    return ImportRun.objects.all() if is_agency_staff(user) else ImportRun.objects.none()
