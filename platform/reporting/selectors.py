"""The agency's impact figures, computed in the database with a fixed number of queries whatever the data size.

Filters: a period (linkages created, transactions dated within it), the supplier's country, its sector (ISIC
division, matched on the organisation's industry code) and a supplier-development programme. Money is added up in
US dollars with the rate valid on each transaction's date (``ExchangeRate``); a transaction without a rate is
counted apart as unconverted, never dropped silently.
"""

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_noop

from accounts.models import Organisation
from buyers.models import PurchasingDeclaration
from development.selectors import development_figures
from linkages.models import PROGRESS, Linkage, LinkageStageChange, Stage, Transaction
from taxonomy.models import Industry

from .models import ExchangeRate

MONEY = DecimalField(max_digits=24, decimal_places=6)


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: str = ""
    sector: str = ""  # ISIC division, two digits
    programme: object | None = None  # development.Programme

    def as_query(self) -> dict:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "country": self.country,
            "sector": self.sector,
            "programme": self.programme.pk if self.programme else "",
        }


def _scoped_linkages(filters: Filters) -> QuerySet[Linkage]:
    linkages = Linkage.objects.all()
    if filters.country:
        linkages = linkages.filter(supplier__organisation__country=filters.country)
    if filters.sector:
        linkages = linkages.filter(supplier__organisation__industry__code__startswith=filters.sector)
    if filters.programme is not None:
        linkages = linkages.filter(supplier__programmes=filters.programme)
    return linkages


def _in_period(queryset, field: str, filters: Filters):
    if filters.date_from:
        queryset = queryset.filter(**{f"{field}__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{field}__lte": filters.date_to})
    return queryset


def transactions_in_usd(filters: Filters) -> QuerySet[Transaction]:
    """Transactions in scope with ``rate`` (units per USD on their date, None when unknown) and ``usd``."""
    rate_on_date = Subquery(
        ExchangeRate.objects.filter(currency=OuterRef("currency"), valid_from__lte=OuterRef("date"))
        .order_by("-valid_from")
        .values("units_per_usd")[:1],
        output_field=MONEY,
    )
    transactions = Transaction.objects.filter(linkage__in=_scoped_linkages(filters))
    transactions = _in_period(transactions, "date", filters)
    return transactions.annotate(
        rate=Case(When(currency="USD", then=Value(Decimal(1), output_field=MONEY)), default=rate_on_date)
    ).annotate(usd=ExpressionWrapper(F("value") / F("rate"), output_field=MONEY))


def _linkages_per_year(linkages) -> list[dict]:
    rows = linkages.annotate(year=ExtractYear("created_at")).values("year").annotate(count=Count("pk")).order_by("year")
    return [{"year": row["year"], "new_linkages": row["count"]} for row in rows]


def _values_per_year(transactions) -> tuple[list[dict], dict]:
    rows = (
        transactions.exclude(rate=None)
        .annotate(year=ExtractYear("date"))
        .values("year", "kind")
        .annotate(total=Sum("usd"))
        .order_by("year")
    )
    by_year: dict[int, dict] = {}
    for row in rows:
        entry = by_year.setdefault(
            row["year"], {"year": row["year"], "first_usd": Decimal(0), "follow_up_usd": Decimal(0)}
        )
        entry["first_usd" if row["kind"] == Transaction.Kind.FIRST else "follow_up_usd"] += row["total"] or 0
    cumulative_first = cumulative_follow = Decimal(0)
    series = []
    for year in sorted(by_year):
        entry = by_year[year]
        cumulative_first += entry["first_usd"]
        cumulative_follow += entry["follow_up_usd"]
        series.append(
            {
                "year": year,
                "first_usd": round(entry["first_usd"], 2),
                "follow_up_usd": round(entry["follow_up_usd"], 2),
                "cumulative_first_usd": round(cumulative_first, 2),
                "cumulative_follow_up_usd": round(cumulative_follow, 2),
            }
        )
    totals = {"first_usd": round(cumulative_first, 2), "follow_up_usd": round(cumulative_follow, 2)}
    return series, totals


def _unconverted(transactions) -> list[dict]:
    rows = transactions.filter(rate=None).values("currency").annotate(count=Count("pk"), value=Sum("value"))
    return [
        {"currency": r["currency"], "transactions": r["count"], "value": r["value"]} for r in rows.order_by("currency")
    ]


def _funnel(linkages) -> list[dict]:
    """Linkages that reached each stage (or a later one), and the conversion from the stage before."""
    rank = Case(*(When(to_stage=stage, then=Value(i)) for i, stage in enumerate(PROGRESS)), default=Value(-1))
    tops = Counter(
        LinkageStageChange.objects.filter(linkage__in=linkages)
        .values("linkage")
        .annotate(top=Max(rank, output_field=IntegerField()))
        .values_list("top", flat=True)
    )
    reached = [sum(n for top, n in tops.items() if top >= i) for i in range(len(PROGRESS))]
    rows = []
    for i, stage in enumerate(PROGRESS):
        previous = reached[i - 1] if i else None
        rows.append(
            {
                "stage": stage,
                "label": str(Stage(stage).label),
                "reached": reached[i],
                "conversion": round(reached[i] / previous, 3) if previous else None,
            }
        )
    ended = dict(
        linkages.filter(stage__in=[Stage.DECLINED, Stage.DORMANT]).values_list("stage").annotate(n=Count("pk"))
    )
    for stage in (Stage.DECLINED, Stage.DORMANT):
        rows.append(
            {"stage": stage, "label": str(Stage(stage).label), "reached": ended.get(stage, 0), "conversion": None}
        )
    return rows


def _days_to_first_transaction(linkages) -> dict:
    pairs = Transaction.objects.filter(
        kind=Transaction.Kind.FIRST, linkage__in=linkages.filter(source=Linkage.Source.MATCH)
    ).values_list("linkage__created_at", "date")
    days = [(day - created.date()).days for created, day in pairs]
    return {"median_days": statistics.median(days) if days else None, "linkages": len(days)}


def _linked_organisations(linkages) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=linkages.values("supplier__organisation_id"))


def _suppliers_by(organisations, field: str) -> list[dict]:
    return list(organisations.values(field).annotate(suppliers=Count("pk")).order_by("-suppliers", field))


def _suppliers_by_region(organisations) -> list[dict]:
    rows = organisations.values("country", "region").annotate(suppliers=Count("pk"))
    return [
        {"country": row["country"], "region": row["region"] or "—", "suppliers": row["suppliers"]}
        for row in rows.order_by("-suppliers", "country", "region")
    ]


def _suppliers_by_sector(organisations) -> list[dict]:
    counts: Counter = Counter()
    for code, n in organisations.values_list("industry__code").annotate(n=Count("pk")):
        counts[(code or "")[:2]] += n
    names = {industry.code: industry.name for industry in Industry.objects.filter(code__in=[c for c in counts if c])}
    return [
        {"sector": code or "—", "name": names.get(code, ""), "suppliers": n}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _women_employed(linkages) -> dict:
    suppliers = Organisation.objects.filter(
        pk__in=Transaction.objects.filter(linkage__in=linkages, kind=Transaction.Kind.FIRST).values(
            "linkage__supplier__organisation_id"
        )
    )
    figures = suppliers.aggregate(suppliers=Count("pk"), employees=Sum("employees"), women=Sum("women_employees"))
    return {key: value or 0 for key, value in figures.items()}


def _usd_at_year_end(amount: Decimal | None, currency: str, year: int, rates: dict) -> Decimal | None:
    """``amount`` in USD at the last rate known on 31 December of ``year`` (None when there is none)."""
    if amount is None:
        return None
    if currency == "USD":
        return amount
    year_end = dt.date(year, 12, 31)
    known = [(day, rate) for day, rate in rates.get(currency, ()) if day <= year_end]
    return amount / known[-1][1] if known else None


def _local_share_by_buyer(transactions, filters: Filters) -> list[dict]:
    """Per buyer: what Enlace's linkages bought from local SMEs against what the buyer declared it bought altogether,
    over the years it declared (within the period); the buyer's own local share and its target beside it."""
    declarations = PurchasingDeclaration.objects.select_related("buyer").order_by("buyer__legal_name", "year")
    if filters.date_from:
        declarations = declarations.filter(year__gte=filters.date_from.year)
    if filters.date_to:
        declarations = declarations.filter(year__lte=filters.date_to.year)
    if filters.country:  # local means the buyer's own country: the filtered country's buyers
        declarations = declarations.filter(buyer__country=filters.country)
    rates: dict[str, list] = {}
    for currency, day, rate in ExchangeRate.objects.order_by("currency", "valid_from").values_list(
        "currency", "valid_from", "units_per_usd"
    ):
        rates.setdefault(currency, []).append((day, rate))
    local = Q(linkage__supplier__organisation__country=F("linkage__buyer__country"))
    enlace = {
        (row["linkage__buyer_id"], row["year"]): row["local"] or Decimal(0)
        for row in transactions.exclude(rate=None)
        .annotate(year=ExtractYear("date"))
        .values("linkage__buyer_id", "year")
        .annotate(local=Sum("usd", filter=local))
    }
    buyers: dict[int, dict] = {}
    for declaration in declarations:
        row = buyers.setdefault(
            declaration.buyer_id,
            {
                "buyer": declaration.buyer.legal_name,
                "country": declaration.buyer.country.code,
                "years": [],
                "declared_purchases_usd": Decimal(0),
                "local_sme_usd": Decimal(0),
                "declared_local_usd": Decimal(0),
                "target_local_share": None,
                "unconverted_years": [],
            },
        )
        total = _usd_at_year_end(declaration.total_purchases, declaration.currency, declaration.year, rates)
        if total is None:
            row["unconverted_years"].append(declaration.year)
            continue
        row["years"].append(declaration.year)
        row["declared_purchases_usd"] += total
        row["local_sme_usd"] += enlace.get((declaration.buyer_id, declaration.year), Decimal(0))
        declared_local = _usd_at_year_end(declaration.local_purchases, declaration.currency, declaration.year, rates)
        row["declared_local_usd"] = (
            None
            if declared_local is None or row["declared_local_usd"] is None
            else (row["declared_local_usd"] + declared_local)
        )
        if declaration.local_share_target is not None:
            row["target_local_share"] = round(declaration.local_share_target / 100, 3)  # the latest year's target
    rows = []
    for row in buyers.values():
        total = row["declared_purchases_usd"]
        rows.append(
            {
                "buyer": row["buyer"],
                "country": row["country"],
                "years": ", ".join(str(year) for year in row["years"]),
                "declared_purchases_usd": round(total, 2),
                "local_sme_usd": round(row["local_sme_usd"], 2),
                "local_share": round(row["local_sme_usd"] / total, 3) if total else None,
                "declared_local_share": round(row["declared_local_usd"] / total, 3)
                if total and row["declared_local_usd"] is not None
                else None,
                "target_local_share": row["target_local_share"],
            }
        )
    return rows


def impact_figures(filters: Filters) -> dict:
    linkages = _scoped_linkages(filters)
    new_linkages = _in_period(linkages, "created_at__date", filters)
    transactions = transactions_in_usd(filters)
    values, totals = _values_per_year(transactions)
    per_year = _linkages_per_year(new_linkages)
    organisations = _linked_organisations(new_linkages)
    return {
        "filters": filters.as_query(),
        "linkages_per_year": per_year,
        "values_per_year": values,
        "totals": {**totals, "new_linkages": sum(row["new_linkages"] for row in per_year)},
        "unconverted": _unconverted(transactions),
        "funnel": _funnel(new_linkages),
        "time_to_first_transaction": _days_to_first_transaction(new_linkages),
        "suppliers_by_sector": _suppliers_by_sector(organisations),
        "suppliers_by_region": _suppliers_by_region(organisations),
        "suppliers_by_size": _suppliers_by(organisations, "size_class"),
        "women_employed": _women_employed(new_linkages),
        "local_share_by_buyer": _local_share_by_buyer(transactions, filters),
        "development": development_figures(
            programme=filters.programme, date_from=filters.date_from, date_to=filters.date_to
        ),
    }


# Every table the page shows, as (title, columns) for CSV/XLSX export; rows come from ``impact_figures``.
# Titles are translated where shown; gettext_noop only marks them.
TABLES = {
    "linkages_per_year": (gettext_noop("New linkages per year"), ["year", "new_linkages"]),
    "values_per_year": (
        gettext_noop("Transaction value per year (USD)"),
        ["year", "first_usd", "follow_up_usd", "cumulative_first_usd", "cumulative_follow_up_usd"],
    ),
    "funnel": (gettext_noop("Funnel by stage"), ["stage", "label", "reached", "conversion"]),
    "suppliers_by_sector": (gettext_noop("Linked suppliers by sector"), ["sector", "name", "suppliers"]),
    "suppliers_by_region": (gettext_noop("Linked suppliers by region"), ["country", "region", "suppliers"]),
    "suppliers_by_size": (gettext_noop("Linked suppliers by size"), ["size_class", "suppliers"]),
    "local_share_by_buyer": (
        gettext_noop("Share of each buyer's declared purchases bought from local SMEs through Enlace"),
        [
            "buyer",
            "country",
            "years",
            "declared_purchases_usd",
            "local_sme_usd",
            "local_share",
            "declared_local_share",
            "target_local_share",
        ],
    ),
    "unconverted": (gettext_noop("Transactions without an exchange rate"), ["currency", "transactions", "value"]),
}


def rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("created_by").order_by("currency", "-valid_from")


def supplier_countries() -> set[str]:
    """The countries that have suppliers: the only ones worth offering as a filter."""
    return set(Organisation.objects.filter(kind=Organisation.Kind.SME).values_list("country", flat=True).distinct())


def usd_rates_on(*, currencies, day: dt.date) -> dict[str, Decimal | None]:
    """Each currency's units per US dollar on ``day`` from the agency's table (the latest rate valid from that day
    or before; 1 for USD; None when the table has none). One query whatever the number of currencies."""
    wanted = {code for code in currencies if code}
    found: dict[str, Decimal | None] = dict.fromkeys(wanted)
    if "USD" in found:
        found["USD"] = Decimal(1)
    rows = (
        ExchangeRate.objects.filter(currency__in=wanted - {"USD"}, valid_from__lte=day)
        .order_by("currency", "-valid_from")
        .values_list("currency", "units_per_usd")
    )
    for currency, units in rows:
        if found.get(currency) is None and units:
            found[currency] = units
    return found
