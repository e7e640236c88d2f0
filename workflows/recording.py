"""Write a ledger entry from workflow code, through the idempotent ``record_event`` activity."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as ActivityTimedOut

with workflow.unsafe.imports_passed_through():
    from activities.names import RECORD_EVENT
    from domain.actors import Actor
    from domain.ledger import (
        CaseSummary,
        LedgerEntry,
        LedgerEvent,
        LedgerWrite,
        MatterRowData,
        Notice,
    )
    from domain.matter import MatterSnapshot
    from workflows.patches import patched

# Who is told: the agent and the enterprise of a 补正, a refusal, a termination, results
# to sign for and a rating due; the department of a withdrawn task; 州工信局 of a filed
# cross-county report. Histories from before it replay without these notices.
NOTICES_PATCH = "notices-to-every-role"

# The ledger write runs first as a local activity: it is idempotent by key, so a retry after
# a lost workflow task writes nothing twice, and it saves the task queue round trip and the
# three history events of a regular activity. If the database does not answer within the
# local budget, the same write goes on as a regular activity, retried for as long as it
# takes, where ops can see it pending with its last error and retry it. Earlier histories
# hold regular activities only.
LOCAL_LEDGER_PATCH = "ledger-write-local"
# Five attempts 0.2, 0.4, 0.8 and 1.6 s apart, each allowed 10 s (SQLite's busy wait is 5).
# (The SDK does not end local retries at a schedule-to-close timeout, so attempts bound them.)
LOCAL_LEDGER_ATTEMPT = timedelta(seconds=10)
LOCAL_LEDGER_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=5)
# What a local activity that ran out of attempts raises: the SDK surfaces the activity's own
# ApplicationError, or ActivityError/TimeoutError, depending on how it ended.
GAVE_UP = (ActivityError, ApplicationError, ActivityTimedOut)

# The database may be down for a while: keep retrying, never drop an entry.
LEDGER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
LEDGER_TIMEOUT = timedelta(seconds=30)


def ledger_key(event: LedgerEvent, matter: str | None = None, occurrence: str | None = None) -> str:
    """Derive the entry's key from the workflow, so every retry and replay yields the same key.

    Entries written outside an update (timers, signals) are told apart by ``occurrence``
    when an event can happen more than once in a run.
    """
    update = workflow.current_update_info()
    parts = [workflow.info().workflow_id, update.id if update else "run", event.value]
    return "/".join(part for part in (*parts, matter, occurrence) if part)


async def record(
    event: LedgerEvent,
    *,
    case_id: str,
    actor: Actor,
    summary: str,
    details: dict[str, Any] | None = None,
    matter: str | None = None,
    case: CaseSummary | None = None,
    matters: Iterable[MatterSnapshot] = (),
    notices: Iterable[Notice] = (),
    occurrence: str | None = None,
    replaces_matters: bool = False,
) -> None:
    entry = LedgerEntry(
        key=ledger_key(event, matter, occurrence),
        case_id=case_id,
        workflow_id=workflow.info().workflow_id,
        event=event,
        matter=matter,
        actor=actor,
        occurred_at=workflow.now(),
        summary=summary,
        details=details or {},
    )
    write = LedgerWrite(
        entry=entry,
        case=case,
        matters=[MatterRowData.of(m) for m in matters],
        notices=list(notices),
        replaces_matters=replaces_matters,
    )
    if patched(LOCAL_LEDGER_PATCH):
        try:
            await workflow.execute_local_activity(
                RECORD_EVENT,
                write,
                start_to_close_timeout=LOCAL_LEDGER_ATTEMPT,
                retry_policy=LOCAL_LEDGER_RETRY,
            )
            return
        except GAVE_UP as error:
            workflow.logger.warning(
                "ledger write %s handed to a regular activity: %s", entry.key, error
            )
    await workflow.execute_activity(
        RECORD_EVENT, write, start_to_close_timeout=LEDGER_TIMEOUT, retry_policy=LEDGER_RETRY
    )
