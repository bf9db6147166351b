"""Pages: each party's linkages, a linkage's detail with its moves and transactions, the agency's pipeline board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.permissions import is_agency_staff
from accounts.redirects import redirect_within_site
from core.limits import parse_id

from . import selectors, services
from .forms import LinkageFilterForm, MoveForm, TransactionForm
from .models import PROGRESS, Stage

BOARD_CARDS_PER_COLUMN = 10  # a page of the most recently active; "more" pages the column on
BOARD_STAGES = [*PROGRESS, Stage.DECLINED, Stage.DORMANT]


@login_required
def linkage_list(request):
    form = LinkageFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    linkages = selectors.filter_linkages(
        selectors.linkages_visible_to(user=request.user),
        stage=data.get("stage", ""),
        source=data.get("source", ""),
        text=data.get("q", ""),
    )
    page = Paginator(linkages, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "linkages/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _linkage_or_404(request, pk):
    linkage = selectors.linkages_visible_to(user=request.user).filter(pk=pk).first()
    if linkage is None:
        raise Http404
    return linkage


def _history(linkage):
    """The linkage's stage changes and transactions in the order of their business dates, each marked
    ``backdated`` when it was recorded after an entry dated later than itself (a transaction dated before the
    first contact too). Transactions carry a day, not a time: changes are ordered by their local day, then in the
    order they were recorded, so a transaction's stage change (at noon of its day) never jumps ahead of a move made
    earlier that same day."""
    changes = list(linkage.stage_changes.select_related("changed_by").order_by("pk"))
    latest = None
    for change in changes:
        change.day = timezone.localdate(change.changed_at)
        change.backdated = latest is not None and change.day < latest
        latest = change.day if latest is None else max(latest, change.day)
    contacted = next((change.day for change in changes if change.to_stage == Stage.CONTACTED), None)
    contact_day = contacted or timezone.localdate(linkage.created_at)
    records = list(linkage.transactions.order_by("created_at", "pk"))
    latest = None
    for record in records:
        record.backdated = record.date < contact_day or (latest is not None and record.date < latest)
        latest = record.date if latest is None else max(latest, record.date)
    changes.sort(key=lambda change: (change.day, change.pk))
    records.sort(key=lambda record: (record.date, record.created_at, record.pk))
    backdated = any(entry.backdated for entry in (*changes, *records))
    return {"changes": changes, "transactions": records, "backdated": backdated}


@login_required
def linkage_detail(request, pk):
    linkage = _linkage_or_404(request, pk)
    moves = services.allowed_moves(user=request.user, linkage=linkage)
    may_record = bool(selectors.parties_of(user=request.user, linkage=linkage) & {"buyer", "agency"})
    back = request.GET.get("next", "")  # the board's card links here; a move goes back there
    return render(
        request,
        "linkages/detail.html",
        {
            "next": back if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else "",
            "linkage": linkage,
            **_history(linkage),
            "moves": [(stage, Stage(stage).label) for stage in moves],
            "transaction_form": TransactionForm(initial={"currency": "USD"}) if may_record else None,
        },
    )


def _back(request, linkage):
    return redirect_within_site(request, request.POST.get("next", ""), "linkages:detail", pk=linkage.pk)


@login_required
@require_POST
def linkage_move(request, pk):
    linkage = _linkage_or_404(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage to move to."))
        return _back(request, linkage)
    try:
        services.move_linkage(
            actor=request.user, linkage=linkage, to_stage=form.cleaned_data["stage"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("Moved to %(stage)s.") % {"stage": Stage(form.cleaned_data["stage"]).label})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, linkage)


@login_required
@require_POST
def linkage_transaction(request, pk):
    linkage = _linkage_or_404(request, pk)
    form = TransactionForm(request.POST)
    if form.is_valid():
        try:
            services.record_transaction(actor=request.user, linkage=linkage, **form.cleaned_data)
            messages.success(request, _("Transaction recorded."))
            return redirect("linkages:detail", pk=linkage.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "linkages/detail.html",
        {
            "linkage": linkage,
            **_history(linkage),
            "moves": [(s, Stage(s).label) for s in services.allowed_moves(user=request.user, linkage=linkage)],
            "transaction_form": form,
        },
        status=400,
    )


@login_required
def pipeline_board(request):
    """Agency staff's board: one column per stage with its count, its worth and a page of cards. A card opens the
    linkage, where its moves are (no move forms on the board: it stays short); ``?stage=X&page=N`` pages a column."""
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("The pipeline board is for agency staff."))
    form = LinkageFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    paged = data.get("stage", "")
    page = parse_id(request.GET.get("page")) or 1
    columns = selectors.pipeline_columns(
        stages=BOARD_STAGES,
        source=data.get("source", ""),
        text=data.get("q", ""),
        per_column=BOARD_CARDS_PER_COLUMN,
        pages={paged: page} if paged else {},
    )
    filters = request.GET.copy()
    for name in ("stage", "page"):
        filters.pop(name, None)
    return render(
        request,
        "linkages/board.html",
        {
            "form": form,
            "columns": columns,
            "filters": filters.urlencode(),
            "here": request.get_full_path(),
            "total": sum(column["count"] for column in columns),
        },
    )
