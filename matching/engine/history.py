"""Track record: what a supplier has already done in the requirement's category and with its buyer.

Past events (linkage stages reached, transactions, imported public awards) add evidence, each weighted by how far
it went, by how close its category is to the requirement's and whether it was with the same buyer, and halved
every ``HALF_LIFE_DAYS`` of age. The feature is ``1 - exp(-evidence)``: one recent transaction with this buyer in
this category gives about 0.63, a few give nearly 1, and a supplier with no history gets exactly 0 (the score's
other components carry newcomers; the gaps do not count a missing history against them).

Only events strictly before the requirement's creation count, so an evaluation on a time split never sees the
outcome it is trying to predict.

Beside that one saturating number, ``history_features`` describes what buyers actually do, for the learned ranker:
how many deals (a transaction, an award, or a linkage that reached its first transaction without a recorded
one) the supplier made with this buyer in the same code, group and division and in any category, its deals and its
share of deals in the category, how recently it dealt with the buyer and in the category, how its past deal values
compare with the requirement's, and how close the texts of its past deals are to the requirement's. Counts are on
a log scale (``log1p(n) / log1p(COUNT_SCALE)``, capped at 1), so a buyer's regular supplier and a supplier with one
old award no longer look alike.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .categories import NESTED, SAME_DIVISION, SAME_GROUP, CategoryVocabulary
from .documents import (
    AWARD,
    CONTACTED,
    DECLINED,
    DORMANT,
    FIRST_TRANSACTION,
    MEETING,
    NEGOTIATION,
    POSITIVE_STAGES,
    PROPOSED,
    REPEAT_BUSINESS,
    TRANSACTION,
    CategoryCode,
    HistoryEvent,
    RequirementRecord,
)

HALF_LIFE_DAYS = 730.0  # two years: procurement relationships last, but a supplier's team and plant change
# How much each kind of event says about the supplier delivering: a signed transaction says most.
STAGE_EVIDENCE = {
    PROPOSED: 0.0,
    CONTACTED: 0.1,
    MEETING: 0.3,
    NEGOTIATION: 0.5,
    FIRST_TRANSACTION: 1.0,
    REPEAT_BUSINESS: 1.0,
    TRANSACTION: 1.0,
    AWARD: 1.0,
    DECLINED: 0.0,
    DORMANT: 0.0,
}
CATEGORY_SHARE = 0.7  # evidence in the requirement's category (scaled by closeness) …
BUYER_SHARE = 0.3  # … and with the requirement's buyer, in any category


class TrackRecord:
    """Columnar history of linkage events, queried per requirement for all candidates at once."""

    def __init__(self, events: Iterable[HistoryEvent] = ()):
        events = sorted(events, key=lambda e: e.occurred_on)
        self.vocabulary = CategoryVocabulary([])
        self.supplier_id = np.array([e.supplier_id for e in events], dtype=np.int64)
        self.buyer_id = np.array([e.buyer_id for e in events], dtype=np.int64)
        self.day = np.array([e.occurred_on.toordinal() for e in events], dtype=np.int64)
        self.stage = np.array([e.stage for e in events], dtype=object)
        self.evidence = np.array([STAGE_EVIDENCE.get(e.stage, 0.0) for e in events], dtype=np.float64)
        self.positive = np.array([e.stage in POSITIVE_STAGES for e in events], dtype=bool)
        self.category = np.array(
            [-1 if e.category is None else self.vocabulary.add(e.category) for e in events], dtype=np.int64
        )
        self.deals = DealHistory.from_events(events, vocabulary=self.vocabulary)
        self._closeness_cache: dict[tuple, np.ndarray] = {}
        self._suppliers: SupplierRows | None = None

    def __len__(self) -> int:
        return len(self.supplier_id)

    def _category_closeness(self, required: Sequence[CategoryCode]) -> np.ndarray:
        return self.closeness_per_code(required)[self.category]

    def closeness_per_code(self, required: Sequence[CategoryCode]) -> np.ndarray:
        """Closeness of each code of the history's vocabulary to ``required``; index -1 (no category) is 0."""
        key = tuple(sorted(set(required)))
        cached = self._closeness_cache.get(key)
        if cached is None:
            if len(self._closeness_cache) > CLOSENESS_CACHE_SIZE:
                self._closeness_cache.clear()
            cached = np.append(self.vocabulary.closeness_to(key), 0.0)
            self._closeness_cache[key] = cached
        return cached

    def _evidence(self, *, requirement: RequirementRecord, as_of: dt.date) -> tuple[int, np.ndarray, np.ndarray]:
        """(cut, useful, weight): of the first ``cut`` events (those before ``as_of``), the ``useful`` ones say
        something about this requirement, with evidence ``weight`` (one per useful event)."""
        cut = int(np.searchsorted(self.day, as_of.toordinal(), side="left"))  # events are sorted by day
        age_days = (as_of.toordinal() - self.day[:cut]).astype(np.float64)
        decay = np.exp2(-age_days / HALF_LIFE_DAYS)
        closeness = self.closeness_per_code(requirement.categories)[self.category[:cut]]
        relevance = CATEGORY_SHARE * closeness + BUYER_SHARE * (self.buyer_id[:cut] == requirement.buyer_id)
        weight = self.evidence[:cut] * decay * relevance
        useful = weight > 0
        return cut, useful, weight[useful]

    def evidence_for(self, *, requirement: RequirementRecord, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(supplier ids, evidence) of the events before ``as_of`` that say something about this requirement."""
        cut, useful, weight = self._evidence(requirement=requirement, as_of=as_of)
        return self.supplier_id[:cut][useful], weight

    def feature(self, *, requirement: RequirementRecord, supplier_ids: np.ndarray, as_of: dt.date) -> np.ndarray:
        """Track record in [0, 1) for each supplier id; exactly 0 without relevant history."""
        values = np.zeros(len(supplier_ids), dtype=np.float64)
        if not len(self) or not len(supplier_ids):  # no history, or every candidate was excluded
            return values
        cut, useful, weight = self._evidence(requirement=requirement, as_of=as_of)
        if not len(weight):
            return values
        suppliers = _supplier_rows(self)
        # Summed per distinct supplier, in event order as a sum per candidate row would be, then put in place.
        total = np.bincount(suppliers.code[:cut][useful], weights=weight, minlength=len(suppliers.distinct))
        target = suppliers.of_distinct(supplier_ids)
        present = np.flatnonzero(target >= 0)
        values[target[present]] = -np.expm1(-total[present])  # 1 - e^-x, exact near 0: no history stays 0
        return values

    def history_features(
        self, *, requirement: RequirementRecord, supplier_ids: np.ndarray, as_of: dt.date
    ) -> np.ndarray:
        """A (suppliers × HISTORY_FEATURES) matrix in [0, 1] from the deals strictly before ``as_of``."""
        return self.deals.features(
            requirement=requirement,
            supplier_ids=supplier_ids,
            as_of=as_of,
            closeness=self.closeness_per_code(requirement.categories),
        )

    def positive_counts(
        self, *, categories: Sequence[CategoryCode], as_of: dt.date, buyer_id: int | None = None, min_closeness: float
    ) -> dict[int, int]:
        """How many positive outcomes (transactions, awards, meetings) each supplier had in these categories."""
        mask = self.positive & (self.day < as_of.toordinal())
        mask &= self._category_closeness(categories) >= min_closeness
        if buyer_id is not None:
            mask &= self.buyer_id == buyer_id
        ids, counts = np.unique(self.supplier_id[mask], return_counts=True)
        return dict(zip(ids.tolist(), counts.tolist(), strict=True))

    def partners(self, *, buyer_id: int, as_of: dt.date) -> set[int]:
        """Suppliers with any linkage event with this buyer before ``as_of``."""
        mask = (self.buyer_id == buyer_id) & (self.day < as_of.toordinal())
        return set(np.unique(self.supplier_id[mask]).tolist())

    def deal_counts(
        self, *, categories: Sequence[CategoryCode], as_of: dt.date, buyer_id: int | None = None, min_closeness: float
    ) -> dict[int, int]:
        """How many deals each supplier made in these categories before ``as_of`` (with this buyer, if given)."""
        return self.deals.counts(
            closeness=self.closeness_per_code(categories),
            as_of=as_of,
            buyer_id=buyer_id,
            min_closeness=min_closeness,
        )


CLOSENESS_CACHE_SIZE = 4096
COUNT_SCALE = 100.0  # log1p(n) / log1p(100): one deal 0.15, ten 0.52, a hundred or more 1
RECENCY_SCALE_DAYS = 365.0  # exp(-days / 365): last deal a year ago keeps 37 %
VALUE_SCALE = math.log(100.0)  # a past value 100 times larger or smaller than the requirement's counts as no fit
HISTORY_FEATURES: tuple[str, ...] = (
    "buyer_same_code",
    "buyer_same_group",
    "buyer_same_division",
    "buyer_any_category",
    "category_deals",
    "category_share",
    "group_deals",
    "supplier_deals",
    "buyer_recency",
    "category_recency",
    "value_fit",
    "past_deal_text",
)
_COLUMN = {name: i for i, name in enumerate(HISTORY_FEATURES)}
DEAL_STAGES = frozenset({TRANSACTION, AWARD})


def rows_in(supplier_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position of each of ``ids`` in ``supplier_ids`` (any order), -1 where absent."""
    supplier_ids = np.asarray(supplier_ids, dtype=np.int64)
    if not len(supplier_ids):
        return np.full(len(ids), -1, dtype=np.int64)
    order = np.argsort(supplier_ids, kind="stable")
    sorted_ids = supplier_ids[order]
    where = np.clip(np.searchsorted(sorted_ids, ids), 0, len(order) - 1)
    return np.where(sorted_ids[where] == ids, order[where], -1)


class SupplierRows:
    """The events' distinct suppliers, so a run describes each supplier once instead of sorting every event.

    The distinct supplier ids are sorted once (``distinct``) and each event keeps its place among them (``code``):
    sums and counts per supplier are bincounts over the codes, and ``of_distinct`` puts them in place among a run's
    candidates (a search of the candidates among the suppliers that ever dealt, far fewer than the events). Its
    answer for the last candidate array is kept, since a run (or a whole evaluation) asks again and again about the
    same one.
    """

    def __init__(self, supplier_id: np.ndarray):
        self.distinct, code = np.unique(np.asarray(supplier_id, dtype=np.int64), return_inverse=True)
        self.code = code.reshape(-1)
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    def of_distinct(self, supplier_ids: np.ndarray) -> np.ndarray:
        """The position in ``supplier_ids`` of each distinct supplier, -1 where absent (the first if listed twice)."""
        last = self._last
        if last is not None and last[0] is supplier_ids:
            return last[1]
        wanted = np.asarray(supplier_ids, dtype=np.int64)
        rows = np.full(len(self.distinct), -1, dtype=np.int64)
        if len(self.distinct) and len(wanted):
            where = np.minimum(np.searchsorted(self.distinct, wanted), len(self.distinct) - 1)
            found = np.flatnonzero(self.distinct[where] == wanted)
            if len(found) and np.bincount(where[found]).max() > 1:
                rows = rows_in(wanted, self.distinct)  # a supplier listed twice: its first place, as rows_in says
            else:
                rows[where[found]] = found
        if isinstance(supplier_ids, np.ndarray):  # a candidate store's array, never changed in place
            self._last = (supplier_ids, rows)
        return rows


def _supplier_rows(events: "TrackRecord | DealHistory") -> SupplierRows:
    """The events' SupplierRows, made on first use (the arrays are filled after construction)."""
    if getattr(events, "_suppliers", None) is None:
        events._suppliers = SupplierRows(events.supplier_id)
    return events._suppliers


def squash_count(counts: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, np.log1p(counts) / math.log1p(COUNT_SCALE))


def _deal_events(events: list[HistoryEvent]) -> list[HistoryEvent]:
    """One event per deal: each transaction and award, and the first transaction stage of a linkage that has no
    transaction recorded (an award imported without a value)."""
    with_transactions = {e.linkage_id for e in events if e.stage == TRANSACTION and e.linkage_id is not None}
    deals = []
    for event in events:
        if event.stage in DEAL_STAGES or (
            event.stage == FIRST_TRANSACTION and (event.linkage_id is None or event.linkage_id not in with_transactions)
        ):
            deals.append(event)
    return deals


class DealHistory:
    """The deals of the track record as arrays sorted by day, so "before this day" is a prefix."""

    def __init__(self):
        self.supplier_id = np.empty(0, dtype=np.int64)
        self.buyer_id = np.empty(0, dtype=np.int64)
        self.day = np.empty(0, dtype=np.int64)
        self.category = np.empty(0, dtype=np.int64)
        self.log_value = np.empty(0, dtype=np.float64)  # NaN without a value
        self.texts: sparse.csc_matrix = sparse.csc_matrix((0, 0), dtype=np.float32)
        self._vectorizer: TfidfVectorizer | None = None
        self._suppliers: SupplierRows | None = None

    @classmethod
    def from_events(cls, events: list[HistoryEvent], *, vocabulary: CategoryVocabulary) -> "DealHistory":
        deals = sorted(_deal_events(events), key=lambda e: e.occurred_on)
        history = cls()
        history.supplier_id = np.array([e.supplier_id for e in deals], dtype=np.int64)
        history.buyer_id = np.array([e.buyer_id for e in deals], dtype=np.int64)
        history.day = np.array([e.occurred_on.toordinal() for e in deals], dtype=np.int64)
        history.category = np.array(
            [-1 if e.category is None else vocabulary.add(e.category) for e in deals], dtype=np.int64
        )
        history.log_value = np.array([math.log(e.value) if e.value > 0 else np.nan for e in deals], dtype=np.float64)
        texts = [e.text for e in deals]
        if any(texts):
            history._vectorizer = _deal_text_vectorizer(min_df=2 if len(texts) >= MIN_DF_FROM else 1)
            try:
                # Column-wise: a query reads only the columns of its own n-grams, not all 200,000 rows.
                history.texts = history._vectorizer.fit_transform(texts).tocsc()
            except ValueError:  # nothing but stop words and punctuation
                history._vectorizer = None
        if history._vectorizer is None:
            history.texts = sparse.csc_matrix((len(deals), 1), dtype=np.float32)
        return history

    def __len__(self) -> int:
        return len(self.supplier_id)

    def before(self, as_of: dt.date) -> int:
        """How many deals happened strictly before ``as_of`` (they are the first ones)."""
        return int(np.searchsorted(self.day, as_of.toordinal(), side="left"))

    def counts(
        self, *, closeness: np.ndarray, as_of: dt.date, buyer_id: int | None, min_closeness: float
    ) -> dict[int, int]:
        cut = self.before(as_of)
        mask = closeness[self.category[:cut]] >= min_closeness
        if buyer_id is not None:
            mask &= self.buyer_id[:cut] == buyer_id
        ids, counts = np.unique(self.supplier_id[:cut][mask], return_counts=True)
        return dict(zip(ids.tolist(), counts.tolist(), strict=True))

    def text_similarity(self, text: str, cut: int) -> np.ndarray:
        """Cosine of ``text`` to each of the first ``cut`` deals' texts."""
        if self._vectorizer is None or not cut or not text:
            return np.zeros(cut, dtype=np.float64)
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):  # as text.vectorise does
            query = self._vectorizer.transform([text])
        if not query.nnz:
            return np.zeros(cut, dtype=np.float64)
        scores = self.texts[:, query.indices] @ query.data.astype(np.float32)
        return np.asarray(scores, dtype=np.float64).reshape(-1)[:cut]

    def features(
        self, *, requirement: RequirementRecord, supplier_ids: np.ndarray, as_of: dt.date, closeness: np.ndarray
    ) -> np.ndarray:
        """A (suppliers × HISTORY_FEATURES) matrix: each distinct supplier of the deals is described once (a few
        thousand rows, not one per candidate) and each candidate's row gathered from those, column by column."""
        n = len(supplier_ids)
        cut = self.before(as_of)
        suppliers = _supplier_rows(self)
        target = suppliers.of_distinct(supplier_ids) if n and cut else np.empty(0, dtype=np.int64)
        present = np.flatnonzero(target >= 0)
        if not len(present):
            out = np.zeros((n, len(HISTORY_FEATURES)), dtype=np.float64, order="F")
            out[:, _COLUMN["value_fit"]] = NEUTRAL_VALUE_FIT
            return out
        described = self._per_supplier(requirement=requirement, as_of=as_of, closeness=closeness, cut=cut)
        which = np.full(n, len(suppliers.distinct), dtype=np.int64)  # the last row: a supplier without deals
        which[target[present]] = present
        out = np.empty((n, len(HISTORY_FEATURES)), dtype=np.float64, order="F")
        for column in range(len(HISTORY_FEATURES)):
            np.take(described[:, column], which, out=out[:, column])
        return out

    def _per_supplier(
        self, *, requirement: RequirementRecord, as_of: dt.date, closeness: np.ndarray, cut: int
    ) -> np.ndarray:
        """The history features of each distinct supplier of the deals (``SupplierRows.distinct``), in [0, 1], and
        in a last row those of a supplier without deals."""
        suppliers = _supplier_rows(self)
        width = len(suppliers.distinct) + 1
        code = suppliers.code[:cut]
        column = _COLUMN
        out = np.zeros((width, len(HISTORY_FEATURES)), dtype=np.float64, order="F")
        out[:, column["value_fit"]] = NEUTRAL_VALUE_FIT
        close = closeness[self.category[:cut]]
        same_buyer = self.buyer_id[:cut] == requirement.buyer_id
        in_code, in_group, in_division = close >= NESTED, close >= SAME_GROUP, close >= SAME_DIVISION

        # The three closeness thresholds nest (in the code ⊂ in the group ⊂ in the division), so a deal's level is
        # how many it meets, and one count per supplier × (this buyer or not) × level gives all seven counts.
        level = in_code.astype(np.int64) + in_group + in_division
        cells = np.bincount(code * 8 + same_buyer * 4 + level, minlength=width * 8).reshape(width, 2, 4)
        cells = cells.astype(np.float64)  # whole counts: their sums below are exact
        buyer, others = cells[:, 1], cells[:, 0]
        buyer_code = buyer[:, 3]
        buyer_group = buyer_code + buyer[:, 2]
        buyer_division = buyer_group + buyer[:, 1]
        others_group = others[:, 3] + others[:, 2]
        out[:, column["buyer_same_code"]] = squash_count(buyer_code)
        out[:, column["buyer_same_group"]] = squash_count(buyer_group)
        out[:, column["buyer_same_division"]] = squash_count(buyer_division)
        out[:, column["buyer_any_category"]] = squash_count(buyer_division + buyer[:, 0])
        category_deals = buyer_code + others[:, 3]
        out[:, column["category_deals"]] = squash_count(category_deals)
        out[:, column["category_share"]] = category_deals / max(1, int(in_code.sum()))
        out[:, column["group_deals"]] = squash_count(buyer_group + others_group)
        supplier_deals = buyer_division + buyer[:, 0] + others_group + others[:, 1] + others[:, 0]
        out[:, column["supplier_deals"]] = squash_count(supplier_deals)

        day = self.day[:cut]
        as_of_day = as_of.toordinal()
        for name, mask in (("buyer_recency", same_buyer), ("category_recency", in_group)):
            last = np.full(width, np.iinfo(np.int64).min, dtype=np.int64)
            last[code[mask]] = day[mask]  # days ascend, so the last write for a supplier is its latest deal
            seen = last > np.iinfo(np.int64).min
            out[seen, column[name]] = np.exp(-(as_of_day - last[seen]) / RECENCY_SCALE_DAYS)

        if requirement.estimated_value and requirement.estimated_value > 0:
            valued = ~np.isnan(self.log_value[:cut])
            totals = np.bincount(code[valued], weights=self.log_value[:cut][valued], minlength=width)
            numbers = np.bincount(code[valued], minlength=width)
            has = numbers > 0
            typical = totals[has] / numbers[has]  # the geometric mean of its past deal values
            distance = np.abs(typical - math.log(requirement.estimated_value))
            out[has, column["value_fit"]] = 1.0 - np.minimum(1.0, distance / VALUE_SCALE)

        similarity = self.text_similarity(requirement.text(), cut)
        useful = similarity > 0
        if useful.any():
            best = np.zeros(width, dtype=np.float64)
            np.maximum.at(best, code[useful], similarity[useful])
            out[:, column["past_deal_text"]] = np.minimum(1.0, best / PAST_TEXT_SATURATION)
        return np.clip(out, 0.0, 1.0, out=out)


NEUTRAL_VALUE_FIT = 0.5  # no value on either side says nothing
PAST_TEXT_SATURATION = 0.6  # a past deal this close in wording is as good as the same title


MIN_DF_FROM = 1_000  # from this many deals, an n-gram seen once is noise (and memory)


def _deal_text_vectorizer(*, min_df: int) -> TfidfVectorizer:
    from .text import normalise

    return TfidfVectorizer(
        preprocessor=normalise,
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=min_df,
        max_features=200_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
