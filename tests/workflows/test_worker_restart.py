"""A worker stopped mid-case; ledger writes retried after commit: nothing lost or doubled."""

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import Engine
from temporalio import activity
from temporalio.client import Client

from activities.ledger import LedgerActivities
from activities.names import RECORD_EVENT
from domain.ledger import LedgerEvent, LedgerWrite
from store import ledger
from tests.support.driver import CaseDriver
from workflows.case import CaseWorkflow

# received, accepted, plan; 3 hand-overs; land: accepted, correction, coordination due,
# resubmitted, approved; registration and food: accepted, approved; completed, delivered,
# receipt, evaluated, report drafted, report filed, archived.
EXPECTED_EVENTS = 22


async def _finish(driver: CaseDriver, case_id: str) -> None:
    await driver.department_act(
        case_id, "land-preexamination", "approval", {"result_reference": "博自然资预〔2026〕7号"}
    )
    await driver.approve(case_id, "enterprise-registration")
    await driver.wait_for_matter(case_id, "food-licence", "handed_over")
    await driver.approve(case_id, "food-licence")
    await driver.deliver_and_evaluate(case_id, "非常满意")
    await driver.file_feedback_report(case_id)


async def _start_and_correct(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    await driver.department_act(
        case_id, "land-preexamination", "correction-request", {"items": ["用地红线图"]}
    )
    return case_id


def _assert_complete_ledger(engine: Engine, case_id: str) -> None:
    entries, total = ledger.entries(engine, case_id, limit=200)
    assert total == EXPECTED_EVENTS, [(e.event, e.matter) for e in entries]
    assert len({e.key for e in entries}) == total
    events = [e.event for e in entries]
    assert events[0] is LedgerEvent.APPLICATION_RECEIVED
    assert events[-1] is LedgerEvent.CASE_ARCHIVED
    assert events.count(LedgerEvent.MATERIALS_RESUBMITTED) == 1
    assert events.count(LedgerEvent.MATTER_APPROVED) == 3


async def test_worker_stopped_mid_case_and_restarted(
    app_on_dev_server: CaseDriver, worker_on, dev_client: Client, engine: Engine
) -> None:
    """On a real server, as in production: the first worker keeps a cache, so it leaves its
    cases' next tasks on its sticky queue, which the server hands on once it stops polling.
    (The time-skipping server never hands them on, and a worker without a cache would have
    its local ledger writes cancelled and re-run at every task.)"""
    driver = app_on_dev_server
    async with worker_on():
        case_id = await _start_and_correct(driver)

    # No worker: the coordinator's resubmission waits instead of being lost.
    resubmission = asyncio.create_task(
        driver.post(
            f"/cases/{case_id}/matters/land-preexamination/resubmission",
            {"materials": ["用地红线图"]},
        )
    )
    await asyncio.sleep(0.5)
    assert not resubmission.done()

    # A new worker has an empty cache: it rebuilds every workflow by replaying its history.
    async with worker_on():
        assert (await resubmission)["state"] == "accepted"
        await _finish(driver, case_id)
        final = await dev_client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    _assert_complete_ledger(engine, case_id)


class LedgerThatFailsAfterCommit(LedgerActivities):
    """Commits the entry, then fails the first attempt: the retry must write nothing."""

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, write: LedgerWrite) -> bool:
        written = super().record_event(write)
        if activity.info().attempt == 1 and write.entry.event in (
            LedgerEvent.PLAN_AGREED,
            LedgerEvent.CORRECTION_REQUESTED,
            LedgerEvent.RECEIPT_SIGNED,
        ):
            raise RuntimeError("worker lost after the commit")
        return written


async def test_ledger_writes_retried_after_commit_are_not_doubled(
    http: httpx.AsyncClient,
    env,
    engine: Engine,
    task_queue: str,
    client: Client,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from temporal_worker import WorkerTuning, build_worker

    driver = CaseDriver(http)
    with ThreadPoolExecutor(4) as executor:
        worker = build_worker(
            client,
            task_queue,
            LedgerThatFailsAfterCommit(engine),
            executor,
            tuning=WorkerTuning(graceful_shutdown=timedelta(0)),
        )
        async with worker:
            case_id = await _start_and_correct(driver)
            await driver.post(
                f"/cases/{case_id}/matters/land-preexamination/resubmission",
                {"materials": ["用地红线图"]},
            )
            await _finish(driver, case_id)
            await client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    _assert_complete_ledger(engine, case_id)
