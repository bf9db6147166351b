"""Estimates a supplier-development programme's effect on one KPI, plain Python, NumPy and scikit-learn, no Django.

The question: by how much did participants' KPI change *because of* the programme? Participants' own before/after
change mixes the programme with everything else that moved (the market, catch-up of weak firms, ...), and
participants are rarely a random draw (agencies enrol the small and the weak). So each participant is compared with
comparison suppliers that looked like it before the programme, and the estimate is a difference in differences on
the matched sample, the average effect on the participants (ATT)::

    ATT = mean over matched participants i of [ (follow_up_i − baseline_i)
                                                − mean over i's matches j of (follow_up_j − baseline_j) ]

Input is one ``SupplierObservation`` per supplier (the caller reads them from the database): whether it took part,
its matching covariates (ISIC division, size class, region, and the baseline value itself), the KPI before (for a
participant: before its improvement plan) and after (6 or 12 months after; for a non-participant: measured at
comparable dates). ``follow_up=None`` means not measured yet: such suppliers are dropped and counted; NaN or
infinite values are errors (``ValueError`` naming the supplier), as are duplicate suppliers.

Matching, with replacement (a comparison supplier may serve several participants):

- exact on the sector where possible: a participant is matched among the comparison suppliers of its own ISIC
  division when the division has any, otherwise among all of them (counted in ``matched_outside_sector``);
- ``method="nearest"``: the ``neighbours`` nearest by Euclidean distance (scikit-learn ``NearestNeighbors``) on the
  size class and region (one-hot, scaled so that a differing class weighs as much as one standard deviation of the
  baseline) and the baseline value (standardised over both groups); no caliper;
- ``method="propensity"``: a ``LogisticRegression`` of participation on size class, region (one-hot) and the
  standardised baseline (the sector is matched exactly already); the ``neighbours`` nearest on the logit of the
  score, within a caliper of 0.2 standard deviations of the logit (pooled over the two groups, Austin 2011). A
  participant with no comparison supplier within the caliper is dropped and counted (``unmatched``), also when its
  sector has comparison suppliers but none close enough; one with fewer than ``neighbours`` uses those it has.

Bias adjustment (Abadie and Imbens 2011): matches are never exact on the baseline, and where comparison suppliers
are scarce not on size or region either; when the KPI's trend depends on them (weak firms catch up, micro-firms
grow faster), what is left of the difference biases the plain matched DiD. So each match's change is adjusted by
the difference a regression of the change on the covariates predicts between the participant and the match,
``mu(X_i) − mu(X_j)``, fitted over the comparison pool (ridge, penalty 1 on standardised baseline and one-hot
sector, size and region, so that a class held by a single supplier cannot be fitted exactly). ``comparison_change``
is the adjusted counterfactual change (so ``participant_change − comparison_change == att``); ``adjustment`` says
how much of it the regression contributed.

Interval — the matches are kept, the suppliers resampled within groups. Re-matching in every replicate is not
valid for nearest-neighbour matching with a fixed number of neighbours (Abadie and Imbens 2008): a replicate holds
only about 63 % of the distinct comparison suppliers, so its matches are worse and its bias larger (on the test's
design, 1 neighbour, no bias adjustment, re-matched 95 % intervals covered the true effect in 86 of 100 samples).
Resampling the participants with their fixed matches would ignore that, matching with replacement, one comparison
supplier's noise enters every participant it serves. So the estimate is written as a sum over suppliers (the
linear form whose weighted bootstrap Otsu and Rai 2017 show valid, with the bias adjustment, for matching on
several covariates)::

    ATT = 1/N1 · [ Σ_participants (Δ_i − mu(X_i))  −  Σ_comparison K_j · (Δ_j − mu(X_j)) ]

where ``K_j`` is how many participants comparison supplier j stands for (each participant spreads one over its
matches), and each replicate draws the participants' terms among the participants and the comparison suppliers'
terms among the comparison pool, with replacement; the percentile interval of the replicates is reported. A
comparison supplier used by many participants thus weighs ``K_j²`` in the variance, as it should. The comparison
residuals are scaled up by ``sqrt(n / (n − df))`` for the degrees of freedom the regression used. The matches and
the propensity model are held fixed (the matched set is the design, as in the pairs bootstrap). Checked by
simulation (200 samples each, 1 and 3 neighbours, both methods): on the tests' design (200 participants selected on
size, region and a low baseline, 600 others, catch-up trend) bias ≤ 0.03, bootstrap SE within 5 % of the estimates'
spread, 95 % coverage 0.925–0.96; with a curved trend, sector trends and effects varying by size (60 and 300
suppliers) bias ≤ 0.94 (half an SE), coverage 0.925–0.965.

Verdict: ``too_few`` when fewer than ``min_group`` participants or comparison suppliers have a follow-up, or fewer
than ``min_group`` participants found a match or distinct comparison suppliers were used (no estimate, no interval;
``reason_codes`` say which, for the caller to word in the reader's language); otherwise ``increase`` / ``decrease``
when the interval lies above / below zero, else ``no_clear_change``. The estimator is sign-neutral:
``better_when_lower`` (unit cost, defect rate, lead time) is carried into the result so the wording can say
"improved" (``ImpactEstimate.improved``).

Deterministic for a given ``seed`` and invariant to the order of the observations (they are put in supplier order
first); adding a constant to every baseline and follow-up leaves the matches, the ATT and the interval unchanged
(exactly for integer-valued data: the baseline is centred on its median, and its standardised value rounded to 1e-9
SD so that floating-point noise cannot reorder tied candidates).
"""

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors

NEAREST = "nearest"
PROPENSITY = "propensity"
METHODS = (NEAREST, PROPENSITY)

TOO_FEW = "too_few"
INCREASE = "increase"  # the interval lies above zero
DECREASE = "decrease"  # the interval lies below zero
NO_CLEAR_CHANGE = "no_clear_change"  # the interval covers zero

# Why an estimate is TOO_FEW (``ImpactEstimate.reason_codes``), each with the count it refers to:
REASON_FEW_PARTICIPANTS = "few_participants"  # participants_with_follow_up < min_group
REASON_FEW_COMPARISON = "few_comparison"  # comparison_with_follow_up < min_group
REASON_FEW_MATCHED = "few_matched"  # participants (that found a comparable supplier) < min_group
REASON_FEW_MATCHES = "few_matches"  # comparison (distinct suppliers matched) < min_group
REASONS = (REASON_FEW_PARTICIPANTS, REASON_FEW_COMPARISON, REASON_FEW_MATCHED, REASON_FEW_MATCHES)

CALIPER_SD = 0.2  # caliper on the propensity logit, in pooled standard deviations of the logit
RIDGE_PENALTY = 1.0  # of the bias-adjustment regression
MIN_BOOTSTRAP = 100
_Z_DECIMALS = 9
_DRAWS_PER_CHUNK = 2_000_000  # bootstrap draws held in memory at once


@dataclass(frozen=True, slots=True)
class SupplierObservation:
    supplier_id: Hashable  # unique; ints, strings, or any mutually comparable ids
    treated: bool  # took part in the programme
    sector: str  # ISIC division, e.g. "10"
    size_class: str  # e.g. "micro", "small", "medium"
    region: str
    baseline: float  # the KPI before (participants: before the improvement plan)
    follow_up: float | None  # the KPI after (6/12 months); None: not measured yet


@dataclass(frozen=True, slots=True)
class Match:
    participant_id: Hashable
    comparison_ids: tuple  # nearest first
    same_sector: bool


@dataclass(frozen=True)
class ImpactEstimate:
    method: str
    neighbours: int
    confidence: float
    bootstrap: int
    better_when_lower: bool
    verdict: str  # TOO_FEW, INCREASE, DECREASE or NO_CLEAR_CHANGE
    # Why TOO_FEW, as codes (REASON_*) the caller words in the reader's language with the group sizes below and
    # ``min_group``; empty otherwise. No words here: this module stays free of Django and its translations.
    reason_codes: tuple[str, ...]
    min_group: int
    # Group sizes
    participants: int  # matched participants the estimate uses
    comparison: int  # distinct comparison suppliers the estimate uses
    participants_with_follow_up: int
    comparison_with_follow_up: int  # the pool matched from
    participants_missing_follow_up: int  # dropped
    comparison_missing_follow_up: int  # dropped
    unmatched: int  # participants with no comparison supplier within the caliper, dropped
    matched_outside_sector: int  # participants whose sector had no comparison supplier at all
    # Changes (follow-up − baseline). With an estimate: over the matched participants and their matches (weighted as
    # in the ATT), so participant_change − comparison_change == att. With too_few: participant_change is the plain
    # before/after of all participants with a follow-up, and the comparison figures are None.
    participant_baseline: float | None
    participant_change: float | None
    participant_change_pct: float | None  # per cent of |mean baseline|; None when the mean baseline is 0
    comparison_baseline: float | None  # the matches' mean baseline, weighted as in the ATT
    comparison_change: float | None  # the counterfactual change: the matches' change, bias-adjusted
    comparison_change_pct: float | None
    adjustment: float | None  # the part of comparison_change that is the bias adjustment
    att: float | None  # the difference in differences, in the KPI's units
    att_pct: float | None  # per cent of the participants' |mean baseline|
    interval: tuple[float, float] | None  # percentile bootstrap interval of the ATT at ``confidence``
    standard_error: float | None  # standard deviation of the bootstrap replicates
    # Balance of the baseline: standardised mean difference (participants − comparison) over the pooled standard
    # deviation of the two groups before matching, before and after matching (|SMD| < 0.1 is the usual target).
    balance_before: float | None
    balance_after: float | None
    caliper: float | None  # on the logit, propensity method only
    matches: tuple[Match, ...] = ()
    unmatched_ids: tuple = ()
    missing_follow_up_ids: tuple = ()

    @property
    def excludes_zero(self) -> bool | None:
        return None if self.verdict == TOO_FEW else self.verdict != NO_CLEAR_CHANGE

    @property
    def improved(self) -> bool | None:
        """True/False when the interval lies on the good/bad side of zero for this KPI; None otherwise."""
        if self.verdict not in (INCREASE, DECREASE):
            return None
        return (self.verdict == INCREASE) != self.better_when_lower


def estimate_impact(
    observations: Iterable[SupplierObservation],
    *,
    method: str = NEAREST,
    neighbours: int = 1,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    min_group: int = 5,
    better_when_lower: bool = False,
) -> ImpactEstimate:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    _whole("neighbours", neighbours, 1)
    _whole("bootstrap", bootstrap, MIN_BOOTSTRAP)
    _whole("min_group", min_group, 1)
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")

    rows = _validated(observations)
    missing = [o for o in rows if o.follow_up is None]
    t_rows = [o for o in rows if o.follow_up is not None and o.treated]
    c_rows = [o for o in rows if o.follow_up is not None and not o.treated]
    result = {
        "method": method,
        "neighbours": neighbours,
        "confidence": float(confidence),
        "bootstrap": bootstrap,
        "better_when_lower": bool(better_when_lower),
        "participants_with_follow_up": len(t_rows),
        "comparison_with_follow_up": len(c_rows),
        "participants_missing_follow_up": sum(o.treated for o in missing),
        "comparison_missing_follow_up": sum(not o.treated for o in missing),
        "missing_follow_up_ids": tuple(o.supplier_id for o in missing),
    }
    short = []
    if len(t_rows) < min_group:
        short.append(REASON_FEW_PARTICIPANTS)
    if len(c_rows) < min_group:
        short.append(REASON_FEW_COMPARISON)
    if short:
        return _too_few(result, t_rows, min_group, short)

    n_t = len(t_rows)
    baseline = np.array([o.baseline for o in t_rows + c_rows])
    change = np.array([o.follow_up for o in t_rows + c_rows]) - baseline
    sector = np.array([o.sector for o in t_rows + c_rows], dtype=object)
    z = _standardised(baseline)
    hot = {attr: _one_hot([getattr(o, attr) for o in t_rows + c_rows]) for attr in ("sector", "size_class", "region")}
    covariates = np.hstack([z[:, None], hot["sector"], hot["size_class"], hot["region"]])
    balance_sd = _pooled_sd(baseline[:n_t], baseline[n_t:])

    caliper = None
    if method == NEAREST:
        # Two one-hot vectors that differ are √2 apart: scaled so that a differing class weighs one baseline SD.
        features = np.hstack([z[:, None], math.sqrt(0.5) * hot["size_class"], math.sqrt(0.5) * hot["region"]])
    else:
        # The sector is matched exactly; the score weighs the rest (a sector's own level would only push a sector
        # without comparison suppliers out of every caliper).
        x = np.hstack([z[:, None], hot["size_class"], hot["region"]])
        treated = np.r_[np.ones(n_t), np.zeros(len(c_rows))]
        logit = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=1000).fit(x, treated).decision_function(x)
        features = logit[:, None]
        caliper = CALIPER_SD * _pooled_sd(logit[:n_t], logit[n_t:])

    matches, same_sector = _match(features[:n_t], features[n_t:], sector[:n_t], sector[n_t:], neighbours, caliper)
    count = (matches >= 0).sum(axis=1)
    matched = count > 0
    # How many participants each comparison supplier stands for: a participant spreads one over its matches.
    uses = np.zeros(len(c_rows) + 1)
    np.add.at(uses, matches[matched], (matches[matched] >= 0) / count[matched, None])
    uses = uses[:-1]
    t_ids = [o.supplier_id for o in t_rows]
    c_ids = [o.supplier_id for o in c_rows]
    result.update(
        participants=int(matched.sum()),
        comparison=int((uses > 0).sum()),
        unmatched=int((~matched).sum()),
        unmatched_ids=tuple(t_ids[i] for i in np.flatnonzero(~matched)),
        matched_outside_sector=int((matched & ~same_sector).sum()),
        caliper=caliper,
        balance_before=_smd(baseline[:n_t].mean(), baseline[n_t:].mean(), balance_sd),
        matches=tuple(
            Match(t_ids[i], tuple(c_ids[j] for j in matches[i] if j >= 0), bool(same_sector[i]))
            for i in np.flatnonzero(matched)
        ),
    )
    short = []
    if result["participants"] < min_group:
        short.append(REASON_FEW_MATCHED)
    if result["comparison"] < min_group:
        short.append(REASON_FEW_MATCHES)
    if short:
        return _too_few(result, t_rows, min_group, short)

    n1 = int(matched.sum())
    weights = uses / n1  # of each comparison supplier in the counterfactual
    predicted, df = _ridge(covariates[n_t:], change[n_t:], covariates)
    t_residual = (change[:n_t] - predicted[:n_t])[matched]
    c_residual = change[n_t:] - predicted[n_t:]
    t_change = float(change[:n_t][matched].mean())
    t_base = float(baseline[:n_t][matched].mean())
    c_base = float(weights @ baseline[n_t:])
    raw_c_change = float(weights @ change[n_t:])
    att = float(t_residual.sum() - uses @ c_residual) / n1
    c_change = t_change - att
    dof_scale = math.sqrt(len(c_rows) / (len(c_rows) - df)) if len(c_rows) - df > 1 else math.sqrt(len(c_rows))
    replicates = _bootstrap(t_residual, -uses * c_residual * dof_scale, att, n1, bootstrap, seed)
    low, high = (float(v) for v in np.percentile(replicates, [50 * (1 - confidence), 50 * (1 + confidence)]))
    verdict = INCREASE if low > 0 else DECREASE if high < 0 else NO_CLEAR_CHANGE
    return ImpactEstimate(
        **result,
        verdict=verdict,
        reason_codes=(),
        min_group=min_group,
        participant_baseline=t_base,
        participant_change=t_change,
        participant_change_pct=_pct(t_change, t_base),
        comparison_baseline=c_base,
        comparison_change=c_change,
        comparison_change_pct=_pct(c_change, c_base),
        adjustment=c_change - raw_c_change,
        att=att,
        att_pct=_pct(att, t_base),
        interval=(low, high),
        standard_error=float(replicates.std(ddof=1)),
        balance_after=_smd(t_base, c_base, balance_sd),
    )


# --- Input ---------------------------------------------------------------------------------------------------------


def _whole(name: str, value, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ValueError(f"{name} must be a whole number ≥ {least}, not {value!r}")


def _validated(observations: Iterable[SupplierObservation]) -> list[SupplierObservation]:
    rows = []
    seen = set()
    for o in observations:
        if not isinstance(o, SupplierObservation):
            raise ValueError(f"expected SupplierObservation records, got {type(o).__name__}")
        if o.supplier_id in seen:
            raise ValueError(f"supplier {o.supplier_id!r} appears more than once")
        seen.add(o.supplier_id)
        baseline = _number(o.baseline, o.supplier_id, "baseline")
        if baseline is None:
            raise ValueError(f"supplier {o.supplier_id!r}: the baseline is missing")
        rows.append(
            SupplierObservation(
                supplier_id=o.supplier_id,
                treated=bool(o.treated),
                sector=str(o.sector),
                size_class=str(o.size_class),
                region=str(o.region),
                baseline=baseline,
                follow_up=_number(o.follow_up, o.supplier_id, "follow-up"),
            )
        )
    try:
        return sorted(rows, key=lambda o: o.supplier_id)
    except TypeError:  # ids of several types: by type, then within
        return sorted(rows, key=lambda o: (type(o.supplier_id).__name__, o.supplier_id))


def _number(value, supplier_id, what: str) -> float | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool | str | bytes):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"supplier {supplier_id!r}: the {what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"supplier {supplier_id!r}: the {what} is not a finite number ({value!r})")
    return number


# --- Covariates and matching ---------------------------------------------------------------------------------------


def _standardised(values: np.ndarray) -> np.ndarray:
    """Centred on the median (exact under a shift of integer-valued data), over the standard deviation, rounded to
    1e-9 SD so that floating-point noise cannot reorder tied candidates."""
    centred = values - np.median(values)
    sd = centred.std()
    return np.round(centred / sd, _Z_DECIMALS) if sd > 0 else np.zeros_like(centred)


def _one_hot(values: list[str]) -> np.ndarray:
    levels = sorted(set(values))
    column = {v: i for i, v in enumerate(levels)}
    out = np.zeros((len(values), len(levels)))
    out[np.arange(len(values)), [column[v] for v in values]] = 1.0
    return out


def _nearest(t_features: np.ndarray, c_features: np.ndarray, k: int, caliper: float | None) -> np.ndarray:
    """Each participant's k nearest comparison suppliers (indices into ``c_features``), nearest first; -1 beyond
    the caliper or the pool."""
    out = np.full((len(t_features), k), -1, dtype=np.int64)
    reach = min(k, len(c_features))
    distance, index = NearestNeighbors(n_neighbors=reach, algorithm="kd_tree").fit(c_features).kneighbors(t_features)
    out[:, :reach] = index if caliper is None else np.where(distance <= caliper, index, -1)
    return out


def _match(t_features, c_features, t_sector, c_sector, k: int, caliper: float | None):
    """Within the participant's sector when the sector has comparison suppliers (the caliper applies there too),
    else among all of them."""
    matches = np.full((len(t_features), k), -1, dtype=np.int64)
    same_sector = np.zeros(len(t_features), dtype=bool)
    for sector in sorted(set(t_sector)):
        t_index = np.flatnonzero(t_sector == sector)
        c_index = np.flatnonzero(c_sector == sector)
        if len(c_index):
            local = _nearest(t_features[t_index], c_features[c_index], k, caliper)
            matches[t_index] = np.where(local >= 0, c_index[np.maximum(local, 0)], -1)
            same_sector[t_index] = True
    if not same_sector.all():
        elsewhere = np.flatnonzero(~same_sector)
        matches[elsewhere] = _nearest(t_features[elsewhere], c_features, k, caliper)
    return matches, same_sector


# --- Estimation ----------------------------------------------------------------------------------------------------


def _ridge(x: np.ndarray, y: np.ndarray, x_new: np.ndarray) -> tuple[np.ndarray, float]:
    """Ridge regression of y on x (intercept unpenalised); the predictions at ``x_new`` and the effective degrees of
    freedom of the fit."""
    x_mean, y_mean = x.mean(axis=0), y.mean()
    u, s, vt = np.linalg.svd(x - x_mean, full_matrices=False)
    shrink = s / (s**2 + RIDGE_PENALTY)
    coef = vt.T @ (shrink * (u.T @ (y - y_mean)))
    df = 1.0 + float((s**2 / (s**2 + RIDGE_PENALTY)).sum())
    return y_mean + (x_new - x_mean) @ coef, df


def _bootstrap(t_terms: np.ndarray, c_terms: np.ndarray, att: float, n1: int, replicates: int, seed: int):
    """Replicates of ATT = (Σ t_terms + Σ c_terms) / n1, each group's terms drawn with replacement within the group,
    centred on the estimate."""
    rng = np.random.default_rng(seed)
    t_terms = t_terms - t_terms.mean()
    c_terms = c_terms - c_terms.mean()
    out = np.empty(replicates)
    chunk = max(1, _DRAWS_PER_CHUNK // (len(t_terms) + len(c_terms)))
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        t_sum = t_terms[rng.integers(0, len(t_terms), (size, len(t_terms)))].sum(axis=1)
        c_sum = c_terms[rng.integers(0, len(c_terms), (size, len(c_terms)))].sum(axis=1)
        out[start : start + size] = att + (t_sum + c_sum) / n1
    return out


# --- Small helpers -------------------------------------------------------------------------------------------------


def _too_few(result: dict, t_rows, min_group: int, short: list[str]) -> ImpactEstimate:
    t_base = float(np.mean([o.baseline for o in t_rows])) if t_rows else None
    t_change = float(np.mean([o.follow_up - o.baseline for o in t_rows])) if t_rows else None
    defaults = {
        "participants": 0,
        "comparison": 0,
        "unmatched": 0,
        "matched_outside_sector": 0,
        "balance_before": None,
        "caliper": None,
    }
    return ImpactEstimate(
        **{**defaults, **result},
        verdict=TOO_FEW,
        reason_codes=tuple(short),
        min_group=min_group,
        participant_baseline=t_base,
        participant_change=t_change,
        participant_change_pct=None if t_base is None else _pct(t_change, t_base),
        comparison_baseline=None,
        comparison_change=None,
        comparison_change_pct=None,
        adjustment=None,
        att=None,
        att_pct=None,
        interval=None,
        standard_error=None,
        balance_after=None,
    )


def _pooled_sd(a: np.ndarray, b: np.ndarray) -> float:
    var_a = a.var(ddof=1) if len(a) > 1 else 0.0
    var_b = b.var(ddof=1) if len(b) > 1 else 0.0
    return float(math.sqrt((var_a + var_b) / 2))


def _smd(mean_t: float, mean_c: float, sd: float) -> float:
    difference = float(mean_t - mean_c)
    if sd > 0:
        return difference / sd
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


def _pct(change: float, baseline: float) -> float | None:
    return None if baseline == 0 else 100.0 * change / abs(baseline)
