"""待办: the clocks of a case as work items, nearest first, in each role's scope; a clock
that stops is 已办. The order is checked against hand-made clocks, and a real case's
hand-over, deadline and 48-hour coordination appear and close as the case moves."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from domain.work import ClockKind, Mark, Owner, WorkClock, mark
from services.work import remaining
from store.db import session_scope
from store.tables import CaseRow
from store.work import WorkFilter, WorkScope, items
from tests.support.driver import BOLE_LAND, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, department, enterprise, oversight

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Beijing


def test_the_mark_follows_the_clock() -> None:
    due = NOW + timedelta(hours=30)
    assert mark(ClockKind.COORDINATION, due, None, NOW) is Mark.GREEN
    assert mark(ClockKind.COORDINATION, due, None, NOW + timedelta(hours=20)) is Mark.AMBER
    assert mark(ClockKind.COORDINATION, due, None, due) is Mark.RED
    warned = NOW - timedelta(hours=1)
    assert mark(ClockKind.MATTER_DEADLINE, NOW + timedelta(days=9), warned, NOW) is Mark.AMBER
    assert remaining(ClockKind.COORDINATION, NOW + timedelta(hours=5, minutes=30), NOW)[0] == (
        "剩5小时"
    )
    # Due at the end of Friday 4 December: Thursday and Friday are left.
    friday_ends = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert remaining(ClockKind.MATTER_DEADLINE, friday_ends, NOW) == ("剩2个工作日", 2)
    assert (
        remaining(ClockKind.MATTER_DEADLINE, datetime(2026, 12, 2, 16, tzinfo=UTC), NOW)[0]
        == "今日到期"
    )
    monday_ended = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # last day: Monday 30 Nov
    assert remaining(ClockKind.MATTER_DEADLINE, monday_ended, NOW) == ("超期2个工作日", -2)


def test_items_of_every_kind_come_nearest_first_within_their_scope(engine: Engine) -> None:
    from store import work

    clocks = [
        WorkClock(kind=kind, matter=m, owner=owner, due_at=NOW + timedelta(hours=h))
        for kind, m, owner, h in [
            (ClockKind.REPORT, "", Owner.COORDINATOR, 90),
            (ClockKind.COORDINATION, "land", Owner.COORDINATOR, 20),
            (ClockKind.BUDGET, "", Owner.COORDINATOR, 900),
            (ClockKind.CALLBACK, "", Owner.COORDINATOR, -5),
        ]
    ]
    with session_scope(engine) as session:
        session.add(
            CaseRow(
                case_id="BZ-2026-09001",
                workflow_id="BZ-2026-09001",
                jurisdiction="BZ",
                park="bole-jinsanjiao",
                enterprise_name="甲",
                uscc="91350100M000100Y43",
                project_name="乙",
                stage="processing",
                opened_at=NOW,
                entrustment_end=date(2027, 6, 30),
                version=1,
            )
        )
        session.flush()
        summary = type("S", (), {})()  # what write_case reads of a summary
        for name, value in {
            "case_id": "BZ-2026-09001",
            "jurisdiction": "BZ",
            "park": "bole-jinsanjiao",
            "uscc": "91350100M000100Y43",
            "cross_county": False,
            "enterprise_name": "甲",
            "project_name": "乙",
            "clocks": clocks,
        }.items():
            setattr(summary, name, value)
        work.write_case(session, summary)
    found, total = items(
        engine, WorkScope(jurisdiction="BZ"), WorkFilter(), now=NOW, offset=0, limit=10
    )
    assert [r.kind for r in found] == ["callback", "coordination", "report", "budget"]
    assert total == 4
    overdue, _ = items(
        engine,
        WorkScope(jurisdiction="BZ"),
        WorkFilter(overdue_only=True),
        now=NOW,
        offset=0,
        limit=10,
    )
    assert [r.kind for r in overdue] == ["callback"]
    elsewhere, _ = items(
        engine, WorkScope(jurisdiction="CJ"), WorkFilter(), now=NOW, offset=0, limit=10
    )
    assert elsewhere == []
    with session_scope(engine) as session:  # the report is filed: its clock stops
        summary.clocks = [c for c in clocks if c.kind is not ClockKind.REPORT]
        work.write_case(session, summary)
    done, _ = items(
        engine, WorkScope(jurisdiction="BZ"), WorkFilter(done=True), now=NOW, offset=0, limit=10
    )
    assert [r.kind for r in done] == ["report"]


async def test_a_cases_clocks_appear_and_close_as_it_moves(driver: CaseDriver, env) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")

    async def listed(headers: dict[str, str], **params: str) -> list[dict]:
        answer = await driver.http.get("/work", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [i for i in answer.json()["items"] if i["case_id"] == case_id]

    clerk = department(BOLE_LAND)
    (hand_off,) = await listed(clerk)
    assert hand_off["kind"] == "hand_off" and hand_off["remaining"].endswith("小时")
    assert hand_off["label"].startswith("受理“建设项目用地预审")
    await driver.department_act(case_id, land, "acceptance", {})
    (deadline,) = await listed(clerk)
    assert deadline["kind"] == "matter_deadline" and "个工作日" in deadline["remaining"]
    assert deadline["mark"] == "green"
    done = await listed(clerk, done="true")
    assert [d["kind"] for d in done] == ["hand_off"]

    await driver.department_act(case_id, land, "correction-request", {"items": ["用地红线图"]})
    await driver.wait_for(case_id, lambda s: s["problems"], "the coordination problem")
    mine = await listed(coordinator())
    assert "coordination" in [i["kind"] for i in mine]
    kinds = [i["kind"] for i in mine]
    assert kinds.index("coordination") == 0 or mine[0]["due_at"] <= mine[1]["due_at"]
    assert await listed(clerk) == []  # paused for the 补正: nothing due from the department
    assert [i["kind"] for i in await listed(enterprise())] == kinds
    assert await listed(oversight()) == []  # a local case
    unknown = await driver.http.get("/work", params={"kind": "nonsense"}, headers=coordinator())
    assert unknown.status_code == 422 and "“nonsense”" in unknown.json()["error"]["message"]
    await record_if_asked(env.client, "work_list_clocks", case_id, [land])
