"""Ops on a real dev server: a bad deploy found and reset, a retrying activity found, a
corrupted projection found and rebuilt, and the batch replay of recorded histories."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.client import Client

from activities.ledger import LedgerActivities
from activities.names import RECORD_EVENT
from domain.ledger import LedgerEvent, LedgerWrite
from ops.cli import main as ops_cli
from ops.repair import reset_to_last_good
from ops.replay import replay_workflow
from ops.stuck import Stuck, StuckKind, find_stuck
from store import accounts, ledger
from store.tables import CaseCountyRow, CaseRow, MatterRow
from tests.api.test_console import _sign_in
from tests.support.bad_deploy import CaseWorkflowFromABadDeploy
from tests.support.driver import CaseDriver, plan
from tests.support.identities import ops, oversight
from tests.support.polling import eventually
from workflows.matter import MatterWorkflow


class LedgerWithAnOutage(LedgerActivities):
    """The database refuses the plan's entry until it is back and the write is retried from
    attempt 1: no retry on Temporal's own schedule (attempt 2, 3, ...) ever gets through, so
    only an ops retry can finish the case."""

    database_back = False

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, write: LedgerWrite) -> bool:
        if write.entry.event is LedgerEvent.PLAN_AGREED and (
            activity.info().attempt > 1 or not self.database_back
        ):
            raise ConnectionError("database is down")
        return super().record_event(write)


async def _until(find: Callable, what: str, seconds: float = 60):
    return await eventually(find, what, timeout=seconds, interval=0.1)


def _of(stuck: list[Stuck], case_id: str, kind: StuckKind) -> list[Stuck]:
    return [s for s in stuck if s.case_id == case_id and s.kind is kind]


async def test_a_bad_deploy_is_found_replayed_and_reset_without_losing_the_ledger(
    app_on_dev_server: CaseDriver,
    worker_on,
    dev_client: Client,
    engine: Engine,
) -> None:
    driver = app_on_dev_server
    async with worker_on(workflows=[CaseWorkflowFromABadDeploy, MatterWorkflow]):
        case_id = await driver.open()
        await _until(
            lambda: _ledger_has(driver, case_id, "application_received"), "the application"
        )

    async with worker_on():  # the fix is deployed; the bad history cannot be replayed
        replayed = await replay_workflow(dev_client, case_id)
        assert not replayed.ok and "Nondeterminism" in replayed.divergence
        await dev_client.get_workflow_handle(case_id).signal("ops_probe")  # any new event
        stuck = await _until(
            lambda: _stuck(dev_client, engine, case_id, StuckKind.WORKFLOW_TASK_FAILING),
            "the failing workflow task",
        )
        assert "连续失败" in stuck[0].reason and "Nondeterminism" in stuck[0].detail

        outcome = await reset_to_last_good(
            dev_client, engine, case_id, operator="ops.zhou", reason="回滚不兼容的发布"
        )
        assert outcome.reset_to_event == 4  # the first task, where the bad timer came from
        accepted = await driver.accept(case_id)
        assert accepted["stage"] == "planning"
        assert (await replay_workflow(dev_client, case_id)).ok
        assert not await _stuck(dev_client, engine, case_id, StuckKind.WORKFLOW_TASK_FAILING)

    events = [(e["event"], e["actor"]["id"]) for e in await driver.ledger(case_id)]
    assert events.count(("application_received", "li.si")) == 1  # written once, kept once
    assert ("ops_action", "ops.zhou") in events
    assert events[-1] == ("application_accepted", "li.si")


async def test_an_activity_that_keeps_failing_is_found_and_retried(
    app_on_dev_server: CaseDriver,
    worker_on,
    dev_client: Client,
    engine: Engine,
) -> None:
    driver = app_on_dev_server
    ledger = LedgerWithAnOutage(engine)
    async with worker_on(ledger):
        case_id = await driver.open()
        await driver.accept(case_id)
        planning = asyncio.create_task(driver.plan(case_id))
        stuck = await _until(
            lambda: _stuck(dev_client, engine, case_id, StuckKind.ACTIVITY_RETRYING),
            "the retrying ledger write",
        )
        assert "record_event" in stuck[0].reason and "database is down" in stuck[0].detail

        ledger.database_back = True
        retried = await driver.http.post(
            f"/ops/workflows/{case_id}/activity-retry",
            json={"reason": "数据库已恢复", "activity_type": "record_event"},
            headers=ops(),
        )
        assert retried.status_code == 200 and retried.json() == ["record_event"]
        assert (await planning)["stage"] == "processing"
    events = [(e["event"], e["actor"]["id"]) for e in await driver.ledger(case_id)]
    assert events.count(("plan_agreed", "li.si")) == 1
    assert ("ops_action", "ops.zhou") in events


async def test_a_corrupted_projection_is_found_and_rebuilt(
    app_on_dev_server: CaseDriver,
    worker_on,
    dev_client: Client,
    engine: Engine,
) -> None:
    driver = app_on_dev_server
    async with worker_on():
        case_id = await driver.open()
        await driver.accept(case_id)
        await driver.plan(case_id)
        await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
        with Session(engine) as session:  # a bad manual fix, or a restore from an old backup
            row = session.get(CaseRow, case_id)
            assert row is not None
            row.stage = "archived"
            matter = session.get(MatterRow, (case_id, "land-preexamination"))
            assert matter is not None
            matter.state, matter.overdue = "accepted", True
            session.add_all([row, matter])
            session.commit()

        ops_staff = ops()
        listed = (await driver.http.get("/ops/stuck", headers=ops_staff)).json()
        mine = [item for item in listed if item["case_id"] == case_id]
        drift = [item["reason"] for item in mine if item["kind"] == "projection_drift"]
        assert any("archived" in r and "processing" in r for r in drift)
        assert any("超期状态（True）与工作流（False）" in r for r in drift)
        assert "human_step_overdue" in {item["kind"] for item in mine}

        rebuilt = await driver.http.post(
            f"/ops/cases/{case_id}/projection-rebuild",
            json={"reason": "投影被误改"},
            headers=ops_staff,
        )
        assert rebuilt.status_code == 200 and rebuilt.json()["stage"] == "processing"
        replayed = await driver.http.post(f"/ops/workflows/{case_id}/replay", headers=ops_staff)
        assert replayed.json()["ok"] is True
        with Session(engine) as session:
            assert session.get(MatterRow, (case_id, "land-preexamination")).state == "handed_over"
        assert not _of(await find_stuck(dev_client, engine), case_id, StuckKind.PROJECTION_DRIFT)
    ops_entries = [e for e in await driver.ledger(case_id) if e["event"] == "ops_action"]
    assert [e["actor"] for e in ops_entries] == [
        {"id": "ops.zhou", "role": "ops", "department": None}
    ]


async def test_projection_drift_from_temporal_visibility_is_found_and_repaired(
    app_on_dev_server: CaseDriver,
    worker_on,
    dev_client: Client,
    engine: Engine,
) -> None:
    """The oversight view's cross-check: stage and counties of a 五台片区 case, in the
    projection and in the workflow's search attributes."""
    driver = app_on_dev_server
    matters = ["enterprise-registration", "land-preexamination"]
    async with worker_on():
        case_id = await driver.open(park="bole-wutai", matters=matters)
        await driver.accept(case_id)
        await driver.post(f"/cases/{case_id}/plan", plan(matters))
        await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
        oversight_staff = oversight()

        async def drift() -> list[dict]:
            listed = (await driver.http.get("/oversight/drift", headers=oversight_staff)).json()
            return [d for d in listed if d["case_id"] == case_id]

        await _until(lambda: _visible_in(dev_client, case_id, "processing"), "visibility")
        assert await drift() == []
        with Session(engine) as session:  # a restore from last week's backup, say
            row = session.get(CaseRow, case_id)
            assert row is not None
            row.stage = "planning"
            session.add(row)
            session.delete(session.get(CaseCountyRow, (case_id, "精河县")))
            session.commit()
        found = {d["attribute"]: d for d in await drift()}
        assert found["CaseStage"]["projection"] == "planning"
        assert found["CaseStage"]["temporal"] == "processing"
        assert found["Counties"]["projection"] == "['博乐市']"
        assert found["Counties"]["temporal"] == "['博乐市', '精河县']"
        stuck = (await driver.http.get("/ops/stuck", headers=ops())).json()
        reasons = [s["reason"] for s in stuck if s["case_id"] == case_id]
        assert any("所涉县市" in reason for reason in reasons)

        await driver.http.post(
            f"/ops/cases/{case_id}/projection-rebuild",
            json={"reason": "从备份恢复后投影不一致"},
            headers=ops(),
        )
        assert await drift() == []


async def _visible_in(client: Client, case_id: str, stage: str) -> bool:
    """Visibility is eventually consistent: wait until it shows the case at ``stage``."""
    query = f"WorkflowId = '{case_id}' AND CaseStage = '{stage}'"
    return any([execution async for execution in client.list_workflows(query)])


def test_the_batch_replay_of_recorded_histories_passes(capsys: pytest.CaptureFixture) -> None:
    histories = Path(__file__).parents[1] / "histories"
    assert ops_cli(["--json", "replay", "--histories", str(histories)]) == 0
    assert '"ok": false' not in capsys.readouterr().out


async def _ledger_has(driver: CaseDriver, case_id: str, event: str) -> bool:
    return any(e["event"] == event for e in await driver.ledger(case_id))


async def _stuck(client: Client, engine: Engine, case_id: str, kind: StuckKind) -> list[Stuck]:
    return _of(await find_stuck(client, engine), case_id, kind)


async def test_ops_staff_find_and_repair_a_case_and_manage_accounts_in_the_console(
    app_on_dev_server: CaseDriver, worker_on, engine: Engine
) -> None:
    driver = app_on_dev_server
    async with worker_on():
        case_id = await driver.open()
        await driver.accept(case_id)
        with Session(engine) as session:  # a bad manual fix
            row = session.get(CaseRow, case_id)
            assert row is not None
            row.stage = "archived"
            session.add(row)
            session.commit()
        http = driver.http
        http.headers.pop("Authorization", None)
        await _sign_in(http, engine, "ops.zhou")
        page = (await http.get("/console/ops")).text
        assert f"<h3>{case_id} <small>projection_drift" in page
        assert f"http://127.0.0.1:8233/namespaces/default/workflows/{case_id}" in page
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        act = f"/console/ops/act/cases/{case_id}/projection-rebuild"
        blank = await http.post(act, data={"csrf": csrf})
        assert blank.status_code == 422 and "<li>理由：" in blank.text
        rebuilt = await http.post(act, data={"csrf": csrf, "reason": "投影被误改"})
        assert rebuilt.status_code == 303, rebuilt.text
        with Session(engine) as session:
            assert session.get(CaseRow, case_id).stage == "planning"
        unconfirmed = await http.post(
            f"/console/ops/act/workflows/{case_id}/termination", data={"csrf": csrf, "reason": "x"}
        )
        assert "请勾选确认" in unconfirmed.text
        replayed = await http.post(
            f"/console/ops/act/workflows/{case_id}/replay", data={"csrf": csrf}
        )
        assert "用当前代码重放历史，无分歧" in replayed.text
        verified = (await http.get("/console/ops?verify=true")).text
        assert "哈希链完整" in verified

        accounts_page = (await http.get("/console/ops/accounts")).text
        assert "开设账号" in accounts_page and "clerk.bole-natural-resources" in accounts_page
        new = {
            "csrf": csrf,
            "username": "clerk.new",
            "display_name": "新经办人",
            "role": "department",
            "department": "bole-water-resources",
        }
        wrong = await http.post(
            "/console/ops/accounts/act/new", data={**new, "department": "nowhere"}
        )
        assert wrong.status_code == 422 and "目录中没有部门nowhere" in wrong.text
        opened = await http.post("/console/ops/accounts/act/new", data=new)
        assert opened.status_code == 200 and "只显示这一次" in opened.text
        password = opened.text.split("<code>")[1].split("</code>")[0]
        disabled = await http.post(
            "/console/ops/accounts/act/clerk.new/disable", data={"csrf": csrf}
        )
        assert disabled.status_code == 303
        assert not accounts.get(engine, "clerk.new").active
        reset = await http.post(
            "/console/ops/accounts/act/clerk.new/password-reset", data={"csrf": csrf}
        )
        assert "只显示这一次" in reset.text and password not in reset.text
    entries, _ = ledger.entries(engine, case_id)
    assert [e.actor.id for e in entries if e.event == "ops_action"] == ["ops.zhou"]
