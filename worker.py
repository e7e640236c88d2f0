"""The Temporal worker: runs the case and matter workflows and the ledger activities."""

import asyncio
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from activities.notifications import NotificationDispatcher, channel_for
from activities.reports import ReportActivities
from logs import configure_logging
from policies.working_calendar import official_calendar
from settings import Settings, get_settings
from store.db import create_schema, make_engine
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

log = structlog.get_logger(__name__)

WORKFLOWS = [CaseWorkflow, MatterWorkflow]


def build_worker(
    client: Client,
    task_queue: str,
    ledger: LedgerActivities,
    executor: ThreadPoolExecutor,
    max_cached_workflows: int = 1000,
    graceful_shutdown: timedelta = timedelta(seconds=10),
    clock: ClockActivities | None = None,
    workflows: Sequence[type] = WORKFLOWS,
) -> Worker:
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
        # A ledger write in flight finishes rather than waiting out a retry on the next start.
        graceful_shutdown_timeout=graceful_shutdown,
    )


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    engine = make_engine(settings.database_url)
    create_schema(engine)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings.task_queue, LedgerActivities(engine), executor)
        relay = NotificationDispatcher(engine, channel_for(settings.notification_webhook_url))
        async with worker:
            log.info(
                "worker_started",
                task_queue=settings.task_queue,
                temporal=settings.temporal_address,
                namespace=settings.temporal_namespace,
            )
            await relay.run(stop)
    log.info("worker_stopped")


if __name__ == "__main__":
    asyncio.run(main())
