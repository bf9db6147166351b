from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.forms import add_service_errors
from accounts.permissions import is_agency_staff

from . import ocds_export, selectors, services
from .forms import UploadForm


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("Only agency staff import open procurement data."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.queue_upload(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                default_country=form.cleaned_data["default_country"],
            )
            return redirect("interchange:detail", pk=run.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    runs = selectors.import_runs_visible_to(user=request.user)[:30]
    return render(request, "interchange/imports.html", {"form": form, "runs": runs}, status=400 if form.errors else 200)


# The import report's lines, stored under these English keys (ImportRun.counts), shown in the reader's language.
REPORT_LABELS = {
    "organisations matched": gettext_lazy("organisations matched"),
    "organisations created": gettext_lazy("organisations created"),
    "requirements created": gettext_lazy("requirements created"),
    "requirements updated": gettext_lazy("requirements updated"),
    "requirements awarded": gettext_lazy("requirements awarded"),
    "requirements closed": gettext_lazy("requirements closed"),
    "historic requirements created": gettext_lazy("historic requirements created"),
    "awards skipped (no buyer)": gettext_lazy("awards skipped (no buyer)"),
    "award values without a currency": gettext_lazy("award values without a currency"),
    "awards already imported": gettext_lazy("awards already imported"),
    "payments skipped (no award, value, date or currency)": gettext_lazy(
        "payments skipped (no award, value, date or currency)"
    ),
    "linkages created": gettext_lazy("linkages created"),
    "first transactions": gettext_lazy("first transactions"),
    "follow-up transactions": gettext_lazy("follow-up transactions"),
    "processes imported": gettext_lazy("processes imported"),
    "processes unchanged": gettext_lazy("processes unchanged"),
    "processes older than imported": gettext_lazy("processes older than imported"),
}


@login_required
def import_detail(request, pk):
    run = selectors.with_live_progress(get_object_or_404(selectors.import_runs_visible_to(user=request.user), pk=pk))
    counts = [(str(REPORT_LABELS.get(name, name)), count) for name, count in sorted(run.counts.items())]
    return render(request, "interchange/detail.html", {"run": run, "counts": counts})


@login_required
def ocds_download(request):
    """Everything the reader may see as one OCDS release package, streamed as a file (any size)."""
    scope = ocds_export.scope_for(user=request.user)
    uri = request.build_absolute_uri(reverse("api:ocds-releases"))
    chunks = ocds_export.package_chunks(found=ocds_export.processes(scope), scope=scope, uri=uri)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enlace-ocds-{timezone.localdate():%Y-%m-%d}.json"'
    return response
