"""Reads about linkages: who is which party, what each user may see, and the history the matching engine reads."""

from decimal import Decimal

from django.db.models import BooleanField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import RowNumber

from accounts.models import Membership
from accounts.permissions import is_agency_staff
from buyers.selectors import requirements_visible_to

from .models import PROGRESS, Linkage, LinkageStageChange, Party, Stage, Transaction


def parties_of(*, user, linkage: Linkage) -> set[str]:
    """The sides ``user`` may act for on ``linkage``: viewers of an organisation act for nobody."""
    parties: set[str] = set()
    if not user or not user.is_authenticated:
        return parties
    if is_agency_staff(user):
        parties.add(Party.AGENCY)
    editing = Membership.objects.filter(user=user, role__in=[Membership.Role.OWNER, Membership.Role.MEMBER])
    organisations = set(editing.values_list("organisation_id", flat=True))
    if linkage.buyer_id in organisations:
        parties.add(Party.BUYER)
    if linkage.supplier.organisation_id in organisations:
        parties.add(Party.SUPPLIER)
    return parties


def linkages_visible_to(*, user) -> QuerySet[Linkage]:
    """Agency staff see every linkage; members of the buyer or of the supplier see theirs.

    Each linkage carries ``requirement_visible``: whether ``user`` may see the requirement it came from. Being a
    party to a linkage does not open its requirement (a draft, an agency-only requirement, an invitation the
    supplier does not have): pages and the API show the requirement's title, and search its words, only when true.
    """
    if not user.is_authenticated:
        return Linkage.objects.none()
    base = Linkage.objects.select_related("buyer", "supplier__organisation", "requirement", "category")
    if is_agency_staff(user):
        return base.annotate(requirement_visible=Value(True, output_field=BooleanField()))
    own = Membership.objects.filter(user=user).values("organisation_id")
    readable = requirements_visible_to(user=user).filter(pk=OuterRef("requirement_id"))
    return base.filter(Q(buyer_id__in=own) | Q(supplier__organisation_id__in=own)).annotate(
        requirement_visible=Exists(readable)
    )


def shows_requirement(*, user, linkage: Linkage) -> bool:
    """Whether ``user`` may read the requirement ``linkage`` came from (false when it came from none)."""
    if linkage.requirement_id is None:
        return False
    known = getattr(linkage, "requirement_visible", None)
    if known is not None:
        return bool(known)
    return requirements_visible_to(user=user).filter(pk=linkage.requirement_id).exists()


def filter_linkages(queryset: QuerySet[Linkage], *, stage: str = "", source: str = "", text: str = "") -> QuerySet:
    """``queryset`` comes from ``linkages_visible_to``: words match a requirement's title only where the reader may
    see the requirement (without that annotation, never), so search cannot probe what the reader may not read."""
    if stage:
        queryset = queryset.filter(stage=stage)
    if source:
        queryset = queryset.filter(source=source)
    readable_title = "requirement_visible" in queryset.query.annotations
    for word in (text or "").split():
        match = Q(buyer__legal_name__icontains=word) | Q(supplier__organisation__legal_name__icontains=word)
        if readable_title:
            match |= Q(requirement_visible=True, requirement__title__icontains=word)
        queryset = queryset.filter(match)
    return queryset


def pipeline_columns(
    *, stages, source: str = "", text: str = "", per_column: int, pages: dict[str, int] | None = None
) -> list[dict]:
    """One column per stage (agency staff's board: they see every requirement): how many linkages are there, what
    they are worth, and one page of cards, the most recently active first. ``pages`` (stage → page number) pages a
    column on; every other column shows its first page.

    Worth, per currency: ``transacted``, the transactions recorded on the stage's linkages, and ``estimated``, the
    estimated annual value of the requirements they came from, each requirement counted once per stage."""
    pages = pages or {}
    every = Linkage.objects.annotate(requirement_visible=Value(True, output_field=BooleanField()))
    base = filter_linkages(every, source=source, text=text)
    counts = dict(base.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    transacted: dict[str, dict[str, Decimal]] = {}
    for stage, currency, total in (
        Transaction.objects.filter(linkage__in=base.values("pk"))
        .order_by()
        .values_list("linkage__stage", "currency")
        .annotate(total=Sum("value"))
    ):
        transacted.setdefault(stage, {})[currency] = total
    estimated: dict[str, dict[str, Decimal]] = {}
    for stage, _requirement, value, currency in (
        base.filter(requirement__estimated_annual_value__isnull=False)
        .order_by()
        .values_list("stage", "requirement_id", "requirement__estimated_annual_value", "requirement__currency")
        .distinct()
    ):
        by_currency = estimated.setdefault(stage, {})
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + value
    windows = {}
    for stage in stages:
        count = counts.get(stage, 0)
        last_page = max(1, -(-count // per_column))
        page = min(max(1, pages.get(stage, 1)), last_page)
        windows[stage] = (page, last_page, (page - 1) * per_column)
    # Every column's page of cards in one query: each linkage numbered within its stage, newest activity first.
    shown = Q(pk__in=[])
    for stage, (_page, _last_page, offset) in windows.items():
        if counts.get(stage):
            shown |= Q(stage=stage, place__gt=offset, place__lte=offset + per_column)
    numbered = base.annotate(
        place=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("last_activity_at").desc(), F("pk").desc()])
    )
    cards: dict[str, list[Linkage]] = {}
    for linkage in (
        numbered.filter(shown)
        .select_related("buyer", "supplier__organisation", "requirement")
        .order_by("-last_activity_at", "-pk")
    ):
        cards.setdefault(linkage.stage, []).append(linkage)
    return [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "count": counts.get(stage, 0),
            "transacted": sorted(transacted.get(stage, {}).items()),
            "estimated": sorted(estimated.get(stage, {}).items()),
            "cards": cards.get(stage, []),
            "page": page,
            "pages": last_page,
            "first": offset + 1,
            "last": min(offset + per_column, counts.get(stage, 0)),
        }
        for stage, (page, last_page, offset) in windows.items()
    ]


def stage_history() -> QuerySet[LinkageStageChange]:
    """Every stage change with what the engine needs of its linkage, oldest first."""
    return LinkageStageChange.objects.order_by("changed_at", "pk").values_list(
        "linkage__supplier_id",
        "linkage__buyer_id",
        "changed_at",
        "to_stage",
        "linkage__category__scheme",
        "linkage__category__code",
        "linkage__requirement_id",
        "linkage_id",
        "linkage__requirement__title",
    )


def transaction_history() -> QuerySet[Transaction]:
    return Transaction.objects.order_by("date", "pk").values_list(
        "linkage__supplier_id",
        "linkage__buyer_id",
        "date",
        "linkage__category__scheme",
        "linkage__category__code",
        "linkage__requirement_id",
        "value",
        "linkage_id",
        "description",
        "linkage__requirement__title",
    )


def requirement_outcomes() -> list[tuple[int, int, str, object]]:
    """(requirement, supplier, furthest stage reached, when) of each linkage that came from a requirement.

    The furthest stage, not the current one: a linkage that reached a transaction and later went dormant is still
    a success for the match that started it; a declined one counts as declined only if it never got further.
    """
    rank = {stage: position for position, stage in enumerate(PROGRESS)}
    furthest: dict[int, tuple] = {}
    rows = (
        LinkageStageChange.objects.filter(linkage__requirement__isnull=False)
        .order_by("changed_at", "pk")
        .values_list("linkage_id", "linkage__requirement_id", "linkage__supplier_id", "to_stage", "changed_at")
    )
    for linkage_id, requirement, supplier, stage, at in rows:
        known = furthest.get(linkage_id)
        if stage in rank:
            if known is None or known[2] not in rank or rank[stage] > rank[known[2]]:
                furthest[linkage_id] = (requirement, supplier, stage, at)
        elif stage == Stage.DECLINED and (known is None or rank.get(known[2], 0) <= rank[Stage.CONTACTED]):
            furthest[linkage_id] = (requirement, supplier, stage, at)
    return list(furthest.values())


def responsiveness_by_supplier() -> dict[int, float]:
    """Share of the linkages proposed to or contacting a supplier that went past first contact, were declined (an
    answer is an answer), or that the supplier's own people moved (a response to a requirement makes the linkage
    contacted: the supplier answered)."""
    supplier_moved = LinkageStageChange.objects.filter(
        linkage_id=OuterRef("pk"),
        changed_by__memberships__organisation_id=OuterRef("supplier__organisation_id"),
        changed_by__memberships__role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
    )
    rows = Linkage.objects.annotate(supplier_moved=Exists(supplier_moved)).values_list(
        "supplier_id", "stage", "supplier_moved"
    )
    asked: dict[int, int] = {}
    answered: dict[int, int] = {}
    for supplier_id, stage, moved in rows:
        asked[supplier_id] = asked.get(supplier_id, 0) + 1
        if moved or stage not in ("proposed", "contacted"):
            answered[supplier_id] = answered.get(supplier_id, 0) + 1
    return {supplier_id: answered.get(supplier_id, 0) / count for supplier_id, count in asked.items()}


def history_fingerprint() -> tuple:
    """Changes whenever a linkage moves or a transaction is recorded (or either is deleted)."""
    changes = LinkageStageChange.objects.aggregate(n=Count("pk"), last=Max("pk"))
    transactions = Transaction.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (changes["n"], changes["last"], transactions["n"], transactions["last"])


def contacts_received(*, supplier, since) -> int:
    """Buyers that started a linkage with this supplier since ``since`` (a contact, however it came)."""
    return Linkage.objects.filter(supplier=supplier, created_at__gte=since).values("buyer_id").distinct().count()
