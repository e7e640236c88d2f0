"""One arm of one seed: a period of cases acted out on the real workflows.

Its own time-skipping server (its clock started just before the period, by libfaketime),
its own SQLite ledger in the run's directory, its own worker with the arm's calendar: the
live system's database and Temporal are never touched.
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from temporalio.testing import WorkflowEnvironment

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from policies import registry
from policies.working_calendar import WorkingCalendar
from simulation.case_acts import add_case
from simulation.ledger_facts import read_facts
from simulation.outcomes import Outcome, outcome_of
from simulation.people import STALL_SECONDS, People, SimulationStalled
from simulation.schedule import CaseScript
from simulation.server import start_test_server
from store.db import create_schema, make_engine
from store.sequence import case_number
from temporal_worker import WorkerTuning, build_worker

log = structlog.get_logger(__name__)
Progress = Callable[[int, int], None]  # cases finished, cases in the period


def case_ids(scripts: list[CaseScript]) -> dict[str, str]:
    """Case ids as the system numbers them (BZ-2027-00001), in order of arrival."""
    numbers: Counter[tuple[str, int]] = Counter()
    ids = {}
    for script in scripts:
        year = script.arrives_at.year
        numbers[(script.jurisdiction, year)] += 1
        number = numbers[(script.jurisdiction, year)]
        ids[case_number(script.jurisdiction, year, number)] = script.key
    return ids


async def _server_before(first: datetime | None, directory: Path) -> WorkflowEnvironment:
    """A time-skipping server whose clock stands just before the first arrival. A period
    still to come is reached by skipping forward; a past one needs libfaketime, which makes
    the server about three times slower (every clock call of the JVM goes through it)."""
    if first is None:
        return await start_test_server()
    if first - timedelta(hours=1) > datetime.now(UTC) + timedelta(minutes=5):
        env = await start_test_server()
        await env.sleep(first - timedelta(hours=1) - await env.get_current_time())
        return env
    return await start_test_server(first - timedelta(hours=1), directory)


async def run_world(
    scripts: list[CaseScript],
    packs: registry.Packs,
    calendar: WorkingCalendar,
    directory: Path,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Act out ``scripts`` and read the outcome back from the ledger they wrote."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "ledger.sqlite"
    database.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{database}")
    create_schema(engine)
    ids = case_ids(scripts)
    env = await _server_before(min((s.arrives_at for s in scripts), default=None), directory)
    executor = ThreadPoolExecutor(max_workers=8)
    finished = 0

    def done(case_id: str) -> None:
        nonlocal finished
        finished += 1
        if progress:
            progress(finished, len(scripts))

    try:
        queue = f"what-if-{uuid.uuid4()}"
        worker = build_worker(
            env.client,
            queue,
            LedgerActivities(engine, calendar, what_if=True),
            executor,
            tuning=WorkerTuning(graceful_shutdown=timedelta(0)),
            clock=ClockActivities(calendar),
        )
        async with worker:
            people = People(
                env,
                queue,
                packs,
                calendar,
                on_case_done=done,
                should_stop=should_stop,
            )
            for case_id, script in zip(ids, scripts, strict=True):
                add_case(people, case_id, script)
            await people.run()
            # Every act is done; the cases end on their own (the last timers, the archive).
            ended = asyncio.gather(*(env.client.get_workflow_handle(c).result() for c in ids))
            try:
                await asyncio.wait_for(ended, STALL_SECONDS)
            except TimeoutError as stalled:
                raise SimulationStalled("模拟停滞：有案件在全部操作完成后仍未结束") from stalled
        outcome = outcome_of(read_facts(engine), ids)
    finally:
        await env.shutdown()
        executor.shutdown(wait=False)
        engine.dispose()
    log.info("what_if_world_done", directory=str(directory), cases=outcome.cases)
    return outcome
