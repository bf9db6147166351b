"""Track record: what a supplier has already done in the requirement's category and with its buyer.

Past events (linkage stages reached, transactions, imported public awards) add evidence, each weighted by how far
it went, by how close its category is to the requirement's and whether it was with the same buyer, and halved
every ``HALF_LIFE_DAYS`` of age. The feature is ``1 - exp(-evidence)``: one recent transaction with this buyer in
this category gives about 0.63, a few give nearly 1, and a supplier with no history gets exactly 0 (the score's
other components carry newcomers; the gaps do not count a missing history against them).

Only events strictly before the requirement's creation count, so an evaluation on a time split never sees the
outcome it is trying to predict.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np

from .categories import CategoryVocabulary
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
        events = list(events)
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

    def __len__(self) -> int:
        return len(self.supplier_id)

    def _category_closeness(self, required: Sequence[CategoryCode]) -> np.ndarray:
        per_code = np.append(self.vocabulary.closeness_to(required), 0.0)  # index -1: no category → 0
        return per_code[self.category]

    def evidence_for(self, *, requirement: RequirementRecord, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """(supplier ids, evidence) of the events before ``as_of`` that say something about this requirement."""
        before = self.day < as_of.toordinal()
        age_days = (as_of.toordinal() - self.day).astype(np.float64)
        decay = np.power(0.5, age_days / HALF_LIFE_DAYS)
        relevance = CATEGORY_SHARE * self._category_closeness(requirement.categories) + BUYER_SHARE * (
            self.buyer_id == requirement.buyer_id
        )
        weight = self.evidence * decay * relevance * before
        useful = weight > 0
        return self.supplier_id[useful], weight[useful]

    def feature(self, *, requirement: RequirementRecord, supplier_ids: np.ndarray, as_of: dt.date) -> np.ndarray:
        """Track record in [0, 1) for each supplier id; exactly 0 without relevant history."""
        values = np.zeros(len(supplier_ids), dtype=np.float64)
        if not len(self) or not len(supplier_ids):  # no history, or every candidate was excluded
            return values
        ids, weight = self.evidence_for(requirement=requirement, as_of=as_of)
        if not len(ids):
            return values
        order = np.argsort(supplier_ids, kind="stable")
        where = np.clip(np.searchsorted(supplier_ids[order], ids), 0, len(order) - 1)
        known = supplier_ids[order][where] == ids
        total = np.bincount(order[where[known]], weights=weight[known], minlength=len(supplier_ids))
        return -np.expm1(-total)  # 1 - e^-x, exact near 0 so no history stays exactly 0

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
