"""The worker process: runs the case and matter workflows, their activities and the notice relay."""

import asyncio
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

import structlog

from activities.ledger import LedgerActivities
from logs import configure_logging
from notifications.relay import NotificationDispatcher, channel_for
from services import search_attributes
from settings import get_settings
from store.db import SchemaNotCurrent, engine_for, require_current_schema
from temporal_client import TemporalRefused, connect
from temporal_metrics import metrics_runtime
from temporal_worker import WorkerTuning, build_worker

log = structlog.get_logger(__name__)


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    engine = engine_for(settings)
    schema = require_current_schema(engine)
    client = await connect(settings, metrics_runtime(settings.worker_metrics_address))
    await search_attributes.require(client, settings.temporal_namespace)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tuning = WorkerTuning.from_settings(settings)
    with ThreadPoolExecutor(max_workers=settings.worker_activity_threads) as executor:
        worker = build_worker(
            client, settings.task_queue, LedgerActivities(engine), executor, tuning
        )
        relay = NotificationDispatcher(engine, channel_for(settings.notification_webhook_url))
        async with worker:
            log.info(
                "worker_started",
                task_queue=settings.task_queue,
                temporal=settings.temporal_address,
                namespace=settings.temporal_namespace,
                cache=tuning.max_cached_workflows,
                activity_threads=settings.worker_activity_threads,
                build_id=tuning.build_id,
                metrics=settings.worker_metrics_address,
                schema=schema,
            )
            await relay.run(stop)
    log.info("worker_stopped")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (TemporalRefused, SchemaNotCurrent) as refused:
        sys.exit(f"daiban worker: {refused}")
