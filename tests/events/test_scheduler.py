"""The agenda builder without a database: no organisation twice in a slot, no table twice, caps kept."""

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from events.scheduler import NO_COMMON_SLOT, OVER_CAP, Meeting, schedule, time_slots


def _check(agenda, meetings, tables, caps):
    by_id = {m.id: m for m in meetings}
    seen_org_slot, seen_table_slot = set(), set()
    per_org = Counter()
    for placement in agenda.placements:
        meeting = by_id[placement.meeting_id]
        for org in (meeting.first, meeting.second):
            assert (org, placement.slot) not in seen_org_slot
            seen_org_slot.add((org, placement.slot))
            per_org[org] += 1
        assert (placement.slot, placement.table) not in seen_table_slot
        assert 1 <= placement.table <= tables
        seen_table_slot.add((placement.slot, placement.table))
    assert all(per_org[org] <= cap for org, cap in caps.items())
    assert {p.meeting_id for p in agenda.placements}.isdisjoint(agenda.unplaced)
    assert {p.meeting_id for p in agenda.placements} | set(agenda.unplaced) == set(by_id)


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(1, 8), st.integers(9, 16)), max_size=40, unique=True),  # buyers, suppliers
    slots=st.integers(1, 6),
    tables=st.integers(1, 4),
    cap=st.integers(1, 5),
)
def test_no_conflict_ever(pairs, slots, tables, cap):
    meetings = [Meeting(i, a, b) for i, (a, b) in enumerate(pairs)]
    caps = {org: cap for pair in pairs for org in pair}
    _check(schedule(meetings=meetings, slots=slots, tables=tables, caps=caps), meetings, tables, caps)


def test_everything_fits_when_there_is_room_and_the_reasons_when_not():
    meetings = [Meeting(1, 1, 10), Meeting(2, 1, 11), Meeting(3, 2, 10)]
    agenda = schedule(meetings=meetings, slots=2, tables=2, caps={1: 5, 2: 5, 10: 5, 11: 5})
    assert agenda.unplaced == {}
    assert sorted((p.meeting_id, p.slot) for p in agenda.placements)[0][1] in (0, 1)

    tight = schedule(meetings=meetings, slots=1, tables=5, caps={1: 5, 2: 5, 10: 5, 11: 5})
    assert len(tight.placements) == 2
    assert set(tight.unplaced.values()) == {NO_COMMON_SLOT}
    capped = schedule(meetings=meetings, slots=3, tables=5, caps={1: 1, 2: 5, 10: 5, 11: 5})
    assert list(capped.unplaced.values()) == [OVER_CAP]


def test_a_slot_holds_the_largest_set_that_can_meet_at_once():
    # Greedy by busiest would seat (1, 10) and block both others; the matching seats (1, 11) and (2, 10).
    agenda = schedule(meetings=[Meeting(1, 1, 10), Meeting(2, 1, 11), Meeting(3, 2, 10)], slots=1, tables=5, caps={})
    assert sorted(p.meeting_id for p in agenda.placements) == [2, 3]


def test_one_table_serialises_the_meetings_and_the_result_is_deterministic():
    meetings = [Meeting(i, i, 100 + i) for i in range(4)]
    first = schedule(meetings=meetings, slots=4, tables=1, caps={})
    assert [p.slot for p in first.placements] == [0, 1, 2, 3]
    assert first == schedule(meetings=list(reversed(meetings)), slots=4, tables=1, caps={})


def test_time_slots_cover_each_day_window():
    slots = time_slots(
        first_day=dt.date(2026, 12, 1),
        last_day=dt.date(2026, 12, 2),
        day_starts=dt.time(9),
        day_ends=dt.time(10, 40),
        minutes=30,
    )
    assert [s.strftime("%d %H:%M") for s, _ in slots] == [
        "01 09:00",
        "01 09:30",
        "01 10:00",
        "02 09:00",
        "02 09:30",
        "02 10:00",
    ]
