"""The worker's limits come from the settings, and its SDK metrics are served to Prometheus.

An operator sets DAIBAN_WORKER_* in the environment; the worker the process builds has those
limits, and while it runs a case its /metrics shows the figures docs/production.md says to
watch: task latencies, slot use, the cache and its hits, sticky queue misses.
"""

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from activities.ledger import LedgerActivities
from settings import Settings, get_settings
from temporal_client import connect
from temporal_dev import free_port
from temporal_metrics import metrics_runtime
from temporal_worker import WorkerTuning, build_worker
from tests.support.driver import CaseDriver
from tests.support.polling import eventually

WATCHED = (
    "temporal_workflow_task_schedule_to_start_latency",
    "temporal_workflow_task_execution_latency",
    "temporal_local_activity_execution_latency",
    "temporal_worker_task_slots_available",
    "temporal_worker_task_slots_used",
    "temporal_sticky_cache_size",
    "temporal_sticky_cache_hit",
)


def test_the_environment_sets_the_worker_limits(settings_env) -> None:
    settings_env(
        DAIBAN_WORKER_MAX_CACHED_WORKFLOWS="250",
        DAIBAN_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS="40",
        DAIBAN_WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES="8",
        DAIBAN_WORKER_WORKFLOW_TASK_POLLERS="3",
        DAIBAN_WORKER_ACTIVITY_TASK_POLLERS="2",
        DAIBAN_WORKER_STICKY_TIMEOUT_SECONDS="4.5",
        DAIBAN_WORKER_GRACEFUL_SHUTDOWN_SECONDS="30",
        DAIBAN_WORKER_BUILD_ID="2026.12.3-81ff3c4",
    )
    tuning = WorkerTuning.from_settings(get_settings())
    assert tuning == WorkerTuning(
        max_cached_workflows=250,
        max_concurrent_workflow_tasks=40,
        max_concurrent_local_activities=8,
        workflow_task_pollers=3,
        activity_task_pollers=2,
        sticky_timeout=timedelta(seconds=4.5),
        graceful_shutdown=timedelta(seconds=30),
        build_id="2026.12.3-81ff3c4",
    )
    deployment = tuning.deployment()
    assert deployment is not None and deployment.version.build_id == "2026.12.3-81ff3c4"
    assert not deployment.use_worker_versioning


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DAIBAN_WORKER_MAX_CACHED_WORKFLOWS", "0"),  # re-runs every local ledger write
        ("DAIBAN_WORKER_WORKFLOW_TASK_POLLERS", "1"),  # the SDK needs two with a cache
        ("DAIBAN_WORKER_BUILD_ID", "has spaces"),
        ("DAIBAN_WORKER_METRICS_ADDRESS", "9464"),
    ],
)
def test_a_limit_the_worker_cannot_run_with_is_refused(settings_env, variable, value) -> None:
    settings_env(**{variable: value})
    with pytest.raises(ValueError, match=variable.removeprefix("DAIBAN_").lower()):
        get_settings()


async def test_the_worker_serves_its_sdk_metrics_while_it_runs_a_case(
    app_on_dev_server: CaseDriver,
    dev_server: str,
    engine: Engine,
    task_queue: str,
) -> None:
    address = f"127.0.0.1:{free_port()}"
    settings = Settings(
        temporal_address=dev_server,
        task_queue=task_queue,
        worker_metrics_address=address,
        worker_max_cached_workflows=50,
        worker_build_id="metrics-test",
    )
    client = await connect(settings, metrics_runtime(settings.worker_metrics_address))
    tuning = WorkerTuning.from_settings(settings)
    with ThreadPoolExecutor(4) as executor:
        async with build_worker(client, task_queue, LedgerActivities(engine), executor, tuning):
            driver = app_on_dev_server
            case_id = await driver.open()
            await driver.accept(case_id)
            await driver.plan(case_id)
            await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
            await driver.approve(case_id, "enterprise-registration")

            def scraped() -> dict[str, float]:
                with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
                    return _samples(response.read().decode())

            async def watched() -> dict[str, float] | None:
                samples = scraped()
                return samples if all(name in samples for name in WATCHED) else None

            samples = await eventually(watched, "the watched metrics", timeout=10)
    # The case's workflows are in the cache, and they were found there (sticky hits).
    assert samples["temporal_sticky_cache_size"] >= 1
    assert samples["temporal_sticky_cache_hit"] >= 1


def _samples(text: str) -> dict[str, float]:
    """Each metric's value summed over its labels (histograms by their _count)."""
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        name = series.split("{", 1)[0].removesuffix("_count")
        if series.split("{", 1)[0].endswith(("_bucket", "_sum")):
            continue
        samples[name] = samples.get(name, 0.0) + float(value)
    return samples
