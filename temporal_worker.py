"""Build the Temporal worker: the workflows of `workflows.registry` and the registered activities.

`worker.py` is the process that runs it; tests and benchmarks build the same worker here.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker, WorkerDeploymentConfig

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from activities.reports import ReportActivities
from policies.working_calendar import official_calendar
from settings import Settings
from temporal_runner import workflow_runner
from workflows.registry import WORKFLOWS


def _default(setting: str) -> Any:
    """The setting's default: settings.py is the one place a worker limit's default lives."""
    return Settings.model_fields[setting].default


@dataclass(frozen=True)
class WorkerTuning:
    """A worker's limits; the defaults are the settings' (docs/production.md says why)."""

    max_cached_workflows: int = _default("worker_max_cached_workflows")
    max_concurrent_workflow_tasks: int = _default("worker_max_concurrent_workflow_tasks")
    max_concurrent_local_activities: int = _default("worker_max_concurrent_local_activities")
    workflow_task_pollers: int = _default("worker_workflow_task_pollers")
    activity_task_pollers: int = _default("worker_activity_task_pollers")
    sticky_timeout: timedelta = timedelta(seconds=_default("worker_sticky_timeout_seconds"))
    graceful_shutdown: timedelta = timedelta(seconds=_default("worker_graceful_shutdown_seconds"))
    build_id: str | None = _default("worker_build_id")
    versioning: bool = _default("worker_versioning")
    deployment_name: str = _default("worker_deployment_name")

    @classmethod
    def from_settings(cls, settings: Settings) -> "WorkerTuning":
        return cls(
            max_cached_workflows=settings.worker_max_cached_workflows,
            max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
            max_concurrent_local_activities=settings.worker_max_concurrent_local_activities,
            workflow_task_pollers=settings.worker_workflow_task_pollers,
            activity_task_pollers=settings.worker_activity_task_pollers,
            sticky_timeout=timedelta(seconds=settings.worker_sticky_timeout_seconds),
            graceful_shutdown=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
            build_id=settings.worker_build_id,
            versioning=settings.worker_versioning,
            deployment_name=settings.worker_deployment_name,
        )

    def deployment(self) -> WorkerDeploymentConfig | None:
        """The build this worker says it runs; None lets the SDK hash the loaded code."""
        if self.build_id is None:
            return None
        return WorkerDeploymentConfig(
            version=WorkerDeploymentVersion(self.deployment_name, self.build_id),
            use_worker_versioning=self.versioning,
            # Cases live for months: pinning them to a build would keep every old worker
            # running until its last case ends. They upgrade; workflow.patched keeps replay.
            default_versioning_behavior=(
                VersioningBehavior.AUTO_UPGRADE
                if self.versioning
                else VersioningBehavior.UNSPECIFIED
            ),
        )


def build_worker(
    client: Client,
    task_queue: str,
    ledger: LedgerActivities,
    executor: ThreadPoolExecutor,
    tuning: WorkerTuning = WorkerTuning(),
    clock: ClockActivities | None = None,
    workflows: Sequence[type] = WORKFLOWS,
) -> Worker:
    """A worker for the case task queue, its activities run on ``executor``'s threads.

    Keep a cache: the ledger write is a local activity, and a worker without one
    (``max_cached_workflows=0``) evicts each workflow while its write is in flight, so the
    SDK cancels the write and runs it again on the next task. The sticky timeout is how
    long the server holds a workflow's next task for this worker before any worker may
    take it, which is what a stopped worker costs its cases.
    """
    clock = clock or ClockActivities(official_calendar())
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        workflow_runner=workflow_runner(client.data_converter),
        activities=[
            ledger.record_event,
            clock.plan_deadline,
            clock.count_days,
            ReportActivities(ledger.engine).draft_feedback_report,
        ],
        activity_executor=executor,
        max_concurrent_activities=executor._max_workers,
        max_concurrent_local_activities=tuning.max_concurrent_local_activities,
        max_concurrent_workflow_tasks=tuning.max_concurrent_workflow_tasks,
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(tuning.workflow_task_pollers),
        activity_task_poller_behavior=PollerBehaviorSimpleMaximum(tuning.activity_task_pollers),
        max_cached_workflows=tuning.max_cached_workflows,
        sticky_queue_schedule_to_start_timeout=tuning.sticky_timeout,
        # A ledger write in flight finishes rather than waiting out a retry on the next start.
        graceful_shutdown_timeout=tuning.graceful_shutdown,
        deployment_config=tuning.deployment(),
    )
