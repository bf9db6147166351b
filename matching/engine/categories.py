"""How close two product/service categories are, from their codes alone.

CPV codes nest by significant digits (15000000 ⊃ 15500000 ⊃ 15510000), so closeness needs no tree lookup:
the same code, one inside the other, the same group (three digits) or the same division (two digits).
Codes of other schemes (UNSPSC, national ones) only match exactly.
"""

from collections.abc import Iterable

SAME = 1.0
NESTED = 0.8
SAME_GROUP = 0.6
SAME_DIVISION = 0.4


def _significant(code: str) -> str:
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def cpv_closeness(first: str, second: str) -> float:
    if first == second:
        return SAME
    a, b = _significant(first), _significant(second)
    if a.startswith(b) or b.startswith(a):
        return NESTED
    if first[:3] == second[:3]:
        return SAME_GROUP
    if first[:2] == second[:2]:
        return SAME_DIVISION
    return 0.0


def closeness(required: Iterable[tuple[str, str]], offered: Iterable[tuple[str, str]]) -> float:
    """Best closeness between any required and any offered (scheme, code) pair; 0 when either is empty."""
    offered = list(offered)
    best = 0.0
    for scheme, code in required:
        for other_scheme, other_code in offered:
            if scheme != other_scheme:
                continue
            value = cpv_closeness(code, other_code) if scheme == "CPV" else float(code == other_code)
            best = max(best, value)
            if best == SAME:
                return best
    return best
