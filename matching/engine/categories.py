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

    ``closeness_to(required)`` returns one value per vocabulary entry; the candidate store then takes the best
    entry of each supplier with one vectorised reduction.
    """

    __slots__ = ("codes", "position")

    def __init__(self, codes: Sequence[CategoryCode]):
        self.codes: list[CategoryCode] = list(dict.fromkeys(codes))
        self.position: dict[CategoryCode, int] = {code: i for i, code in enumerate(self.codes)}

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, code: CategoryCode) -> int:
        if code not in self.position:
            self.position[code] = len(self.codes)
            self.codes.append(code)
        return self.position[code]

    def closeness_to(self, required: Iterable[CategoryCode]) -> np.ndarray:
        # A vocabulary holds thousands of codes at most (CPV has ~9,500), and a requirement names a few, so a
        # loop over the pairs costs milliseconds whatever the number of suppliers.
        required = list(dict.fromkeys(required))
        values = np.zeros(len(self.codes), dtype=np.float64)
        if not required:
            return values
        for i, offered in enumerate(self.codes):
            values[i] = max(pair_closeness(first, offered) for first in required)
        return values
