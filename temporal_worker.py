"""Build the Temporal worker: the workflows of `workflows.registry` and the registered activities.

`worker.py` is the process that runs it; tests and benchmarks build the same worker here.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from activities.reports import ReportActivities
from policies.working_calendar import official_calendar
from workflows.registry import WORKFLOWS


def build_worker(
    client: Client,
    task_queue: str,
    ledger: LedgerActivities,
    executor: ThreadPoolExecutor,
    max_cached_workflows: int = 1000,
    graceful_shutdown: timedelta = timedelta(seconds=10),
    clock: ClockActivities | None = None,
    workflows: Sequence[type] = WORKFLOWS,
    sticky_timeout: timedelta = timedelta(seconds=10),
) -> Worker:
    """A worker for the case task queue, its activities run on ``executor``'s threads.

    Keep a cache: the ledger write is a local activity, and a worker without one
    (``max_cached_workflows=0``) evicts each workflow while its write is in flight, so the
    SDK cancels the write and runs it again on the next task. ``sticky_timeout`` is how long
    the server holds a workflow's next task for this worker before any worker may take it,
    which is what a stopped worker costs its cases.
    """
    clock = clock or ClockActivities(official_calendar())
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        activities=[
            ledger.record_event,
            clock.plan_deadline,
            clock.count_days,
            ReportActivities(ledger.engine).draft_feedback_report,
        ],
        activity_executor=executor,
        max_concurrent_activities=executor._max_workers,
        max_cached_workflows=max_cached_workflows,
        sticky_queue_schedule_to_start_timeout=sticky_timeout,
        # A ledger write in flight finishes rather than waiting out a retry on the next start.
        graceful_shutdown_timeout=graceful_shutdown,
    )
