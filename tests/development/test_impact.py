"""The impact estimator without a database: a known effect recovered despite selection, a null effect not claimed,
too-small groups refused, sectors matched exactly, bad input rejected, the answer independent of order and level."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from development.impact import (
    DECREASE,
    INCREASE,
    NO_CLEAR_CHANGE,
    REASON_FEW_MATCHES,
    REASON_FEW_PARTICIPANTS,
    TOO_FEW,
    SupplierObservation,
    estimate_impact,
)

SECTORS = ("10", "13", "25", "28")
SIZES = ("micro", "small", "medium")
REGIONS = ("north", "centre", "south")


def synthetic(effect: float, *, n_treated=200, n_control=600, seed=0) -> list[SupplierObservation]:
    """Agencies enrol the small, the weak and the south; everyone's KPI drifts up, weak firms catch up and micro-firms
    grow faster, so the participants' own before/after overstates the effect and an unmatched comparison too."""
    rng = np.random.default_rng(seed)
    n = n_treated + n_control
    sector = rng.integers(0, len(SECTORS), n)
    size = rng.integers(0, len(SIZES), n)
    region = rng.integers(0, len(REGIONS), n)
    baseline = 100 + 10 * sector + 15 * size + rng.normal(0, 12, n)
    score = -1.0 * size - 0.05 * (baseline - 120) + 0.6 * (region == 2)
    treated = np.zeros(n, bool)
    treated[np.argsort(-(score + rng.gumbel(size=n)))[:n_treated]] = True  # exactly n_treated, chosen by score
    trend = 8 + 0.3 * (120 - baseline) + 6 * (size == 0) + 3 * (region == 2)
    follow_up = baseline + trend + effect * treated + rng.normal(0, 8, n)
    return [
        SupplierObservation(
            supplier_id=i,
            treated=bool(treated[i]),
            sector=SECTORS[sector[i]],
            size_class=SIZES[size[i]],
            region=REGIONS[region[i]],
            baseline=float(baseline[i]),
            follow_up=float(follow_up[i]),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("method", ["nearest", "propensity"])
def test_a_known_effect_is_recovered_despite_selection(method):
    observations = synthetic(15, seed=1)
    naive_gap = np.mean([o.follow_up - o.baseline for o in observations if o.treated]) - np.mean(
        [o.follow_up - o.baseline for o in observations if not o.treated]
    )
    estimate = estimate_impact(observations, method=method, bootstrap=300)

    low, high = estimate.interval
    assert low <= 15 <= high
    assert low > 0
    assert estimate.verdict == INCREASE
    assert estimate.excludes_zero
    assert estimate.improved
    assert abs(estimate.att - 15) < 2
    # The naive before/after and the unmatched difference are far off; matching balances the baseline.
    assert estimate.participant_change > 25
    assert naive_gap > 20
    assert estimate.balance_before < -1
    assert abs(estimate.balance_after) < 0.15
    assert estimate.participant_change - estimate.comparison_change == pytest.approx(estimate.att)
    assert estimate.participants_with_follow_up == 200
    assert estimate.comparison_with_follow_up == 600
    assert estimate.participants + estimate.unmatched == 200
    assert 5 <= estimate.comparison <= 600
    assert len(estimate.matches) == estimate.participants
    if method == "nearest":
        assert estimate.unmatched == 0
        assert estimate.caliper is None
    else:
        assert estimate.caliper > 0
        assert estimate.unmatched < 20


@pytest.mark.parametrize("method", ["nearest", "propensity"])
def test_a_null_effect_is_not_claimed(method):
    estimate = estimate_impact(synthetic(0, seed=1), method=method, bootstrap=300)
    low, high = estimate.interval
    assert low <= 0 <= high
    assert estimate.verdict == NO_CLEAR_CHANGE
    assert estimate.excludes_zero is False
    assert estimate.improved is None
    assert estimate.participant_change > 10  # the trend alone, which a before/after would credit to the programme


def test_a_kpi_where_lower_is_better_is_worded_from_the_same_sign_neutral_estimate():
    observations = [
        SupplierObservation(
            o.supplier_id, o.treated, o.sector, o.size_class, o.region, -o.baseline, -o.follow_up
        )  # e.g. a unit cost, falling by 15
        for o in synthetic(15, seed=1)
    ]
    estimate = estimate_impact(observations, bootstrap=300, better_when_lower=True)
    assert estimate.verdict == DECREASE
    assert estimate.interval[1] < 0
    assert estimate.improved is True
    mirrored = estimate_impact(synthetic(15, seed=1), bootstrap=300)
    assert estimate.att == pytest.approx(-mirrored.att)


def _few(n_treated, n_control, *, missing=0):
    rows = [
        SupplierObservation(i, i < n_treated, "10", "small", "north", 100.0 + i, 110.0 + i)
        for i in range(n_treated + n_control)
    ]
    rows += [SupplierObservation(1000 + i, True, "10", "small", "north", 90.0, None) for i in range(missing)]
    return rows


def test_too_few_participants_gives_no_estimate_and_says_why():
    estimate = estimate_impact(_few(4, 50, missing=3), bootstrap=300)
    assert estimate.verdict == TOO_FEW
    assert estimate.excludes_zero is None
    assert estimate.att is None
    assert estimate.interval is None
    assert estimate.standard_error is None
    assert estimate.reason_codes == (REASON_FEW_PARTICIPANTS,)
    assert estimate.min_group == 5
    assert estimate.participants_with_follow_up == 4
    assert estimate.participants_missing_follow_up == 3
    assert estimate.missing_follow_up_ids == (1000, 1001, 1002)
    assert estimate.participant_change == pytest.approx(10.0)  # the plain before/after is still given


def test_too_few_comparison_suppliers_actually_used_gives_no_estimate():
    rows = [SupplierObservation(i, True, "10", "small", "north", 50.0 + i, 60.0 + i) for i in range(8)]
    rows.append(SupplierObservation("near", False, "10", "small", "north", 53.0, 55.0))
    rows += [SupplierObservation(f"far{i}", False, "10", "small", "north", 500.0 + i, 505.0) for i in range(10)]
    estimate = estimate_impact(rows, bootstrap=300)
    assert estimate.verdict == TOO_FEW
    assert estimate.interval is None
    assert estimate.participants == 8
    assert estimate.comparison == 1
    assert estimate.reason_codes == (REASON_FEW_MATCHES,)
    assert estimate_impact(rows, bootstrap=300, min_group=1).verdict != TOO_FEW


def test_matching_is_exact_on_the_sector_where_the_sector_has_comparison_suppliers():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(30):  # participants in 10 and in 25; comparison suppliers of 25 look more like those of 10
        sector = "10" if i < 20 else "25"
        rows.append(SupplierObservation(f"t{i}", True, sector, "small", "north", 50 + i, 70 + i))
    for i in range(40):
        rows.append(SupplierObservation(f"a{i}", False, "10", "medium", "south", 200 + rng.normal(0, 5), 210.0))
        rows.append(SupplierObservation(f"b{i}", False, "25", "small", "north", 50 + i / 2, 60 + i / 2))
    rows.append(SupplierObservation("t-lonely", True, "31", "small", "north", 60.0, 80.0))  # no comparison in 31
    sector = {o.supplier_id: o.sector for o in rows}

    for method in ("nearest", "propensity"):
        estimate = estimate_impact(rows, method=method, neighbours=3, bootstrap=300, min_group=3)
        assert estimate.matched_outside_sector == 1
        if method == "propensity":  # sector 10's comparison suppliers lie beyond the caliper: dropped, not swapped
            assert estimate.unmatched == 20
            assert set(estimate.unmatched_ids) == {f"t{i}" for i in range(20)}
        else:
            assert estimate.unmatched == 0
        for match in estimate.matches:
            assert 1 <= len(match.comparison_ids) <= 3
            if match.participant_id == "t-lonely":
                assert not match.same_sector
            else:
                assert match.same_sector
                assert {sector[c] for c in match.comparison_ids} == {sector[match.participant_id]}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (SupplierObservation(77, True, "10", "small", "north", math.nan, 1.0), "supplier 77: the baseline is not a"),
        (SupplierObservation(77, False, "10", "small", "north", 1.0, math.inf), "supplier 77: the follow-up is not a"),
        (SupplierObservation("x", True, "10", "small", "north", "12", 1.0), "supplier 'x': the baseline '12'"),
        (SupplierObservation(77, True, "10", "small", "north", None, 1.0), "supplier 77: the baseline is missing"),
        (SupplierObservation(0, True, "10", "small", "north", 1.0, 2.0), "supplier 0 appears more than once"),
    ],
)
def test_bad_values_are_rejected_naming_the_supplier(bad, message):
    with pytest.raises(ValueError, match=message):
        estimate_impact([*_few(6, 6), bad], bootstrap=300)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"method": "magic"}, "method must be one of"),
        ({"neighbours": 0}, "neighbours must be"),
        ({"bootstrap": 10}, "bootstrap must be"),
        ({"confidence": 1.5}, "confidence must"),
        ({"min_group": 0}, "min_group must"),
    ],
)
def test_bad_options_are_rejected(option, message):
    with pytest.raises(ValueError, match=message):
        estimate_impact(_few(6, 6), **({"bootstrap": 300} | option))


_observation = st.tuples(
    st.booleans(),
    st.sampled_from(["10", "25"]),
    st.sampled_from(SIZES),
    st.sampled_from(["north", "south"]),
    st.integers(0, 100),
    st.one_of(st.none(), st.integers(-20, 40)),  # the change; None: no follow-up yet
)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(_observation, min_size=6, max_size=40),
    order=st.randoms(use_true_random=False),
    shift=st.integers(-1000, 1000),
    method=st.sampled_from(["nearest", "propensity"]),
    neighbours=st.integers(1, 3),
)
def test_the_estimate_ignores_supplier_order_and_the_kpi_level(rows, order, shift, method, neighbours):
    def observations(offset):
        return [
            SupplierObservation(
                i, treated, sector, size, region, float(b + offset), None if d is None else b + d + offset
            )
            for i, (treated, sector, size, region, b, d) in enumerate(rows)
        ]

    options = {"method": method, "neighbours": neighbours, "bootstrap": 100, "min_group": 2}
    reference = estimate_impact(observations(0), **options)
    shuffled = observations(shift)
    order.shuffle(shuffled)
    moved = estimate_impact(shuffled, **options)

    assert moved.verdict == reference.verdict
    assert moved.att == reference.att
    assert moved.interval == reference.interval
    assert moved.matches == reference.matches
    assert (moved.participants, moved.comparison, moved.unmatched) == (
        reference.participants,
        reference.comparison,
        reference.unmatched,
    )
    if reference.balance_after is not None:
        assert moved.balance_after == pytest.approx(reference.balance_after, abs=1e-9)
