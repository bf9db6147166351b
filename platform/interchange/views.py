from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
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


@login_required
def import_detail(request, pk):
    run = selectors.with_live_progress(get_object_or_404(selectors.import_runs_visible_to(user=request.user), pk=pk))
    return render(request, "interchange/detail.html", {"run": run, "counts": sorted(run.counts.items())})


@login_required
def ocds_download(request):
    """Everything the reader may see as one OCDS release package, streamed as a file (any size)."""
    scope = ocds_export.scope_for(user=request.user)
    uri = request.build_absolute_uri(reverse("api:ocds-releases"))
    chunks = ocds_export.package_chunks(found=ocds_export.processes(scope), scope=scope, uri=uri)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enlace-ocds-{timezone.localdate():%Y-%m-%d}.json"'
    return response
