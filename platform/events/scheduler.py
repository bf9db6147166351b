"""Builds a conflict-free agenda: accepted meetings onto (time slot, table), plain Python and SciPy, no Django.

Constraints: an organisation is in at most one meeting per slot; a slot holds at most ``tables`` meetings; an
organisation has at most its cap of meetings. Slot by slot, the meetings still to place form a bipartite graph
(buyers on one side, suppliers on the other); a maximum matching of it is the largest set that can meet at once,
and when it is larger than the tables, the meetings of the busiest organisations go first (they are the hardest to
place later). Deterministic for the same input; meetings that cannot be placed come back with the reason.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

NO_COMMON_SLOT = "no_common_free_slot"
OVER_CAP = "over_cap"


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    first: int  # organisation ids
    second: int


@dataclass(frozen=True, slots=True)
class Placement:
    meeting_id: int
    slot: int  # index into the slots
    table: int  # 1-based


@dataclass(frozen=True)
class Agenda:
    placements: tuple[Placement, ...]
    unplaced: dict[int, str]  # meeting id → reason


def time_slots(
    *, first_day: dt.date, last_day: dt.date, day_starts: dt.time, day_ends: dt.time, minutes: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    slots = []
    length = dt.timedelta(minutes=minutes)
    day = first_day
    while day <= last_day:
        start = dt.datetime.combine(day, day_starts)
        end_of_day = dt.datetime.combine(day, day_ends)
        while start + length <= end_of_day:
            slots.append((start, start + length))
            start += length
        day += dt.timedelta(days=1)
    return slots


def schedule(*, meetings: Sequence[Meeting], slots: int, tables: int, caps: dict[int, int]) -> Agenda:
    """``first`` and ``second`` of every meeting are on opposite sides (buyer, supplier)."""
    remaining = sorted(meetings, key=lambda m: m.id)
    lefts = sorted({m.first for m in remaining})
    rights = sorted({m.second for m in remaining})
    if set(lefts) & set(rights):
        raise ValueError("an organisation is on both sides: meetings must pair a buyer with a supplier")
    row = {org: i for i, org in enumerate(lefts)}
    column = {org: i for i, org in enumerate(rights)}
    placed_count: Counter = Counter()
    placements: list[Placement] = []
    for slot in range(slots):
        open_meetings = [
            m
            for m in remaining
            if placed_count[m.first] < caps.get(m.first, slots) and placed_count[m.second] < caps.get(m.second, slots)
        ]
        if not open_meetings:
            break
        chosen = _largest_simultaneous(open_meetings, row, column, len(lefts), len(rights))
        load = Counter(org for m in remaining for org in (m.first, m.second))
        chosen.sort(key=lambda m: (-(load[m.first] + load[m.second]), m.id))
        for table, meeting in enumerate(chosen[:tables], start=1):
            placements.append(Placement(meeting_id=meeting.id, slot=slot, table=table))
            placed_count[meeting.first] += 1
            placed_count[meeting.second] += 1
        done = {m.id for m in chosen[:tables]}
        remaining = [m for m in remaining if m.id not in done]
    unplaced = {
        m.id: OVER_CAP
        if placed_count[m.first] >= caps.get(m.first, slots) or placed_count[m.second] >= caps.get(m.second, slots)
        else NO_COMMON_SLOT
        for m in remaining
    }
    return Agenda(placements=tuple(placements), unplaced=unplaced)


def _largest_simultaneous(meetings, row, column, rows, columns) -> list[Meeting]:
    """A maximum set of meetings with no organisation twice (maximum bipartite matching)."""
    graph = csr_matrix(
        (np.ones(len(meetings)), ([row[m.first] for m in meetings], [column[m.second] for m in meetings])),
        shape=(rows, columns),
    )
    matched_column = maximum_bipartite_matching(graph, perm_type="column")
    by_pair = {(row[m.first], column[m.second]): m for m in meetings}
    return [by_pair[(r, int(c))] for r, c in enumerate(matched_column) if c >= 0]
