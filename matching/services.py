"""Every write about matching: runs requested and executed, shortlists, contacting a supplier, rankers trained.

A run is a row before it is a message: ``request_match_run`` writes it and queues its task only after commit, so
a rolled-back request queues nothing and a broker outage leaves a queued row that ``requeue_stalled_runs`` sends
again. ``execute_match_run`` is idempotent: a run already finished is left alone, and its matches and status are
written in one transaction, so a redelivered message (a killed worker, late acknowledgement) simply runs it again.
"""

import datetime as dt
import logging
import math
from dataclasses import replace

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import acts_for_verified_buyer, is_agency_staff
from buyers.models import Requirement
from core import jobs
from core.updates import update_fields
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from suppliers import selectors as supplier_selectors
from suppliers.models import SupplierProfile

from . import selectors
from .engine import constraints
from .engine.evaluation import ComparisonTable, EvaluationOptions, compare, quantile_cutoff, time_split
from .engine.learning import relevant_suppliers, train_and_evaluate
from .engine.ranker import RankingResult, rank
from .engine.scoring import DefaultScorer
from .models import Match, MatchingPolicy, MatchRun, Opportunity, RankerModel, ShortlistEntry
from .signals import match_run_finished
from .state import engine_state, models_dir, today

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = MatchRun.max_attempts
# A supplier's own inbox is refreshed this soon after its change (changes made meanwhile ride along), and a pending
# mark outlives a lost message by the grace before a new change may queue another.
OPPORTUNITY_REFRESH_DELAY_SECONDS = 5
OPPORTUNITY_REFRESH_GRACE_SECONDS = 60


# -- runs ----------------------------------------------------------------------------------------------------------


def _enqueue(run_id: int) -> None:
    """Send run ``run_id`` to the workers now; a broker that is down leaves it queued for beat (core.jobs)."""
    from .tasks import match_requirement  # tasks import services: import here to keep the graph acyclic

    jobs.enqueue(MatchRun, run_id, match_requirement)


def request_match_run(
    *, requirement: Requirement, trigger: str = MatchRun.Trigger.REQUESTED, requested_by=None
) -> tuple[MatchRun, bool]:
    """A queued run for ``requirement``: an existing queued one if there is one (then ``created`` is False)."""
    with transaction.atomic():
        Requirement.objects.select_for_update().filter(pk=requirement.pk).first()  # serialise concurrent requests
        waiting = requirement.match_runs.filter(status=MatchRun.Status.QUEUED, attempts=0).first()
        if waiting is not None:
            return waiting, False
        run = MatchRun.objects.create(
            requirement=requirement,
            trigger=trigger,
            requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
        )
        jobs.enqueue_after_commit(run, _enqueue)
    return run, True


def request_run_by(*, actor, requirement: Requirement) -> MatchRun:
    if not selectors.may_request_run(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff may match this requirement."))
    if requirement.status in (Requirement.Status.CLOSED, Requirement.Status.AWARDED):
        raise ValidationError({"status": [_("A closed or awarded requirement is not matched again.")]})
    run, _created = request_match_run(requirement=requirement, requested_by=actor)
    return run


def _gaps_payload(match) -> list[dict]:
    return [gap.as_dict() for gap in sorted(match.gaps, key=lambda gap: -gap.gain)]


def _write_result(run_id: int, result: RankingResult, *, fits: dict[int, dict] | None = None) -> MatchRun:
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status == MatchRun.Status.SUCCEEDED:
            return run  # a duplicate delivery finished first: keep its result
        ids = {*result.supplier_ids(), *(fits or ())}
        # A supplier deleted since the engine's last refresh is dropped rather than failing the whole run.
        existing = set(SupplierProfile.objects.filter(pk__in=ids).values_list("pk", flat=True))
        run.matches.all().delete()
        rank_ = 0
        rows = []
        for match in result.matches:
            if match.supplier_id not in existing:
                continue
            rank_ += 1
            rows.append(
                Match(
                    run=run,
                    supplier_id=match.supplier_id,
                    rank=rank_,
                    score=match.score,
                    components=match.components,
                    features=match.features,
                    gaps=_gaps_payload(match),
                    newcomer=match.newcomer,
                )
            )
        Match.objects.bulk_create(rows)
        if fits:
            fits = {pk: fit for pk, fit in fits.items() if pk in existing}
            _store_opportunities(requirement_id=run.requirement_id, fits=fits, model_version=result.model_version)
        jobs.finish(
            run,
            status=MatchRun.Status.SUCCEEDED,
            engine_version=result.engine_version,
            model_version=result.model_version,
            candidates=result.candidates,
            eligible=result.eligible,
            excluded=result.excluded,
            excluded_by_reason=result.excluded_by_reason,
            timings_ms=result.timings_ms,
            error="",
        )
        transaction.on_commit(lambda: match_run_finished.send(sender=MatchRun, run=run))
    return run


def execute_match_run(*, run_id: int) -> MatchRun | None:
    """Run the engine for a queued run and store its matches; a finished run is returned untouched."""
    run = MatchRun.objects.select_related("requirement").filter(pk=run_id).first()
    if run is None:
        logger.warning("matching: run %s no longer exists", run_id)
        return None
    if run.finished:
        return run
    claimed = jobs.claim(MatchRun, run_id, started_at=timezone.now())
    if claimed is None:
        return MatchRun.objects.filter(pk=run_id).first()  # finished meanwhile, or another worker is on it
    with jobs.heartbeating(claimed):
        return _rank_and_store(run_id=run_id, run=run)


def _rank_and_store(*, run_id: int, run: MatchRun) -> MatchRun | None:
    requirement = Requirement.objects.prefetch_related(None).get(pk=run.requirement_id)
    started = timezone.now()
    snapshot = engine_state.snapshot()
    record = selectors.requirement_record(requirement)
    try:
        # One pass ranks deep enough for the suppliers' inboxes; the buyer's list keeps the first MATCHING_TOP_K.
        deep = rank(
            requirement=record,
            candidates=snapshot.candidates,
            index=snapshot.index,
            history=snapshot.history,
            scorer=snapshot.scorer,
            today=today(),
            top_k=max(settings.MATCHING_TOP_K, settings.MATCHING_OPPORTUNITY_DEPTH),
            newcomer_slots=selectors.newcomer_slots(),
        )
        fits = _requirement_fits(requirement=requirement, record=record, snapshot=snapshot, result=deep)
    except ValueError as exc:  # bad data, not a transient fault: retrying would fail the same way
        logger.exception("matching: run %s failed", run_id)
        return fail_match_run(run_id=run_id, error=str(exc))
    result = replace(deep, matches=deep.matches[: settings.MATCHING_TOP_K])
    result.timings_ms["refresh"] = round(
        (timezone.now() - started).total_seconds() * 1000 - result.timings_ms["total"], 3
    )
    return _write_result(run_id, result, fits=fits)


def fail_match_run(*, run_id: int, error: str) -> MatchRun | None:
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == MatchRun.Status.SUCCEEDED:
            return run
        return jobs.finish(run, status=MatchRun.Status.FAILED, error=error[:2000])


def requeue_stalled_runs() -> int:
    """Send again the runs nobody finished (broker down when queued, or a worker lost mid-run); core.jobs says when."""
    return jobs.requeue_stalled(MatchRun, send=_enqueue)


def rematch_open_requirements(*, trigger: str = MatchRun.Trigger.SUPPLIERS_CHANGED) -> int:
    """Queue a run for every open requirement (one task each, so workers share them out)."""
    count = 0
    for requirement in Requirement.objects.filter(status=Requirement.Status.OPEN).order_by("pk"):
        _run, created = request_match_run(requirement=requirement, trigger=trigger)
        count += created
    return count


def run_now(*, requirement: Requirement, trigger: str = MatchRun.Trigger.COMMAND) -> MatchRun:
    """Create and execute a run in this process (the batch command and the demo seeder)."""
    run = MatchRun.objects.create(requirement=requirement, trigger=trigger)
    return execute_match_run(run_id=run.pk)


def rank_query(*, record, top_k: int | None = None) -> tuple[RankingResult, list[dict]]:
    """Rank suppliers for a query that is no stored requirement (a buyer's demand forecast) with this process's
    engine state, exactly as a requirement's run does; stores nothing, the caller keeps what it needs.

    Returns the result and, per match in order, its supplier id, score, components and gaps as stored for a match.
    """
    snapshot = engine_state.snapshot()
    result = rank(
        requirement=record,
        candidates=snapshot.candidates,
        index=snapshot.index,
        history=snapshot.history,
        scorer=snapshot.scorer,
        today=today(),
        top_k=top_k or settings.MATCHING_TOP_K,
        newcomer_slots=selectors.newcomer_slots(),
    )
    rows = [
        {
            "supplier_id": match.supplier_id,
            "score": match.score,
            "components": match.components,
            "gaps": _gaps_payload(match),
        }
        for match in result.matches
    ]
    return result, rows


# -- the buyer's actions on a shortlist ------------------------------------------------------------------------------


def _require_buyer_side(actor, requirement: Requirement) -> None:
    """Shortlisting and contacting are buyer powers: agency staff, or an owner or member of the requirement's
    buyer once agency staff have verified it (a pending MNC has none, whatever it declared itself to be)."""
    if not selectors.may_request_run(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff work on this shortlist."))
    if not is_agency_staff(actor) and not acts_for_verified_buyer(actor, requirement.buyer, editing=True):
        raise PermissionDenied(
            _("Shortlisting and contacting suppliers wait until agency staff verify your organisation.")
        )


def set_shortlisted(*, actor, requirement: Requirement, supplier: SupplierProfile, shortlisted: bool) -> bool:
    _require_buyer_side(actor, requirement)
    if shortlisted:
        ShortlistEntry.objects.get_or_create(requirement=requirement, supplier=supplier, defaults={"added_by": actor})
    else:
        ShortlistEntry.objects.filter(requirement=requirement, supplier=supplier).delete()
    return shortlisted


def contact_supplier(*, actor, requirement: Requirement, supplier: SupplierProfile, note: str = "") -> Linkage:
    """Start (or find) the linkage of this requirement's buyer with the supplier, at "contacted"."""
    _require_buyer_side(actor, requirement)
    linkage, created = linkage_services.create_linkage(
        actor=actor,
        buyer=requirement.buyer,
        supplier=supplier,
        requirement=requirement,
        source=Linkage.Source.MATCH,
        stage=Stage.CONTACTED,
        note=note,
    )
    if created:
        ShortlistEntry.objects.get_or_create(requirement=requirement, supplier=supplier, defaults={"added_by": actor})
    return linkage


# -- opportunities ---------------------------------------------------------------------------------------------------

# Exclusions worth telling a supplier about in its inbox: it can act on them (a certificate) or they explain why a
# requirement in its line of work is closed to it. Not published, rejected or outside the categories are not shown
# as opportunities at all.
TOLD_EXCLUSIONS = (
    constraints.MISSING_MANDATORY_CERTIFICATION,
    constraints.OUTSIDE_DELIVERY_COUNTRY,
    constraints.OUTSIDE_DELIVERY_REGION,
)
SILENT_EXCLUSIONS = (constraints.NOT_PUBLISHED, constraints.REJECTED, constraints.OUTSIDE_CATEGORIES)


def _eligible_fit(match) -> dict:
    return {
        "eligible": True,
        "score": match.score,
        "components": match.components,
        "gaps": _gaps_payload(match),
        "excluded_because": [],
    }


def _excluded_fit(reasons: list[str]) -> dict:
    return {"eligible": False, "score": 0.0, "components": {}, "gaps": [], "excluded_because": reasons}


def _exclusions(*, record, candidates, limit: int | None, told_only: bool) -> dict[int, list[str]]:
    """Supplier id → the reasons that exclude it, for the excluded suppliers among ``candidates``.

    ``told_only`` keeps only suppliers excluded by reasons worth telling (none silent), the closest to the
    requirement's categories first, at most ``limit`` of them.
    """
    failing = constraints.failures(requirement=record, candidates=candidates, today=today())
    excluded = np.zeros(candidates.size, dtype=bool)
    for mask in failing.values():
        excluded |= np.asarray(mask, dtype=bool)
    if told_only:
        for reason in SILENT_EXCLUSIONS:
            if reason in failing:
                excluded &= ~np.asarray(failing[reason], dtype=bool)
    rows = np.flatnonzero(excluded)
    if limit is not None and len(rows) > limit:
        closeness = candidates.category_closeness(record.categories) if record.categories else np.zeros(len(rows))
        closeness = closeness[rows] if record.categories else closeness
        rows = rows[np.lexsort((candidates.supplier_ids[rows], -closeness))[:limit]]
    reasons = [reason for reason in constraints.REASONS if reason in failing]
    return {int(candidates.supplier_ids[row]): [reason for reason in reasons if failing[reason][row]] for row in rows}


def _fits_of(*, record, snapshot, supplier_ids: list[int]) -> dict[int, dict]:
    """The fit of each of ``supplier_ids`` (that the engine knows) for one requirement, eligible or not."""
    if not supplier_ids:
        return {}
    result = rank(
        requirement=record,
        candidates=snapshot.candidates,
        index=snapshot.index,
        history=snapshot.history,
        scorer=snapshot.scorer,
        today=today(),
        restrict_to=supplier_ids,
    )
    fits = {match.supplier_id: _eligible_fit(match) for match in result.matches}
    rows = snapshot.candidates.rows_of(supplier_ids)
    others = snapshot.candidates.take(rows[rows >= 0])
    for supplier_id, reasons in _exclusions(record=record, candidates=others, limit=None, told_only=False).items():
        fits.setdefault(supplier_id, _excluded_fit(reasons))
    return fits


def _store_opportunities(*, requirement_id: int, fits: dict[int, dict], model_version: str) -> None:
    moment = timezone.now()
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                requirement_id=requirement_id,
                supplier_id=supplier_id,
                model_version=model_version,
                computed_at=moment,
                **fit,
            )
            for supplier_id, fit in fits.items()
        ],
        update_conflicts=True,
        unique_fields=["requirement", "supplier"],
        update_fields=["eligible", "score", "components", "gaps", "excluded_because", "model_version", "computed_at"],
        batch_size=500,
    )


def _requirement_fits(*, requirement: Requirement, record, snapshot, result: RankingResult) -> dict[int, dict]:
    """What a requirement's run tells suppliers: the fit of the best-ranked, of those excluded by something worth
    telling, and a fresh look at every supplier that already had a row for it (so no row goes stale)."""
    depth = settings.MATCHING_OPPORTUNITY_DEPTH
    fits = {match.supplier_id: _eligible_fit(match) for match in result.matches[:depth]}
    told = _exclusions(record=record, candidates=snapshot.candidates, limit=depth, told_only=True)
    fits.update({supplier_id: _excluded_fit(reasons) for supplier_id, reasons in told.items()})
    stored = set(requirement.opportunities.values_list("supplier_id", flat=True))
    fits.update(_fits_of(record=record, snapshot=snapshot, supplier_ids=sorted(stored - set(fits))))
    return fits


def refresh_supplier_opportunities(*, profile_id: int) -> int:
    """Work out one supplier's fit for every open requirement it may see, and store it (a worker's job).

    A profile that is not published (or was rejected) has no stored fit: buyers do not see it, and its inbox says
    so instead of showing scores from before.
    """
    profile = SupplierProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        return 0
    if not supplier_selectors.listed_profiles().filter(pk=profile_id).exists():
        Opportunity.objects.filter(supplier_id=profile_id).delete()
        return 0
    cache.delete(selectors.opportunities_pending_key(profile_id))  # a change from now on queues another refresh
    snapshot = engine_state.snapshot()
    visible = list(selectors.opportunities_for(profile=profile))
    written = 0
    for requirement in visible:
        record = selectors.requirement_record(requirement)
        fits = _fits_of(record=record, snapshot=snapshot, supplier_ids=[profile_id])
        with transaction.atomic():
            _store_opportunities(requirement_id=requirement.pk, fits=fits, model_version=snapshot.scorer.version)
        written += len(fits)
    Opportunity.objects.filter(supplier_id=profile_id).exclude(requirement__in=[r.pk for r in visible]).delete()
    return written


def request_opportunity_refresh(*, profile: SupplierProfile) -> bool:
    """Queue a refresh of ``profile``'s opportunities after this transaction; changes made before it starts ride on
    the one already queued. False when one was already pending."""
    key = selectors.opportunities_pending_key(profile.pk)
    if not cache.add(key, "pending", timeout=OPPORTUNITY_REFRESH_DELAY_SECONDS + OPPORTUNITY_REFRESH_GRACE_SECONDS):
        return False

    def send():
        from .tasks import refresh_supplier_opportunities as task

        if not jobs.send_task(task, args=(profile.pk,), countdown=OPPORTUNITY_REFRESH_DELAY_SECONDS):
            cache.delete(key)

    transaction.on_commit(send)
    return True


# -- learning ----------------------------------------------------------------------------------------------------------


HISTORY_SHARE = 0.8  # the evaluation protocol: the older 80 % of labelled requirements are history


def _evaluation_inputs(*, cutoff: dt.date | None):
    snapshot = engine_state.snapshot()
    requirements = selectors.requirement_records(Requirement.objects.exclude(status=Requirement.Status.DRAFT))
    outcomes = selectors.outcomes()
    if cutoff is None:
        labelled = {outcome.requirement_id for outcome in outcomes}
        days = [r.as_of(today()) for r in requirements if r.requirement_id in labelled]
        cutoff = quantile_cutoff(days, HISTORY_SHARE) or today()
    return snapshot, requirements, outcomes, cutoff


TRAINING_EVALUATION_SAMPLE = 1_000  # later requirements a training run evaluates on when not told (seeded draw)


def _sampled(options: EvaluationOptions | None) -> EvaluationOptions:
    options = options or EvaluationOptions()
    return options if options.sample is not None else replace(options, sample=TRAINING_EVALUATION_SAMPLE)


def _options(options: EvaluationOptions | None, cutoff: dt.date) -> EvaluationOptions:
    options = options or EvaluationOptions()
    return replace(options, history_until=options.history_until or cutoff)


def evaluate_matching(
    *, cutoff: dt.date | None = None, k: int = 10, options: EvaluationOptions | None = None
) -> tuple[ComparisonTable, dt.date]:
    """The active ranker, the default weights and the baseline on the requirements after ``cutoff``; with the
    agency's newcomer places, the active ranker once more with them (their cost in quality)."""
    snapshot, requirements, outcomes, cutoff = _evaluation_inputs(cutoff=cutoff)
    options = _options(options, cutoff)
    _earlier, later = time_split(requirements, cutoff=cutoff, date_of=lambda r: r.as_of(today()))
    scorers = {f"engine, default weights ({DefaultScorer().version})": DefaultScorer()}
    if not isinstance(snapshot.scorer, DefaultScorer):
        scorers[f"engine, learned ({snapshot.scorer.version[:18]})"] = snapshot.scorer
    table = compare(
        requirements=later,
        relevant=relevant_suppliers(outcomes, today=today()),
        candidates=snapshot.candidates,
        index=snapshot.index,
        history=snapshot.history,
        scorers=scorers,
        today=today(),
        k=k,
        options=options,
    )
    slots = options.newcomer_slots or selectors.newcomer_slots()
    if slots:
        with_slots = compare(
            requirements=later,
            relevant=relevant_suppliers(outcomes, today=today()),
            candidates=snapshot.candidates,
            index=snapshot.index,
            history=snapshot.history,
            scorers={f"active ranker, {slots} of {k} places for newcomers": snapshot.scorer},
            today=today(),
            k=k,
            include_baseline=False,
            options=replace(options, newcomer_slots=slots),
        )
        table.rows.update(with_slots.rows)
    return table, cutoff


def train_ranker(
    *, cutoff: dt.date | None = None, k: int = 10, options: EvaluationOptions | None = None
) -> RankerModel | None:
    """Train candidate rankers on the older outcomes; the best is promoted only when it beats the current scorer on
    the later ones, and a promotion re-ranks every open requirement with it."""
    snapshot, requirements, outcomes, cutoff = _evaluation_inputs(cutoff=cutoff)
    trained_at = timezone.now().replace(microsecond=0)
    try:
        report = train_and_evaluate(
            requirements=requirements,
            outcomes=outcomes,
            candidates=snapshot.candidates,
            index=snapshot.index,
            history=snapshot.history,
            current=snapshot.scorer,
            cutoff=cutoff,
            today=today(),
            trained_at=trained_at,
            k=k,
            options=_options(_sampled(options), cutoff),
        )
    except ValueError as exc:  # too few outcomes, or only one kind
        logger.info("matching: no ranker trained: %s", exc)
        return None
    artifact = f"{report.scorer.version}.joblib"
    report.scorer.save(models_dir() / artifact)
    metrics = {
        "cutoff": cutoff.isoformat(),
        "current_version": snapshot.scorer.version,
        "rows": {name: _finite(row) for name, row in report.table.rows.items()},
    }
    with transaction.atomic():
        model, _created = RankerModel.objects.update_or_create(
            version=report.scorer.version,
            defaults={
                "artifact": artifact,
                "trained_at": trained_at,
                "training_examples": report.training_examples,
                "metrics": metrics,
                "promoted": report.promote,
            },
        )
        if report.promote:
            RankerModel.objects.filter(active=True).exclude(pk=model.pk).update(active=False)
            model.active = True
            model.save(update_fields=["active"])
            # Open requirements were ranked by the model it replaces: rank them again, after commit.
            rematch_open_requirements(trigger=MatchRun.Trigger.RANKER_PROMOTED)
    logger.info("matching: trained %s (promoted: %s)\n%s", model.version, report.promote, report.table.format())
    model.table = report.table  # for the command's printout; not stored
    return model


def request_training() -> bool:
    """Train after new history arrived (an import of awards), once per debounce window; True when queued."""
    from .tasks import train_ranker as train_task

    if not cache.add("matching:train-requested", True, timeout=settings.MATCHING_TRAIN_DEBOUNCE_SECONDS):
        return False
    return jobs.send_task(train_task, countdown=settings.MATCHING_TRAIN_DEBOUNCE_SECONDS)


@transaction.atomic
def set_newcomer_slots(*, actor, slots: int) -> MatchingPolicy:
    """The agency's choice of how many of the first ten places go to newcomers; agency staff only."""
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff set the matching policy."))
    policy, _created = MatchingPolicy.objects.select_for_update().get_or_create(pk=1)
    update_fields(
        instance=policy, data={"newcomer_slots": slots, "updated_by": actor}, allowed={"newcomer_slots", "updated_by"}
    )
    return policy


def _finite(row: dict) -> dict:
    return {
        key: (value if isinstance(value, (int, float)) and math.isfinite(value) else 0.0) for key, value in row.items()
    }
