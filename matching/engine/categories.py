"""How close two product/service categories are, from their codes alone.

CPV codes nest by significant digits (15000000 ⊃ 15500000 ⊃ 15510000), so closeness needs no tree lookup:
the same code 1.0, one inside the other's subtree 0.8, the same group (three digits) 0.6, the same division
(two digits) 0.4, otherwise 0. Codes of other schemes (UNSPSC, national ones) only match exactly (1.0 or 0).
Between sets of codes the best pair counts: a supplier needs one capability that fits, not all of them.
"""

from collections.abc import Iterable, Sequence

import numpy as np

from .documents import CPV, CategoryCode

SAME = 1.0
NESTED = 0.8
SAME_GROUP = 0.6
SAME_DIVISION = 0.4
UNRELATED = 0.0


def significant(code: str) -> str:
    """The code without its trailing zeros (at least the two division digits): the part that places it in the tree."""
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def cpv_closeness(first: str, second: str) -> float:
    if first == second:
        return SAME
    a, b = significant(first), significant(second)
    if a.startswith(b) or b.startswith(a):
        return NESTED
    if first[:3] == second[:3]:
        return SAME_GROUP
    if first[:2] == second[:2]:
        return SAME_DIVISION
    return UNRELATED


def pair_closeness(required: CategoryCode, offered: CategoryCode) -> float:
    (scheme, code), (other_scheme, other_code) = required, offered
    if scheme != other_scheme:
        return UNRELATED
    if scheme == CPV:
        return cpv_closeness(code, other_code)
    return SAME if code == other_code else UNRELATED


def closeness(required: Iterable[CategoryCode], offered: Iterable[CategoryCode]) -> float:
    """Best closeness between any required and any offered category; 0 when either side is empty."""
    offered = list(offered)
    best = UNRELATED
    for first in required:
        for second in offered:
            best = max(best, pair_closeness(first, second))
            if best == SAME:
                return best
    return best


class CategoryVocabulary:
    """Every distinct category the candidates use, so closeness is computed once per code, not once per supplier.

    ``closeness_to(required)`` returns one value per vocabulary entry, computed with vectorised string comparisons
    over the vocabulary (CPV nests by prefix); the candidate store then takes the best entry of each supplier with
    one vectorised reduction.
    """

    __slots__ = ("_arrays", "codes", "position")

    def __init__(self, codes: Sequence[CategoryCode]):
        self.codes: list[CategoryCode] = list(dict.fromkeys(codes))
        self.position: dict[CategoryCode, int] = {code: i for i, code in enumerate(self.codes)}
        self._arrays: tuple | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, code: CategoryCode) -> int:
        if code not in self.position:
            self.position[code] = len(self.codes)
            self.codes.append(code)
            self._arrays = None
        return self.position[code]

    def __getstate__(self):
        return {"codes": self.codes, "position": self.position}

    def __setstate__(self, state):
        if isinstance(state, tuple):  # pickled by an engine whose vocabulary had no __getstate__: (None, slots)
            state = state[1]
        self.codes, self.position, self._arrays = state["codes"], state["position"], None

    def _columns(self) -> tuple:
        if self._arrays is None or len(self._arrays[0]) != len(self.codes):
            schemes = np.array([scheme for scheme, _code in self.codes], dtype=object)
            codes = np.array([code for _scheme, code in self.codes], dtype=object)
            is_cpv = schemes == CPV
            sig = np.array([significant(code) if cpv else "" for code, cpv in zip(codes, is_cpv, strict=True)])
            self._arrays = (
                schemes,
                codes,
                is_cpv,
                sig.astype(str),
                np.array([c[:3] for c in codes], dtype=object),
                np.array([c[:2] for c in codes], dtype=object),
            )
        return self._arrays

    def closeness_to(self, required: Iterable[CategoryCode]) -> np.ndarray:
        required = list(dict.fromkeys(required))
        values = np.zeros(len(self.codes), dtype=np.float64)
        if not required or not self.codes:
            return values
        schemes, codes, is_cpv, sig, group, division = self._columns()
        for scheme, code in required:
            if scheme != CPV:
                values = np.maximum(values, np.where((schemes == scheme) & (codes == code), SAME, UNRELATED))
                continue
            mine = significant(code)
            nested = np.char.startswith(sig, mine) | np.isin(sig, [mine[:n] for n in range(2, len(mine) + 1)])
            best = np.where(
                codes == code,
                SAME,
                np.where(
                    nested,
                    NESTED,
                    np.where(group == code[:3], SAME_GROUP, np.where(division == code[:2], SAME_DIVISION, UNRELATED)),
                ),
            )
            values = np.maximum(values, np.where(is_cpv, best, UNRELATED))
        return values
