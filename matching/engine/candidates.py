"""A columnar store of every supplier the engine may rank, built once from the records and kept between runs.

Scoring 100,000 suppliers per request in well under half a second rules out a Python loop per supplier, so each
attribute is a NumPy array with one entry per supplier, and the many-per-supplier attributes (categories,
certificates, capacities) are ragged arrays: flat values plus ``indptr`` offsets, as in a CSR matrix. A feature is
then a handful of vectorised operations over those arrays.
"""

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .categories import CategoryVocabulary
from .documents import CategoryCode, SupplierRecord, canonical_unit

ALWAYS = np.iinfo(np.int64).min  # a declared category: known on any day
# A take of at least this many rows is kept for the next identical one: most runs rank the same eligible suppliers
# (every published one), and handing back the same store also lets the per-run caches keyed on its arrays hit.
KEEP_TAKES_FROM = 1_000
DERIVED_KEPT = 64  # arrays derived from a store kept at once (masks of a few countries and regions, a few columns)


def _ordinal(day: dt.date) -> int:
    return day.toordinal()


def _float_or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Ragged:
    """Per-supplier lists stored flat: the values of row i are ``values[indptr[i]:indptr[i + 1]]``."""

    indptr: np.ndarray  # int64, length rows + 1
    owner: np.ndarray  # int64, the row each flat value belongs to (np.repeat of the row numbers)

    @classmethod
    def from_lengths(cls, lengths: Sequence[int] | np.ndarray) -> "Ragged":
        lengths = np.asarray(lengths, dtype=np.int64)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return cls(indptr=indptr, owner=np.repeat(np.arange(len(lengths), dtype=np.int64), lengths))

    def take(self, rows: np.ndarray) -> tuple["Ragged", np.ndarray]:
        """The lists of ``rows`` (in that order) and the flat positions to gather their values from."""
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        taken = Ragged.from_lengths(lengths)
        positions = np.arange(int(lengths.sum()), dtype=np.int64) - taken.indptr[taken.owner] + starts[taken.owner]
        return taken, positions

    def slice(self, row: int) -> slice:
        return slice(int(self.indptr[row]), int(self.indptr[row + 1]))

    def max_per_row(self, values: np.ndarray, rows: int, *, empty: float = 0.0) -> np.ndarray:
        """The largest value of each row's list; ``empty`` for rows whose list is empty."""
        best = np.full(rows, empty, dtype=np.float64)
        lengths = np.diff(self.indptr)
        filled = lengths > 0
        if len(values):
            # reduceat over the starts of the non-empty rows: each reduces up to the next start, i.e. its own list.
            best[filled] = np.maximum.reduceat(values, self.indptr[:-1][filled])
        return best


class CandidateMatrix:
    """Every supplier's matching attributes as arrays, rows in the order of ``supplier_ids``."""

    def __init__(self, records: Iterable[SupplierRecord] = ()):
        records = list(records)
        self.vocabulary = CategoryVocabulary([])
        self.standards: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self._fill(records)

    @property
    def size(self) -> int:
        return len(self.supplier_ids)

    def __len__(self) -> int:
        return self.size

    def _intern(self, table: dict[str, int], key: str) -> int:
        return table.setdefault(key, len(table))

    def _fill(self, records: list[SupplierRecord]) -> None:
        self.supplier_ids = np.array([r.supplier_id for r in records], dtype=np.int64)
        if len(np.unique(self.supplier_ids)) != len(self.supplier_ids):
            raise ValueError("supplier ids must be unique")
        self.published = np.array([r.published for r in records], dtype=bool)
        self.rejected = np.array([r.rejected for r in records], dtype=bool)
        self.verified = np.array([r.verified for r in records], dtype=bool)
        self.country = np.array([r.country.upper() for r in records], dtype="<U3")
        self.region = np.array([r.region.strip().lower() for r in records], dtype=object)
        self.readiness = np.array([_float_or_nan(r.readiness_score) for r in records], dtype=np.float64)
        self.response_rate = np.array([_float_or_nan(r.response_rate) for r in records], dtype=np.float64)
        self.latitude = np.array([_float_or_nan(r.latitude) for r in records], dtype=np.float64)
        self.longitude = np.array([_float_or_nan(r.longitude) for r in records], dtype=np.float64)

        categories = [r.category_dates() for r in records]
        self.categories = Ragged.from_lengths([len(c) for c in categories])
        self.category_code = np.array(
            [self.vocabulary.add(code) for dated in categories for code, _since in dated], dtype=np.int64
        )
        # The day a category became known (learned from an award); ALWAYS for categories the supplier declared.
        self.category_since = np.array(
            [ALWAYS if since is None else _ordinal(since) for dated in categories for _code, since in dated],
            dtype=np.int64,
        )

        certificates = [r.certifications for r in records]
        self.certificates = Ragged.from_lengths([len(c) for c in certificates])
        flat = [c for group in certificates for c in group]
        self.cert_standard = np.array([self._intern(self.standards, c.standard) for c in flat], dtype=np.int64)
        self.cert_issued = np.array([_ordinal(c.issued_on) for c in flat], dtype=np.int64)
        self.cert_expires = np.array([_ordinal(c.expires_on) for c in flat], dtype=np.int64)
        self.cert_active = np.array([c.active for c in flat], dtype=bool)

        # Only capabilities that state a capacity take part in capacity fit; the others are "unknown".
        capacities = [
            [
                (c.category, c.monthly_capacity, canonical_unit(c.capacity_unit))
                for c in r.capabilities
                if c.monthly_capacity
            ]
            for r in records
        ]
        self.capacities = Ragged.from_lengths([len(c) for c in capacities])
        flat_capacity = [entry for group in capacities for entry in group]
        self.capacity_category = np.array([self.vocabulary.add(c) for c, _q, _u in flat_capacity], dtype=np.int64)
        self.capacity_quantity = np.array([q for _c, q, _u in flat_capacity], dtype=np.float64)
        self.capacity_unit = np.array([self._intern(self.units, u) for _c, _q, u in flat_capacity], dtype=np.int64)
        self._position = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_kept_take", None)  # a copy of rows already held: not worth saving with the store
        state.pop("_derived", None)  # recomputed on first use
        return state

    def derived(self, key: Hashable, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """``compute()``, an array that depends on this store and ``key`` alone, kept (read-only) for the next run:
        a static feature column, the mask of a delivery country. The store never changes in place."""
        kept = self.__dict__.setdefault("_derived", {})
        value = kept.get(key)
        if value is None:
            if len(kept) >= DERIVED_KEPT:
                kept.clear()
            value = compute()
            value.flags.writeable = False
            kept[key] = value
        return value

    def in_country(self, country: str) -> np.ndarray:
        """Mask of the suppliers in ``country`` (an upper-case code, as stored)."""
        return self.derived(("country", country), lambda: self.country == country)

    def in_region(self, region: str) -> np.ndarray:
        """Mask of the suppliers whose region is ``region`` (stripped and lower-case, as stored)."""
        return self.derived(("region", region), lambda: self.region == region)

    # -- lookups --------------------------------------------------------------------------------------------------

    def rows_of(self, supplier_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Row of each supplier id, -1 for ids not in the store."""
        ids = np.asarray(supplier_ids, dtype=np.int64)
        if self._position is None:
            self._position = np.argsort(self.supplier_ids, kind="stable")
        if not self.size:
            return np.full(len(ids), -1, dtype=np.int64)
        sorted_ids = self.supplier_ids[self._position]
        where = np.clip(np.searchsorted(sorted_ids, ids), 0, self.size - 1)
        return np.where(sorted_ids[where] == ids, self._position[where], -1)

    def standard_id(self, standard: str) -> int:
        """Interned id of a certification standard, -1 when no candidate holds it."""
        return self.standards.get(standard, -1)

    def category_closeness(self, required: Sequence[CategoryCode], *, as_of: dt.date | None = None) -> np.ndarray:
        """Best closeness of each supplier's categories to the required ones (0 with none); with ``as_of``, only
        categories known before that day count (one learned from a later award is the future)."""
        values = self.vocabulary.closeness_to(required)[self.category_code]
        if as_of is not None:
            values = np.where(self.category_since < _ordinal(as_of), values, 0.0)
        return self.categories.max_per_row(values, self.size, empty=0.0)

    def valid_certificates(self, day: dt.date) -> np.ndarray:
        """A mask over the flat certificates: active and within their dates on ``day``."""
        ordinal = _ordinal(day)
        return self.cert_active & (self.cert_issued <= ordinal) & (ordinal <= self.cert_expires)

    def holds(self, standard: str, day: dt.date, *, valid: np.ndarray | None = None) -> np.ndarray:
        """Per supplier: holds a certificate of ``standard`` valid on ``day``."""
        held = np.zeros(self.size, dtype=bool)
        code = self.standard_id(standard)
        if code < 0:
            return held
        valid = self.valid_certificates(day) if valid is None else valid
        held[self.certificates.owner[(self.cert_standard == code) & valid]] = True
        return held

    # -- subsets --------------------------------------------------------------------------------------------------

    def take(self, rows: Sequence[int] | np.ndarray) -> "CandidateMatrix":
        """A store of just these rows (e.g. one SME ranking the open requirements for itself).

        The store is never changed in place (``replace`` makes a new one), so the last large take is handed back
        again, the same object, when the same rows are asked for."""
        rows = np.asarray(rows, dtype=np.int64)
        kept = getattr(self, "_kept_take", None)
        if kept is not None and np.array_equal(kept[0], rows):
            return kept[1]
        subset = self._take(rows)
        if len(rows) >= KEEP_TAKES_FROM:
            self._kept_take = (rows.copy(), subset)
        return subset

    def _take(self, rows: np.ndarray) -> "CandidateMatrix":
        subset = CandidateMatrix.__new__(CandidateMatrix)
        subset.vocabulary, subset.standards, subset.units = self.vocabulary, self.standards, self.units
        for name in (
            "supplier_ids",
            "published",
            "rejected",
            "verified",
            "country",
            "region",
            "readiness",
            "response_rate",
            "latitude",
            "longitude",
        ):
            setattr(subset, name, getattr(self, name)[rows])
        subset.categories, positions = self.categories.take(rows)
        subset.category_code = self.category_code[positions]
        subset.category_since = self.category_since[positions]
        subset.certificates, positions = self.certificates.take(rows)
        for name in ("cert_standard", "cert_issued", "cert_expires", "cert_active"):
            setattr(subset, name, getattr(self, name)[positions])
        subset.capacities, positions = self.capacities.take(rows)
        for name in ("capacity_category", "capacity_quantity", "capacity_unit"):
            setattr(subset, name, getattr(self, name)[positions])
        subset._position = None
        return subset

    def replace(self, records: Iterable[SupplierRecord], *, removed: Iterable[int] = ()) -> "CandidateMatrix":
        """A new store with ``records`` added or replaced and ``removed`` ids dropped.

        Rebuilding the arrays of the unchanged rows is a few vectorised copies; the caller swaps the new store in
        atomically, so a run in progress keeps its consistent snapshot.
        """
        records = list(records)
        drop = np.isin(self.supplier_ids, [r.supplier_id for r in records] + list(removed))
        kept = self.take(np.flatnonzero(~drop))
        added = CandidateMatrix.__new__(CandidateMatrix)
        added.vocabulary, added.standards, added.units = self.vocabulary, self.standards, self.units
        added._fill(records)
        return _concatenate(kept, added)


def _concatenate(first: CandidateMatrix, second: CandidateMatrix) -> CandidateMatrix:
    combined = CandidateMatrix.__new__(CandidateMatrix)
    combined.vocabulary, combined.standards, combined.units = first.vocabulary, first.standards, first.units
    for name in (
        "supplier_ids",
        "published",
        "rejected",
        "verified",
        "country",
        "region",
        "readiness",
        "response_rate",
        "latitude",
        "longitude",
        "category_code",
        "category_since",
        "cert_standard",
        "cert_issued",
        "cert_expires",
        "cert_active",
        "capacity_category",
        "capacity_quantity",
        "capacity_unit",
    ):
        setattr(combined, name, np.concatenate([getattr(first, name), getattr(second, name)]))
    for name in ("categories", "certificates", "capacities"):
        lengths = np.concatenate([np.diff(getattr(first, name).indptr), np.diff(getattr(second, name).indptr)])
        setattr(combined, name, Ragged.from_lengths(lengths))
    combined._position = None
    if len(np.unique(combined.supplier_ids)) != len(combined.supplier_ids):
        raise ValueError("supplier ids must be unique")
    return combined
