"""The sprint planner, pure: calendar rules, hard rules as Hypothesis properties, explanations,
and the .ics re-parsed by icalendar and by vobject (an independent parser)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.i18n import Translator
from knowledge.territory import load_gazetteer
from routing.sprints.ics import IcsSprint, sprint_ics
from routing.sprints.planner import Planner, evaluate, plan
from routing.sprints.planning_terms import FACILITATION, Person, Request, Room
from routing.sprints.reasons import render_sprint_reason
from routing.sprints.skills_and_distances import distances, needed_skills
from routing.sprints.working_days import day_pairs, is_working_day
from tests.support.conversation import RULES

PARIS = ZoneInfo("Europe/Paris")
HOLIDAYS_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 1),
    date(2026, 5, 8),
    date(2026, 5, 14),  # Ascension
    date(2026, 5, 25),  # Whit Monday
    date(2026, 7, 14),
    date(2026, 8, 15),
    date(2026, 11, 1),
    date(2026, 11, 11),
    date(2026, 12, 25),
}


def test_no_pair_straddles_or_touches_a_public_holiday() -> None:
    pairs = day_pairs(date(2026, 1, 1), date(2026, 12, 31), RULES)
    days = {d for pair in pairs for d in pair}
    assert not days & HOLIDAYS_2026
    # the days around Ascension Thursday: Wed 13 cannot pair with Thu 14, nor Thu with Fri 15
    assert (date(2026, 5, 13), date(2026, 5, 14)) not in pairs
    assert (date(2026, 5, 12), date(2026, 5, 13)) in pairs
    assert (date(2026, 5, 26), date(2026, 5, 27)) in pairs  # after Whit Monday
    assert (date(2026, 7, 13), date(2026, 7, 14)) not in pairs
    assert (date(2026, 11, 10), date(2026, 11, 11)) not in pairs


def test_friday_and_monday_are_never_paired() -> None:
    for day1, day2 in day_pairs(date(2026, 1, 1), date(2027, 12, 31), RULES):
        assert day1.weekday() <= 3 and (day2 - day1).days == 1
        assert day2.weekday() == day1.weekday() + 1


def test_the_weeks_around_daylight_saving_changes_are_right() -> None:
    # Last Sunday of March 2027 is the 28th, of October 2026 the 25th: no effect on dates.
    march = day_pairs(date(2027, 3, 22), date(2027, 4, 3), RULES)
    assert (date(2027, 3, 26), date(2027, 3, 29)) not in march
    # In 2027 the change falls on Easter Sunday: Monday 29 is Easter Monday, a holiday.
    assert (date(2027, 3, 29), date(2027, 3, 30)) not in march
    assert (date(2027, 3, 30), date(2027, 3, 31)) in march
    assert (date(2027, 3, 25), date(2027, 3, 26)) in march
    assert len(march) == 4 + 3
    october = day_pairs(date(2026, 10, 19), date(2026, 10, 31), RULES)
    assert (date(2026, 10, 26), date(2026, 10, 27)) in october  # Monday after the change
    assert (date(2026, 10, 23), date(2026, 10, 26)) not in october
    assert len(october) == 4 + 4
    # 9:00–17:00 local is 8:00Z before the change and 7:00Z after
    ics = sprint_ics(
        IcsSprint(
            "u@declic", 0, date(2027, 3, 26), date(2027, 3, 29), "X", None, None, 3, tz=PARIS
        ),
        datetime(2027, 3, 1, tzinfo=UTC),
        "fr",
    )
    events = {
        e.decoded("DTSTART").date(): e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")
    }
    assert events[date(2027, 3, 26)].decoded("DTSTART").astimezone(UTC).hour == 8
    assert events[date(2027, 3, 29)].decoded("DTSTART").astimezone(UTC).hour == 7


def _people(n: int = 12) -> list[Person]:
    skills = ["legal", "funding", "space", "communication", "garden", "culture"]
    out = []
    for i in range(n):
        own = {skills[i % len(skills)], skills[(i * 5 + 1) % len(skills)]}
        if i % 4 == 0:
            own.add(FACILITATION)
        out.append(
            Person(i, frozenset(own), territories=frozenset({"glycines"} if i % 3 else set()))
        )
    return out


def _rooms() -> list[Room]:
    return [
        Room(1, "glycines", 20, True),
        Room(2, "bois-fleuri", 40, False),
        Room(3, "centre-ville", 10, True),
        Room(4, "montclair", 100, True),
    ]


def test_three_genuinely_different_options_with_reasons() -> None:
    near = distances(load_gazetteer(), "glycines")
    request = Request(
        frozenset({"legal", "funding", "garden"}), date(2026, 12, 1), date(2027, 2, 28), "glycines"
    )
    result = plan(request, _people(), _rooms(), near=near, rules=RULES)
    assert [o.kind for o in result.options] == ["earliest", "coverage", "nearest"]
    assert len({o.day1 for o in result.options}) == 3
    days = [d for o in result.options for d in (o.day1, o.day2)]
    assert len(days) == len(set(days))  # no shared day: one lost race leaves the others
    assert result.options[0].day1 == date(2026, 12, 1)
    t = Translator("fr")
    texts = [render_sprint_reason(r, t) for r in result.options[0].reasons]
    assert texts[0] == "Les dates les plus proches"
    assert any(text.startswith("Un panel de") for text in texts)
    english = [render_sprint_reason(r, Translator("en")) for r in result.options[0].reasons]
    assert english[0] != texts[0]
    assert all(o.distance <= 2 for o in result.options)  # never Montclair


def test_explanations_when_no_option_exists() -> None:
    request = Request(frozenset({"legal"}), date(2026, 12, 1), date(2027, 1, 31), "glycines")
    near = distances(load_gazetteer(), "glycines")
    nobody = plan(
        request,
        [p for p in _people() if FACILITATION not in p.skills],
        _rooms(),
        near=near,
        rules=RULES,
    )
    assert [p.code for p in nobody.problems] == ["sprint_no_facilitator"]
    small = plan(request, _people(), [Room(1, "glycines", 4, True)], near=near, rules=RULES)
    assert [p.code for p in small.problems] == ["sprint_no_room_big_enough"]
    steps = plan(
        Request(frozenset(), date(2026, 12, 1), date(2027, 1, 31), "glycines", step_free=True),
        _people(),
        [Room(2, "bois-fleuri", 40, False)],
        near=near,
        rules=RULES,
    )
    assert [p.code for p in steps.problems] == ["sprint_no_room_step_free"]
    unknown = plan(
        Request(frozenset({"astronomy", "legal"}), date(2026, 12, 1), date(2027, 1, 31)),
        _people(),
        _rooms(),
        rules=RULES,
    )
    assert unknown.unknown_skills == {"astronomy"} and unknown.options
    assert all("astronomy" in o.missing for o in unknown.options)
    busy = [Person(p.id, p.skills, busy=frozenset(_every_day())) for p in _people()]
    none_free = plan(
        Request(frozenset(), date(2026, 12, 1), date(2027, 1, 31)), busy, _rooms(), rules=RULES
    )
    assert [p.code for p in none_free.problems] == ["sprint_nobody_free"]
    assert (
        plan(
            Request(frozenset(), date(2026, 12, 25), date(2026, 12, 26)),
            _people(),
            _rooms(),
            rules=RULES,
        )
        .problems[0]
        .code
        == "sprint_no_days"
    )


def _every_day() -> list[date]:
    return [date(2026, 12, 1) + timedelta(days=i) for i in range(70)]


def test_needs_become_skills() -> None:
    assert needed_skills(["place", "funding", "peers"], ["garden"], step_free=True) == {
        "space",
        "funding",
        "garden",
        "accessibility",
    }


weekday_sets = st.frozensets(st.integers(0, 4), min_size=1)
start = date(2026, 11, 30)
days = st.builds(lambda n: start + timedelta(days=n), st.integers(0, 60))
skills = st.sampled_from(["legal", "funding", "space", "garden", FACILITATION])
people_strategy = st.lists(
    st.builds(
        Person,
        id=st.integers(1, 10_000),
        skills=st.frozensets(skills, min_size=1, max_size=3),
        weekdays=weekday_sets,
        monthly_cap=st.integers(0, 3),
        busy=st.frozensets(days, max_size=20),
        load=st.dictionaries(
            st.sampled_from([(2026, 12), (2027, 1)]), st.integers(0, 3), max_size=2
        ),
    ),
    min_size=0,
    max_size=25,
    unique_by=lambda p: p.id,
)
rooms_strategy = st.lists(
    st.builds(
        Room,
        id=st.integers(1, 1000),
        territory=st.sampled_from(["glycines", "bois-fleuri", "gare", "montclair", None]),
        capacity=st.one_of(st.none(), st.integers(1, 50)),
        step_free=st.one_of(st.none(), st.booleans()),
        busy=st.frozensets(days, max_size=30),
    ),
    max_size=8,
    unique_by=lambda r: r.id,
)
NEAR = distances(load_gazetteer(), "glycines")


@settings(max_examples=150, deadline=None)
@given(
    people=people_strategy,
    rooms=rooms_strategy,
    needed=st.frozensets(skills, max_size=4),
    step_free=st.booleans(),
    span=st.integers(1, 60),
)
def test_every_option_respects_every_hard_rule(people, rooms, needed, step_free, span) -> None:  # type: ignore[no-untyped-def]
    rules = RULES
    request = Request(needed, start, start + timedelta(days=span), "glycines", step_free)
    result = plan(request, people, rooms, rules, near=NEAR)
    by_id = {p.id: p for p in people}
    room_by_id = {r.id: r for r in rooms}
    assert len(result.options) <= 3
    assert bool(result.options) != bool(result.problems)
    assert len({(o.day1, o.room_id) for o in result.options}) == len(result.options)
    for option in result.options:
        assert start <= option.day1 and option.day2 <= request.latest
        assert option.day2 == option.day1 + timedelta(days=1)
        assert is_working_day(option.day1, RULES) and is_working_day(option.day2, RULES)
        assert rules.panel_min <= len(option.panel) <= rules.panel_max
        assert len(set(option.panel)) == len(option.panel)
        assert option.facilitator_id in option.panel
        assert FACILITATION in by_id[option.facilitator_id].skills
        month = (option.day1.year, option.day1.month)
        for pid in option.panel:
            person = by_id[pid]
            assert option.day1.weekday() in person.weekdays
            assert option.day2.weekday() in person.weekdays
            assert option.day1 not in person.busy and option.day2 not in person.busy
            assert person.load.get(month, 0) < person.monthly_cap
        room = room_by_id[option.room_id]
        assert room.capacity is not None and room.capacity >= request.attendees
        assert option.day1 not in room.busy and option.day2 not in room.busy
        if step_free:
            assert room.step_free is True
        assert NEAR.get(room.territory or "", 3) <= rules.max_distance
        assert option.covered | option.missing == needed
        covered_by_panel = set().union(*(by_id[p].skills for p in option.panel))
        assert option.covered <= covered_by_panel
        again = evaluate(Planner(people, rooms, rules), request, NEAR, option.day1, option.room_id)
        assert again is not None and again.day1 == option.day1


def test_the_ics_is_valid_for_icalendar_and_for_vobject() -> None:
    sprint = IcsSprint(
        uid="sprint-abc@declic",
        sequence=2,
        day1=date(2026, 12, 8),
        day2=date(2026, 12, 9),
        title="Un jardin partagé",
        room_name="Salle des Glycines",
        address="4 place des Glycines, Rivebelle",
        panel_size=4,
        tz=PARIS,
    )
    raw = sprint_ics(sprint, datetime(2026, 11, 23, 9, tzinfo=UTC), "fr")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == ["sprint-abc@declic-1", "sprint-abc@declic-2"]
    first = events[0].decoded("DTSTART")
    assert first.tzinfo is not None and first.astimezone(PARIS).hour == 9
    assert events[0].decoded("DTEND").astimezone(PARIS).hour == 17
    assert int(events[0]["SEQUENCE"]) == 2
    parsed = vobject.readOne(raw.decode("utf-8"))
    assert parsed.method.value == "REQUEST"
    vevents = parsed.vevent_list
    assert [v.uid.value for v in vevents] == ["sprint-abc@declic-1", "sprint-abc@declic-2"]
    assert vevents[1].dtstart.value.astimezone(PARIS) == datetime(2026, 12, 9, 9, tzinfo=PARIS)
    assert vevents[0].location.value.startswith("Salle des Glycines")
    assert vevents[0].sequence.value == "2"
    cancelled = sprint_ics(
        IcsSprint(**{**sprint.__dict__, "cancelled": True, "sequence": 3}),
        datetime(2026, 11, 24, tzinfo=UTC),
        "fr",
    )
    again = vobject.readOne(cancelled.decode("utf-8"))
    assert again.method.value == "CANCEL"
    assert all(v.status.value == "CANCELLED" for v in again.vevent_list)
