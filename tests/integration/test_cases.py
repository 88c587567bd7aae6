"""Cases on a real database (SQLite and PostgreSQL): routing, the queue, claims under
concurrency, transfers, hand back, resolution, replies and service levels in working time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot.wire import telegram_call
from infra.clock import FrozenClock
from infra.db import make_engine
from infra.settings import Settings
from infra.uow import UnitOfWork, uow_factory_for
from routing.cases import service as cases
from routing.cases import service_levels
from routing.cases import states as case_states
from routing.cases import teams as case_teams
from routing.cases import views as case_views
from routing.cases.records import CaseEvent
from routing.journey.records import Case, Idea, JourneyEvent, Message, OutgoingMessage, Resident
from routing.staff import Actor
from routing.staff.records import StaffMember

PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
SETTINGS = Settings(
    _env_file=None,  # type: ignore[call-arg]
    case_escalate_after_working_minutes=120,
    case_holder_silence_minutes=240,
)
Factory = Callable[[], UnitOfWork]


async def _staff(uow: UnitOfWork, name: str, role: str = "agent") -> int:
    email = f"{name.split()[0].lower()}@ville.example"
    row = StaffMember(
        email=email,
        display_name=name,
        role=role,
        password_hash="-",
        active=True,
        created_at=MONDAY_10,
    )
    uow.session.add(row)
    await uow.session.flush()
    return row.id


async def _resident(
    uow: UnitOfWork,
    user: str,
    *,
    neighbourhood: str | None = None,
    themes: tuple[str, ...] = (),
    locale: str = "fr",
) -> tuple[int, int]:
    resident = Resident(
        channel="telegram",
        external_id=user,
        chat_id=user,
        display_name="Nina",
        locale=locale,
        neighbourhood=neighbourhood,
        reachable=True,
        followups_paused=False,
        created_at=MONDAY_10,
        last_seen_at=MONDAY_10,
    )
    uow.session.add(resident)
    await uow.session.flush()
    idea = Idea(
        ref=f"D-T{user}",
        resident_id=resident.id,
        status="submitted",
        text="Un potager partagé",
        title="Un potager partagé",
        neighbourhood=neighbourhood,
        needs=[],
        themes=list(themes),
        unmet_needs=[],
        locale=locale,
        created_at=MONDAY_10,
        updated_at=MONDAY_10,
    )
    uow.session.add(idea)
    await uow.session.flush()
    return resident.id, idea.id


class World:
    """Two teams, three agents and a coordinator; rules route nature and Les Tanneurs."""

    gardens: int
    tanneurs: int
    awa: int
    bruno: int
    chloe: int
    coordinator: int


@pytest.fixture
async def world(uow_factory: Factory) -> World:
    w = World()
    async with uow_factory() as uow:
        w.gardens = (
            await case_teams.create_team(uow, "jardins", "Jardins & Nature", ["nature"])
        ).id
        w.tanneurs = (
            await case_teams.create_team(uow, "tanneurs", "Quartier des Tanneurs", [], ["tanneurs"])
        ).id
        await case_teams.add_rule(uow, w.tanneurs, priority=10, neighbourhood="tanneurs")
        w.awa = await _staff(uow, "Awa Diallo")
        w.bruno = await _staff(uow, "Bruno Martin")
        w.chloe = await _staff(uow, "Chloé Petit")
        w.coordinator = await _staff(uow, "Dominique Roux", "coordinator")
        await case_teams.add_member(uow, w.gardens, w.awa)
        await case_teams.add_member(uow, w.gardens, w.bruno)
        await case_teams.add_member(uow, w.tanneurs, w.chloe)
        await uow.commit()
    return w


async def _open(
    uow_factory: Factory, user: str, now: datetime = MONDAY_10, reason: str = "asked", **kw
) -> int:
    async with uow_factory() as uow:
        resident_id, idea_id = await _resident(uow, user, **kw)
        case = await cases.open_case(uow, resident_id, idea_id, reason, now, "resident")
        await uow.commit()
        return case.id


async def _outbox(uow_factory: Factory) -> list[OutgoingMessage]:
    async with uow_factory() as uow:
        return list((await uow.session.scalars(select(OutgoingMessage).order_by("id"))).all())


async def _journey(uow_factory: Factory, kind: str) -> list[JourneyEvent]:
    async with uow_factory() as uow:
        query = select(JourneyEvent).where(JourneyEvent.kind == kind).order_by(JourneyEvent.id)
        return list((await uow.session.scalars(query)).all())


# -- opening, routing, queue -----------------------------------------------------------------


async def test_a_case_goes_to_the_team_of_its_rule_or_scope_and_opening_twice_reuses_it(
    uow_factory: Factory, world: World
) -> None:
    tanneurs = await _open(uow_factory, "1", neighbourhood="tanneurs", themes=("nature",))
    garden = await _open(uow_factory, "2", neighbourhood="glycines", themes=("nature",))
    nowhere = await _open(uow_factory, "3", neighbourhood="glycines", themes=("music",))
    async with uow_factory() as uow:
        teams = {c.id: c.team_id for c in (await uow.session.scalars(select(Case))).all()}
        resident_id = (await uow.session.get(Case, garden)).resident_id  # type: ignore[union-attr]
        again = await cases.open_case(uow, resident_id, None, "voice", MONDAY_10, "dialogue")
        await uow.commit()
    assert teams == {tanneurs: world.tanneurs, garden: world.gardens, nowhere: None}
    assert again.id == garden
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Case)) == 3
        opened = (await uow.session.scalars(select(CaseEvent.kind))).all()
    assert opened == ["opened"] * 3
    events = await _journey(uow_factory, "case_opened")
    assert [e.data["team"] for e in events if "team" in e.data] == ["tanneurs", "jardins"]
    assert all("Nina" not in str(e.data) and "potager" not in str(e.data) for e in events)


async def test_two_turns_asking_for_a_person_at_once_make_one_case_and_both_commit(
    backend: str, migrated_url: str, uow_factory: Factory, world: World
) -> None:
    """Two turns of one resident open a case at the same moment. PostgreSQL (two workers):
    the second's INSERT waits for the first's transaction, then finds its case; SQLite's one
    writer queues the turns in the application. Either way one case, one history, and the
    second turn's own writes commit too."""
    async with uow_factory() as uow:
        resident_id, idea_id = await _resident(uow, "1", themes=("nature",))
        await uow.commit()
    other = make_engine(migrated_url) if backend == "postgresql" else None
    second_factory = uow_factory_for(other) if other is not None else uow_factory

    async def generic_plans(uow: UnitOfWork) -> None:
        # As asyncpg's prepared statements get after a few executions: a generic plan sees
        # no parameter's value (the partial index must be inferred without them).
        if backend == "postgresql":
            await uow.session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))

    async def second_turn() -> int:
        async with second_factory() as uow:
            await generic_plans(uow)
            case = await cases.open_case(
                uow, resident_id, idea_id, "blocked", MONDAY_10, "dialogue"
            )
            uow.session.add(
                Message(
                    resident_id=resident_id,
                    direction="in",
                    kind="text",
                    text="allô ?",
                    created_at=MONDAY_10,
                )
            )
            await uow.commit()
            return case.id

    try:
        async with uow_factory() as first:
            await generic_plans(first)
            opened = await cases.open_case(
                first, resident_id, idea_id, "asked", MONDAY_10, "resident"
            )
            task = asyncio.create_task(second_turn())
            if other is not None:  # wait until the second INSERT waits for this transaction
                for _ in range(200):
                    async with uow_factory() as probe:
                        waiting = await probe.session.scalar(
                            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        )
                    if waiting:
                        break
                    await asyncio.sleep(0.05)
                assert waiting, "the second turn never waited for the first"
            await first.commit()
        joined = await asyncio.wait_for(task, 30)
    finally:
        if other is not None:
            await other.dispose()
    assert joined == opened.id
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Case)) == 1
        assert (await uow.session.scalars(select(CaseEvent.kind))).all() == ["opened"]
        assert await uow.session.scalar(select(func.count()).select_from(Message)) == 1
    assert len(await _journey(uow_factory, "case_opened")) == 1


async def test_the_queue_is_longest_waiting_first_and_agents_see_their_teams_only(
    uow_factory: Factory, world: World
) -> None:
    later = await _open(uow_factory, "1", MONDAY_10, themes=("nature",))
    earlier = await _open(uow_factory, "2", MONDAY_10 - timedelta(hours=3), themes=("nature",))
    other = await _open(uow_factory, "3", MONDAY_10 - timedelta(hours=5), neighbourhood="tanneurs")
    orphan = await _open(uow_factory, "4", MONDAY_10 - timedelta(hours=1), themes=("music",))
    async with uow_factory() as uow:
        awa = await case_views.queue(uow, world.awa, MONDAY_10)
        chloe = await case_views.queue(uow, world.chloe, MONDAY_10)
        coordinator = await case_views.queue(uow, world.coordinator, MONDAY_10)
    assert [c.id for c in awa] == [earlier, later]
    assert awa[0].waiting_minutes == 180 and awa[0].team_name == "Jardins & Nature"
    assert [c.id for c in chloe] == [other]
    assert [c.id for c in coordinator] == [other, earlier, orphan, later]


# -- claiming ----------------------------------------------------------------------------------


async def test_twenty_agents_claiming_at_once_make_exactly_one_winner(
    migrated_url: str, uow_factory: Factory, world: World
) -> None:
    case_id = await _open(uow_factory, "1", themes=("nature",))
    async with uow_factory() as uow:
        claimers = [await _staff(uow, f"Agent{i} Test") for i in range(20)]
        for staff_id in claimers:
            await case_teams.add_member(uow, world.gardens, staff_id)
        await uow.commit()
    engines = [make_engine(migrated_url) for _ in claimers]  # a connection of their own each
    ready = asyncio.Barrier(len(claimers))

    async def attempt(engine, staff_id: int) -> bool:  # type: ignore[no-untyped-def]
        async with uow_factory_for(engine)() as uow:
            await uow.session.scalar(select(Case.status).where(Case.id == case_id))
            await ready.wait()  # everyone has read "open" before anyone claims
            won = await cases.claim(uow, case_id, Actor(staff_id, "console"), MONDAY_10)
            await uow.commit()
            return won

    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(attempt(e, s) for e, s in zip(engines, claimers, strict=True))),
            timeout=60,
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert results.count(True) == 1
    winner = claimers[results.index(True)]
    async with uow_factory() as uow:
        case = await uow.session.get(Case, case_id)
        claimed = (
            await uow.session.scalars(select(CaseEvent).where(CaseEvent.kind == "claimed"))
        ).all()
    assert case is not None and (case.status, case.holder_id) == ("claimed", winner)
    assert [e.actor_id for e in claimed] == [winner]
    assert len(await _journey(uow_factory, "case_claimed")) == 1
    notices = await _outbox(uow_factory)
    assert len(notices) == 1
    assert notices[0].payload == {
        "text": f"Bonjour ! Je suis Agent{results.index(True)}, de l'équipe Jardins & Nature. "
        "Je m'occupe de ta demande et je te réponds ici."
    }
    notice = notices[0]
    assert telegram_call(notice.method, notice.payload)[0] == "sendMessage"
    assert (notice.chat_id, notice.status) == ("1", "pending")


async def test_an_agent_cannot_take_another_teams_case_but_a_coordinator_can_assign_it(
    uow_factory: Factory, world: World
) -> None:
    case_id = await _open(uow_factory, "1", neighbourhood="tanneurs")
    async with uow_factory() as uow:
        with pytest.raises(case_states.NotAllowed):
            await cases.claim(uow, case_id, Actor(world.awa, "console"), MONDAY_10)
        with pytest.raises(case_states.NotAllowed):
            await cases.assign(uow, case_id, Actor(world.awa, "console"), world.chloe, MONDAY_10)
        assert await cases.assign(
            uow, case_id, Actor(world.coordinator, "console"), world.awa, MONDAY_10
        )
        assert not await cases.claim(
            uow, case_id, Actor(world.chloe, "console"), MONDAY_10
        )  # already taken
        with pytest.raises(case_states.NotAllowed):
            await cases.reply(uow, case_id, Actor(world.chloe, "console"), "Bonjour", MONDAY_10)
        await uow.commit()


# -- passing on and closing ------------------------------------------------------------------


async def test_transfer_to_a_team_requeues_and_to_a_person_tells_the_resident(
    uow_factory: Factory, world: World
) -> None:
    case_id = await _open(uow_factory, "1", themes=("nature",))
    later = MONDAY_10 + timedelta(minutes=30)
    async with uow_factory() as uow:
        assert await cases.claim(uow, case_id, Actor(world.awa, "console"), MONDAY_10)
        await cases.transfer(
            uow,
            case_id,
            Actor(world.awa, "console"),
            later,
            to_team_id=world.tanneurs,
            note="Tanneurs",
        )
        await uow.commit()
    async with uow_factory() as uow:
        view = await case_views.case_view(uow, case_id, later)
        assert [c.id for c in await case_views.queue(uow, world.chloe, later)] == [case_id]
        assert await case_views.queue(uow, world.awa, later) == []
    assert (view.status, view.team_id, view.holder_id, view.queued_at) == (
        "open",
        world.tanneurs,
        None,
        later,
    )
    async with uow_factory() as uow:
        await cases.transfer(
            uow, case_id, Actor(world.coordinator, "console"), later, to_staff_id=world.chloe
        )
        await uow.commit()
    async with uow_factory() as uow:
        view = await case_views.case_view(uow, case_id, later)
        events = await case_views.history(uow, case_id)
    assert (view.status, view.holder_id) == ("claimed", world.chloe)
    assert [e.kind for e in events] == ["opened", "claimed", "transferred", "transferred"]
    assert events[2].note == "Tanneurs" and events[2].data["to_team"] == world.tanneurs
    assert events[3].actor_name == "Dominique Roux"
    texts = [row.payload["text"] for row in await _outbox(uow_factory)]
    assert texts[-1].startswith("Bonjour ! Je suis Chloé, de l'équipe Quartier des Tanneurs.")


async def test_hand_back_and_resolve_close_the_case_and_tell_the_resident(
    uow_factory: Factory, world: World
) -> None:
    first = await _open(uow_factory, "1", themes=("nature",))
    second = await _open(uow_factory, "2", themes=("nature",), locale="en")
    async with uow_factory() as uow:
        assert await cases.claim(uow, first, Actor(world.awa, "console"), MONDAY_10)
        assert await cases.claim(uow, second, Actor(world.bruno, "console"), MONDAY_10)
        await cases.hand_back(
            uow, first, Actor(world.awa, "console"), MONDAY_10 + timedelta(minutes=5)
        )
        await cases.resolve(
            uow,
            second,
            Actor(world.bruno, "console"),
            "answered",
            "Orientée vers la MJC",
            MONDAY_10,
        )
        with pytest.raises(case_states.InvalidRequest):
            await cases.resolve(uow, first, Actor(world.awa, "console"), "whatever", "", MONDAY_10)
        await uow.commit()
    async with uow_factory() as uow:
        one = await uow.session.get(Case, first)
        two = await uow.session.get(Case, second)
        with pytest.raises(case_states.CaseClosed):
            await cases.resolve(uow, first, Actor(world.awa, "console"), "answered", "", MONDAY_10)
    assert one is not None and two is not None
    assert (one.status, one.outcome) == ("resolved", "handed_back")
    assert (two.status, two.outcome, two.resolution_note) == (
        "resolved",
        "answered",
        "Orientée vers la MJC",
    )
    texts = [row.payload["text"] for row in await _outbox(uow_factory)]
    assert texts[-2].startswith("C'est de nouveau moi, Déclic. Awa m'a redonné la main")
    assert texts[-1].startswith("Your request is closed")
    resolved = await _journey(uow_factory, "case_resolved")
    assert sorted(e.data["outcome"] for e in resolved) == ["answered", "handed_back"]
    assert [e.data["minutes"] for e in resolved if e.data["outcome"] == "handed_back"] == [5]


# -- the conversation with a person ----------------------------------------------------------


async def test_a_reply_is_a_signed_outbox_row_and_only_the_first_is_a_milestone(
    uow_factory: Factory, world: World
) -> None:
    case_id = await _open(uow_factory, "1", themes=("nature",))
    async with uow_factory() as uow:
        assert await cases.claim(uow, case_id, Actor(world.awa, "console"), MONDAY_10)
        first = await cases.reply(
            uow,
            case_id,
            Actor(world.awa, "console"),
            "  Bonjour Nina !  ",
            MONDAY_10 + timedelta(minutes=47),
        )
        second = await cases.reply(
            uow, case_id, Actor(world.awa, "console"), "Tu es là ?", MONDAY_10 + timedelta(hours=2)
        )
        with pytest.raises(case_states.InvalidRequest):
            await cases.reply(uow, case_id, Actor(world.awa, "console"), "   ", MONDAY_10)
        await uow.commit()
    async with uow_factory() as uow:
        row = await uow.session.get(OutgoingMessage, first)
        again = await uow.session.get(OutgoingMessage, second)
        case = await uow.session.get(Case, case_id)
        said = await case_views.transcript(uow, case_id)
        newer = await case_views.transcript(uow, case_id, after_id=said[0].id)
    assert row is not None and again is not None and case is not None
    assert telegram_call(row.method, row.payload)[0] == "sendMessage"
    assert row.chat_id == "1" and row.status == "pending"
    assert row.payload == {"text": "Bonjour Nina !\n\n— Awa, équipe Jardins & Nature"}
    assert case.status == "waiting" and case.awaiting_holder_since is None
    assert [(m.direction, m.text, m.author) for m in said] == [
        ("out", "Bonjour Nina !", "Awa Diallo"),
        ("out", "Tu es là ?", "Awa Diallo"),
    ]
    assert [m.text for m in newer] == ["Tu es là ?"]
    firsts = await _journey(uow_factory, "first_human_reply")
    assert len(firsts) == 1 and firsts[0].data["minutes"] == 47
    assert "Nina" not in str(firsts[0].data)


# -- service levels ----------------------------------------------------------------------------


async def test_an_unclaimed_case_escalates_after_two_working_hours_not_overnight(
    uow_factory: Factory, world: World
) -> None:
    clock = FrozenClock(datetime(2026, 11, 27, 16, 30, tzinfo=PARIS))  # a Friday afternoon
    case_id = await _open(uow_factory, "1", clock.now(), themes=("nature",))

    async def enforce() -> service_levels.ServiceLevelReport:
        async with uow_factory() as uow:
            report = await service_levels.enforce_service_levels(uow, clock.now(), SETTINGS)
            await uow.commit()
            return report

    clock.set(datetime(2026, 11, 27, 23, 0, tzinfo=PARIS))
    assert (await enforce()).escalated == ()
    clock.set(datetime(2026, 11, 30, 9, 59, tzinfo=PARIS))  # 60 min on Friday + 59 on Monday
    assert (await enforce()).escalated == ()
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=PARIS))
    assert (await enforce()).escalated == (case_id,)
    assert (await enforce()).escalated == ()  # once
    async with uow_factory() as uow:
        queue = await case_views.queue(uow, world.coordinator, clock.now())
        kinds = [e.kind for e in await case_views.history(uow, case_id)]
    assert [c.id for c in queue] == [case_id] and queue[0].escalated  # still waiting, flagged
    assert kinds == ["opened", "escalated"]


async def test_a_silent_holder_gives_the_case_back_to_the_queue(
    uow_factory: Factory, world: World
) -> None:
    clock = FrozenClock(MONDAY_10)
    quiet = await _open(uow_factory, "1", themes=("nature",))
    talking = await _open(uow_factory, "2", themes=("nature",))
    async with uow_factory() as uow:
        assert await cases.claim(uow, quiet, Actor(world.awa, "console"), clock.now())
        assert await cases.claim(uow, talking, Actor(world.bruno, "console"), clock.now())
        await cases.reply(uow, talking, Actor(world.bruno, "console"), "Je regarde ça", clock.now())
        await uow.commit()

    async def enforce() -> service_levels.ServiceLevelReport:
        async with uow_factory() as uow:
            report = await service_levels.enforce_service_levels(uow, clock.now(), SETTINGS)
            await uow.commit()
            return report

    clock.advance(timedelta(hours=3, minutes=59))
    assert (await enforce()).returned == ()
    clock.advance(timedelta(minutes=1))
    report = await enforce()
    assert report.returned == (quiet,)
    clock.advance(timedelta(days=2))  # the resident has not answered Bruno: nothing to do
    assert (await enforce()).returned == ()
    async with uow_factory() as uow:
        case = await uow.session.get(Case, talking)
        assert case is not None
        await cases.record_resident_message(uow, case, None, clock.now())  # the resident writes
        await uow.commit()
    clock.advance(timedelta(hours=4))  # Wednesday 14:00 → 18:00: 3 h 30 of working time
    assert (await enforce()).returned == ()
    clock.advance(timedelta(hours=15, minutes=30))  # Thursday 9:30: 4 h of working time
    assert (await enforce()).returned == (talking,)
    async with uow_factory() as uow:
        back = await case_views.queue(uow, world.awa, clock.now())
    assert {c.id for c in back} == {quiet, talking}
    assert all(c.holder_id is None for c in back)
