"""What a department's action costs in history (issue 22): the reply does not wait for the
case to hear of it, the ledger entry is written before the reply by a local activity, and an
action that leaves the next alarm where it was keeps its timer."""

from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.names import RECORD_EVENT
from domain.clock import BUSINESS_ZONE, TimeUnit
from policies.working_calendar import official_calendar
from tests.support.driver import CaseDriver
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

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


async def test_an_action_is_recorded_once_in_history_and_the_case_hears_changes_only(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    """Issue 22's history diet: the case's update answers a few fields, not the status; a
    workflow started today records one patch marker (the era) and no per-patch upserts; the
    case is told the whole matter once, then the fields that changed, and still ends up
    holding exactly the matter's own snapshot."""
    case_id = await _handed_over(driver)
    reviewed = await driver.status(case_id)
    assert reviewed["stage"] == "processing" and reviewed["matters"]  # the API: the status

    await driver.department_act(case_id, LAND, "acceptance", {})
    await driver.department_act(case_id, LAND, "correction-request", {"items": ["申请书"]})
    await driver.post(
        f"/cases/{case_id}/matters/{LAND}/resubmission", {"materials": ["申请书（修正）"]}
    )
    matter = await env.client.get_workflow_handle(f"{case_id}/{LAND}").query(
        MatterWorkflow.snapshot
    )
    await driver.wait_for(
        case_id,
        lambda s: any(m["code"] == LAND and m["version"] == matter.version for m in s["matters"]),
        "the case's view of the matter at its version",
    )
    status = await env.client.get_workflow_handle(case_id).query(CaseWorkflow.status)
    [held] = [m for m in status.matters if m.code == LAND]
    assert held == matter, "the changes applied to the case's copy give the matter's snapshot"

    converter = pydantic_data_converter.payload_converter
    case_events = await _events(env.client, case_id)
    for done in _of(case_events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED):
        [payload] = (
            done.workflow_execution_update_completed_event_attributes.outcome.success.payloads
        )
        answer = converter.from_payloads([payload], [dict])[0]
        assert set(answer) == {"case_id", "stage", "version"}, "an update answers the status"
    matter_events = await _events(env.client, f"{case_id}/{LAND}")
    for events in (case_events, matter_events):
        patches = [
            m.marker_recorded_event_attributes
            for m in _of(events, EventType.EVENT_TYPE_MARKER_RECORDED)
            if m.marker_recorded_event_attributes.marker_name == "core_patch"
        ]
        assert len(patches) == 1, "one marker for every patch of the era"
        upserts = _of(events, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        versions = [
            u
            for u in upserts
            if "TemporalChangeVersion"
            in u.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        ]
        assert len(versions) == 1
    told = [
        converter.from_payloads(
            list(e.signal_external_workflow_execution_initiated_event_attributes.input.payloads),
            [dict],
        )[0]
        for e in _of(
            matter_events, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
        )
    ]
    assert "name" in told[0], "the hand-over tells the whole snapshot"
    changes = [t for t in told[1:] if "changes" in t]
    assert changes, "later changes are told by their fields"
    assert all("name" not in c["changes"] and "materials" not in c["changes"] for c in changes)
