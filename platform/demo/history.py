"""A few years of linkage history for the demo: past sourcing needs, who was contacted, met, and bought from.

Each past requirement is ranked by the engine as it stood on its publication day (certificates valid then, track
record up to then), the buyer contacts the top of that list, and what happens next follows a hidden preference
that is *not* the engine's default weights: buyers here care more about proximity and readiness. So the history
rewards the learned ranker for finding that out, and the dashboard and track record have real stages and
transactions to count. Deterministic (seeded), and a second run writes nothing.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from buyers.models import RequiredCertification, Requirement
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from matching import selectors as matching_selectors
from matching.engine.ranker import rank
from matching.engine.scoring import DefaultScorer
from matching.state import engine_state
from suppliers.models import SupplierProfile
from taxonomy.models import Category, CertificationStandard

from . import data
from .progress import Stage as ProgressStage

SEED = 2027
YEARS = 3
NEEDS_PER_BUYER_PER_YEAR = 3
SHOWN = 12  # the buyer reads this far down the list …
CONTACTED = 5  # … and contacts this many
# What the demo's buyers actually value (hidden from the engine): closeness and readiness more than text.
PREFERENCE = {
    "text_relevance": 1.5,
    "category_closeness": 1.0,
    "certification_coverage": 1.0,
    "readiness": 2.5,
    "proximity": 3.0,
    "capacity_fit": 1.0,
    "track_record": 2.0,
    "responsiveness": 0.5,
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _utility(features: dict, rng: random.Random) -> float:
    # Features the demo's buyers do not weigh (the history block) count for nothing in their choice.
    return sum(PREFERENCE.get(name, 0.0) * value for name, value in features.items()) + rng.gauss(0, 0.6)


class HistoryWriter:
    def __init__(self, *, today: dt.date, stage: ProgressStage | None = None):
        self.today = today
        self.stage = stage
        self.rng = random.Random(SEED)
        self.created = {"past requirements": 0, "linkages": 0, "transactions": 0}
        self.categories = {c.code: c for c in Category.objects.filter(scheme="CPV")}
        self.standards = {s.code: s for s in CertificationStandard.objects.all()}

    def write(self) -> dict[str, int]:
        buyers = list(Organisation.objects.filter(kind=Organisation.Kind.MNC).order_by("legal_name"))
        sector_of = {legal: sector for sector, _country, _city, _trade, legal in data.BUYERS}
        needs = []
        for buyer in buyers:
            templates = data.REQUIREMENTS.get(sector_of.get(buyer.legal_name, ""), [])
            for year_back in range(YEARS, 0, -1):
                for number in range(NEEDS_PER_BUYER_PER_YEAR):
                    if not templates:
                        continue
                    template = templates[(year_back * 7 + number) % len(templates)]
                    offset = self.rng.randint(0, 300)
                    day = self.today - dt.timedelta(days=365 * year_back - offset)
                    needs.append((day, buyer, template, number))
        needs.sort(key=lambda item: (item[0], item[1].pk, item[3]))
        for done, (day, buyer, template, number) in enumerate(needs, start=1):
            self._past_need(day=day, buyer=buyer, template=template, number=number)
            if self.stage is not None:
                self.stage.step(done, len(needs), "past requirements")
        return {name: count for name, count in self.created.items() if count}

    @transaction.atomic
    def _past_need(self, *, day, buyer, template, number) -> None:
        _language, title, spec, codes, certs, quantity, unit, value = template
        title = f"{title} ({day:%Y}-{number + 1})"
        if Requirement.objects.filter(buyer=buyer, title=title).exists():
            return
        rng = random.Random(f"{SEED}-{buyer.pk}-{title}")
        published = _at(day)
        requirement = Requirement.objects.create(
            buyer=buyer,
            title=title,
            specification=spec,
            quantity=Decimal(quantity),
            unit=unit,
            currency="USD",
            estimated_annual_value=Decimal(value),
            delivery_country=buyer.country,
            delivery_region=buyer.region,
            delivery_city=buyer.city,
            delivery_latitude=buyer.latitude,
            delivery_longitude=buyer.longitude,
            needed_by=day + dt.timedelta(days=90),
            status=Requirement.Status.AWARDED,
            visibility=Requirement.Visibility.PUBLIC,
            published_at=published,
            closed_at=_at(day + dt.timedelta(days=60)),
        )
        Requirement.objects.filter(pk=requirement.pk).update(created_at=published)
        requirement.categories.set([self.categories[code] for code in codes if code in self.categories])
        for code, mandatory in certs:
            if code in self.standards:
                RequiredCertification.objects.create(
                    requirement=requirement, standard=self.standards[code], mandatory=mandatory
                )
        self.created["past requirements"] += 1
        requirement.created_at = published
        snapshot = engine_state.snapshot()
        result = rank(
            requirement=matching_selectors.requirement_record(requirement),
            candidates=snapshot.candidates,
            index=snapshot.index,
            history=snapshot.history,
            scorer=DefaultScorer(),
            today=day,
            top_k=SHOWN,
            explain=False,
        )
        shown = list(result.matches)
        if not shown:
            return
        profiles = SupplierProfile.objects.in_bulk([m.supplier_id for m in shown])
        utilities = {m.supplier_id: _utility(m.features, rng) for m in shown}
        contacted = sorted(shown, key=lambda m: m.rank)[:CONTACTED]
        # The buyer also spots one supplier further down the list that fits what it really values.
        extra = max(shown[CONTACTED:], key=lambda m: utilities[m.supplier_id], default=None)
        if extra is not None:
            contacted.append(extra)
        threshold = sorted(utilities.values(), reverse=True)[min(2, len(utilities) - 1)]
        winner = max(contacted, key=lambda m: utilities[m.supplier_id])
        for match in contacted:
            self._follow(
                requirement=requirement,
                supplier=profiles[match.supplier_id],
                day=day,
                utility=utilities[match.supplier_id],
                threshold=threshold,
                wins=match is winner,
                rng=rng,
            )

    def _follow(self, *, requirement, supplier, day, utility, threshold, wins, rng) -> None:
        contacted_on = day + dt.timedelta(days=rng.randint(2, 10))
        linkage, _ = linkage_services.create_linkage(
            actor=None,
            buyer=requirement.buyer,
            supplier=supplier,
            requirement=requirement,
            source=Linkage.Source.MATCH,
            stage=Stage.CONTACTED,
            at=_at(contacted_on),
            system=True,
        )
        self.created["linkages"] += 1
        chance = 1 / (1 + math.exp(-(utility - threshold) * 2))
        if not wins and rng.random() > chance:
            if rng.random() < 0.6:  # an explicit no; otherwise the contact is simply left unanswered
                linkage_services.move_linkage(
                    actor=None,
                    linkage=linkage,
                    to_stage=Stage.DECLINED,
                    at=_at(contacted_on + dt.timedelta(days=9)),
                    system=True,
                )
            return
        meeting_on = contacted_on + dt.timedelta(days=rng.randint(7, 21))
        linkage_services.move_linkage(
            actor=None, linkage=linkage, to_stage=Stage.MEETING, at=_at(meeting_on), system=True
        )
        if not wins:
            return
        negotiation_on = meeting_on + dt.timedelta(days=rng.randint(5, 20))
        linkage_services.move_linkage(
            actor=None, linkage=linkage, to_stage=Stage.NEGOTIATION, at=_at(negotiation_on), system=True
        )
        order_on = negotiation_on + dt.timedelta(days=rng.randint(10, 40))
        value = Decimal(requirement.estimated_annual_value or 10000) / 4
        while order_on <= self.today:
            linkage_services.record_transaction(
                actor=None,
                linkage=linkage,
                date=order_on,
                value=value.quantize(Decimal("0.01")),
                currency="USD",
                description=requirement.title[:200],
                system=True,
            )
            self.created["transactions"] += 1
            if rng.random() < 0.35:  # a third of the buyers stop ordering after a while
                break
            order_on += dt.timedelta(days=rng.randint(60, 150))
            value *= Decimal(str(round(rng.uniform(0.9, 1.3), 2)))


def seed_history(*, today: dt.date, stage: ProgressStage | None = None) -> dict[str, int]:
    return HistoryWriter(today=today, stage=stage).write()
