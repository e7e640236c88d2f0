"""A what-if run: baseline and change, each over several seeds, kept in one directory.

    <run>/run.json            inputs and status (what the console's page reads)
    <run>/seed-<n>/<arm>/     each world's throwaway ledger and its outcome.json
    <run>/comparison.json     once every world is done; what-if.xlsx beside it

A world finished is never run again: a run stopped (Ctrl-C, SIGTERM, or a ``stop`` file
written by the page) resumes from the first world without an outcome. A world cut off
mid-way starts over, from its seed, and comes out the same.
"""

import asyncio
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import structlog
from pydantic import BaseModel, Field

from domain.application import Application
from policies import registry
from simulation.baseline import Baseline
from simulation.case_acts import APPLICANT
from simulation.change import NO_CHANGE, Change, calendar_for, patched_packs
from simulation.compare import Comparison, compare
from simulation.outcomes import Outcome
from simulation.people import SimulationStalled, Stopped
from simulation.schedule import Resolve, draw_cases
from simulation.world import run_world

log = structlog.get_logger(__name__)
ARMS = ("baseline", "change")
WORLD_ATTEMPTS = 3
Status = Literal["waiting", "running", "stopped", "done", "failed"]


class RunProgress(BaseModel):
    worlds_done: int = 0
    worlds: int = 0
    world: str = ""  # the one running: seed-1/change
    cases_done: int = 0
    cases: int = 0

    @property
    def share(self) -> float:
        if not self.worlds:
            return 0.0
        part = self.cases_done / self.cases if self.cases else 0.0
        return min((self.worlds_done + part) / self.worlds, 1.0)


class RunRecord(BaseModel):
    run_id: str
    title: str
    baseline: Baseline
    change: Change
    seeds: list[int] = Field(min_length=1, max_length=20)
    status: Status = "waiting"
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    created_by: str = ""
    progress: RunProgress = RunProgress()


def _write_json(path: Path, text: str) -> None:
    """Atomically: a reader (the page) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as f:
        f.write(text)
    os.replace(f.name, path)


def save(directory: Path, record: RunRecord) -> None:
    record.updated_at = datetime.now(UTC)
    _write_json(directory / "run.json", record.model_dump_json(indent=2))


def load(directory: Path) -> RunRecord:
    return RunRecord.model_validate_json((directory / "run.json").read_text(encoding="utf-8"))


def stop_requested(directory: Path) -> bool:
    return (directory / "stop").exists()


def resolver(packs: registry.Packs) -> Resolve:
    """Which matters a case ends up with and who decides each, under ``packs``."""

    def resolve(jurisdiction: str, park: str, matters: list[str], bundles: list[str]) -> dict:
        application = Application.model_validate(
            {
                **APPLICANT,
                "jurisdiction": jurisdiction,
                "park": park,
                "matters": matters,
                "bundles": bundles,
                "period": {"start": "2000-01-01", "end": "2100-12-31"},
            }
        )
        expanded = registry.expand_bundles(application, packs)
        return {
            m.definition.code: m.department.code for m in registry.resolve_matters(expanded, packs)
        }

    return resolve


def check_inputs(baseline: Baseline, change: Change) -> None:
    """Every park and matter set resolves under both arms' packs, before anything runs."""
    for packs in (registry.PACKS, patched_packs(change)):
        resolve = resolver(packs)
        for arrivals in baseline.arrivals:
            for matter_set in arrivals.matter_sets:
                try:
                    resolve(
                        arrivals.jurisdiction, arrivals.park, matter_set.matters, matter_set.bundles
                    )
                except (registry.ApplicationProblem, ValueError) as problem:
                    raise ValueError(
                        f"{arrivals.jurisdiction}/{arrivals.park} 的事项组合"
                        f"{matter_set.matters or matter_set.bundles}无法受理：{problem}"
                    ) from problem


async def run_arm(
    baseline: Baseline,
    change: Change,
    seed: int,
    directory: Path,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """One world: the period under ``change`` (NO_CHANGE for the baseline) from ``seed``."""
    done = directory / "outcome.json"
    if done.exists():
        return Outcome.model_validate_json(done.read_text(encoding="utf-8"))
    packs = patched_packs(change)
    calendar = calendar_for(change, directory / "calendar")
    scripts = draw_cases(baseline, change, seed, calendar.is_working_day, resolver(packs))
    for attempt in range(1, WORLD_ATTEMPTS + 1):
        try:
            outcome = await run_world(scripts, packs, calendar, directory, progress, should_stop)
            break
        except SimulationStalled:
            # The same draws, played again on a fresh server: the stall came from timing.
            log.warning("what_if_world_stalled", directory=str(directory), attempt=attempt)
            if attempt == WORLD_ATTEMPTS:
                raise
    _write_json(done, outcome.model_dump_json())
    return outcome


async def execute(directory: Path) -> Comparison:
    """Run (or resume) the run kept in ``directory`` to its comparison."""
    record = load(directory)
    (directory / "stop").unlink(missing_ok=True)
    record.status, record.error = "running", None
    worlds = [(seed, arm) for seed in record.seeds for arm in ARMS]
    record.progress = RunProgress(worlds=len(worlds))
    save(directory, record)
    outcomes: dict[str, list[Outcome]] = {arm: [] for arm in ARMS}
    try:
        for seed, arm in worlds:
            name = f"seed-{seed}/{arm}"
            record.progress.world, record.progress.cases_done = name, 0

            def moved(done: int, total: int) -> None:
                record.progress.cases_done, record.progress.cases = done, total
                if done == total or done % 10 == 0:
                    save(directory, record)

            save(directory, record)
            change = record.change if arm == "change" else NO_CHANGE
            outcome = await run_arm(
                record.baseline,
                change,
                seed,
                directory / f"seed-{seed}" / arm,
                moved,
                lambda: stop_requested(directory),
            )
            outcomes[arm].append(outcome)
            record.progress.worlds_done += 1
            save(directory, record)
        comparison = compare(outcomes["baseline"], outcomes["change"])
        _write_json(directory / "comparison.json", comparison.model_dump_json(indent=2))
        from simulation.export import write_workbook  # openpyxl only when there is a result

        write_workbook(directory / "what-if.xlsx", record, comparison)
        record.status = "done"
        return comparison
    except (Stopped, asyncio.CancelledError, KeyboardInterrupt):
        record.status = "stopped"
        raise
    except Exception as error:
        record.status, record.error = "failed", str(error)
        log.exception("what_if_failed", run_id=record.run_id)
        raise
    finally:
        save(directory, record)
        log.info("what_if_run_ended", run_id=record.run_id, status=record.status)


def provisional_years(record: RunRecord) -> list[int]:
    """The simulated years neither the package nor an override file (nor the change) has a
    schedule for: their deadlines were reckoned on weekdays and fixed-date holidays only."""
    start = datetime.fromisoformat(record.baseline.start)
    years = range(start.year, start.year + record.baseline.weeks // 52 + 2)
    with tempfile.TemporaryDirectory() as scratch:
        calendar = calendar_for(record.change, Path(scratch))
        return [year for year in years if calendar.schedule(year) is None]


def new_run(
    root: Path,
    baseline: Baseline,
    change: Change,
    seeds: list[int],
    created_by: str = "",
    title: str | None = None,
    run_id: str | None = None,
) -> Path:
    """A run directory under ``root`` with its inputs checked and written; not started."""
    check_inputs(baseline, change)
    now = datetime.now(UTC)
    run_id = run_id or now.strftime("%Y%m%d-%H%M%S-") + os.urandom(3).hex()
    directory = root / run_id
    record = RunRecord(
        run_id=run_id,
        title=title or change.name,
        baseline=baseline,
        change=change,
        seeds=seeds,
        created_at=now,
        updated_at=now,
        created_by=created_by,
    )
    save(directory, record)
    return directory
