from django.db.models import QuerySet

from accounts.permissions import is_agency_staff

from .models import ImportRun
from .progress import live_progress


def import_runs_visible_to(*, user) -> QuerySet[ImportRun]:
    """Imports are agency staff's work: they see all of them, everybody else none."""
    return ImportRun.objects.all() if is_agency_staff(user) else ImportRun.objects.none()


def with_live_progress(run: ImportRun) -> ImportRun:
    """``run`` with the progress its worker reports while the file's transaction is still open."""
    if run.status == ImportRun.Status.RUNNING:
        live = live_progress(run_id=run.pk)
        if live:
            run.processed, run.total = live
    return run
