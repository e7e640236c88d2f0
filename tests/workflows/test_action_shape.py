"""What a department's action costs in history (issue 22): the reply does not wait for the
case to hear of it, the ledger entry is written before the reply by a local activity, and an
action that leaves the next alarm where it was keeps its timer."""

from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.names import RECORD_EVENT
from domain.clock import BUSINESS_ZONE, TimeUnit
from policies.working_calendar import official_calendar
from tests.support.driver import CaseDriver

LAND = "land-preexamination"


async def _events(client: Client, workflow_id: str) -> list[HistoryEvent]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return list(history.events)


def _of(events: list[HistoryEvent], kind: EventType.ValueType) -> list[HistoryEvent]:
    return [e for e in events if e.event_type == kind]


async def _handed_over(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, LAND, "handed_over")
    return case_id


async def test_an_acceptance_replies_before_the_case_hears_of_it_and_after_its_ledger_entry(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await _handed_over(driver)
    accepted = await driver.department_act(case_id, LAND, "acceptance", {})
    assert accepted["state"] == "accepted"
    # The reply came after the entry: the ledger holds it already, once.
    entries = [e for e in await driver.ledger(case_id) if e["event"] == "matter_accepted"]
    assert [e["matter"] for e in entries] == [LAND]

    await driver.wait_for_matter(case_id, LAND, "accepted")  # the case's view catches up
    events = await _events(env.client, f"{case_id}/{LAND}")
    [accepted_at] = _of(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    [completed] = _of(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    during = [e for e in events if accepted_at.event_id < e.event_id < completed.event_id]
    assert not _of(during, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED), (
        "the reply waited for the case to be signalled"
    )
    [told] = [
        e
        for e in _of(events, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
        if e.event_id > completed.event_id
    ]  # the acceptance's signal left with the reply, and arrived
    assert any(
        e.external_workflow_execution_signaled_event_attributes.initiated_event_id == told.event_id
        for e in _of(events, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
    )
    scheduled = _of(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    activity_types = {
        e.activity_task_scheduled_event_attributes.activity_type.name for e in scheduled
    }
    assert RECORD_EVENT not in activity_types, "the ledger write took a task queue round trip"
    markers = _of(events, EventType.EVENT_TYPE_MARKER_RECORDED)
    assert any(
        m.marker_recorded_event_attributes.marker_name == "core_local_activity" for m in markers
    )


async def test_supplying_deferred_materials_keeps_the_warning_timer(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    """With the deferral due after the early warning, the warning is the next alarm before
    and after the materials come: its timer is neither cancelled nor started again."""
    case_id = await _handed_over(driver)
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    due = official_calendar().add(today, 20, TimeUnit.WORKING_DAYS).value
    supply_by = due - timedelta(days=2)  # after the warning at 80 % of the 20 days
    await driver.department_act(
        case_id,
        LAND,
        "acceptance",
        {"deferred_items": ["环评批复"], "supply_by": str(supply_by)},
    )
    workflow_id = f"{case_id}/{LAND}"
    before = await _events(env.client, workflow_id)
    supplied = await driver.post(
        f"/cases/{case_id}/matters/{LAND}/deferred-materials", {"materials": ["环评批复"]}
    )
    assert supplied["deferral"]["supplied_at"] is not None
    after = await _events(env.client, workflow_id)
    for kind in (EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_TIMER_CANCELED):
        assert len(_of(after, kind)) == len(_of(before, kind)), EventType.Name(kind)
    assert len(after) > len(before)  # the supply itself was recorded
