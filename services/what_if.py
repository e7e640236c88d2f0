"""What-if runs for the API: start one as its own process, read its progress and result,
stop and resume it, and list the open deadlines a change would move.

A run needs its own time-skipping Temporal server and a core or two for a quarter of an
hour or more, so the API never runs it in its own process: it starts
``python -m ops what-if resume <run>`` beside itself, one run at a time, and reads the
run's directory, which that process keeps current (``simulation/run.py``).
"""

import hashlib
import os
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.actors import Principal, Role
from domain.clock import BUSINESS_ZONE
from domain.errors import ActionRefused, NotFound
from simulation import run as runs
from simulation.baseline import Baseline
from simulation.change import Change
from simulation.compare import Comparison
from simulation.learning import NothingToLearn, learn
from simulation.ledger_facts import read_facts
from store.tables import MatterRow

log = structlog.get_logger(__name__)
LIVE = ("waiting", "running")


def jurisdictions_of(record: runs.RunRecord) -> set[str]:
    return {a.jurisdiction for a in record.baseline.arrivals} | set(record.change.packs)


def may_see(principal: Principal, record: runs.RunRecord) -> bool:
    """A coordinator sees the runs about its own jurisdiction; 州工信局 sees every run."""
    if principal.role is Role.OVERSIGHT or principal.jurisdiction is None:
        return True
    return jurisdictions_of(record) <= {principal.jurisdiction}


def _alive(directory: Path) -> bool:
    try:
        pid = int((directory / "pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    try:
        return b"what-if" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the signal


def status_of(directory: Path, record: runs.RunRecord) -> str:
    """The record's status, except that a run whose process is gone is interrupted."""
    if record.status in LIVE and not _alive(directory):
        return "interrupted" if record.status == "running" else record.status
    return record.status


def all_runs(root: Path, principal: Principal) -> list[tuple[Path, runs.RunRecord]]:
    found = []
    for path in root.glob("*/run.json"):
        record = runs.load(path.parent)
        if may_see(principal, record):
            found.append((path.parent, record))
    return sorted(found, key=lambda item: item[1].created_at, reverse=True)


def find(root: Path, principal: Principal, run_id: str) -> tuple[Path, runs.RunRecord]:
    directory = root / run_id
    if not (directory / "run.json").is_file() or directory.parent != root:
        raise NotFound(f"没有编号为{run_id}的推演")
    record = runs.load(directory)
    if not may_see(principal, record):
        raise NotFound(f"没有编号为{run_id}的推演")
    return directory, record


def _refuse_out_of_scope(principal: Principal, baseline: Baseline, change: Change) -> None:
    if principal.role is Role.OVERSIGHT or principal.jurisdiction is None:
        return
    named = {a.jurisdiction for a in baseline.arrivals} | set(change.packs)
    if not named <= {principal.jurisdiction}:
        raise ActionRefused(f"只能推演本辖区（{principal.jurisdiction}）的案件与政策")


def learned_baseline(
    engine: Engine, principal: Principal, since: date, until: date, start: date, weeks: int
) -> Baseline:
    if until <= since:
        raise ActionRefused("学习区间的结束日期须晚于开始日期")
    begin = datetime.combine(since, time(), tzinfo=BUSINESS_ZONE)
    end = datetime.combine(until, time(), tzinfo=BUSINESS_ZONE)
    jurisdiction = None if principal.role is Role.OVERSIGHT else principal.jurisdiction
    try:
        return learn(read_facts(engine, begin, end, jurisdiction), begin, end, str(start), weeks)
    except NothingToLearn as nothing:
        raise ActionRefused(str(nothing)) from nothing


def start(
    root: Path,
    principal: Principal,
    baseline: Baseline,
    change: Change,
    seeds: int,
    title: str | None,
    key: str | None,
    database_url: str,
) -> tuple[Path, bool]:
    """Write the run and start its process; (directory, started now). A repeat under the
    same Idempotency-Key is the first run, started once."""
    _refuse_out_of_scope(principal, baseline, change)
    keyed = None
    if key is not None:
        keyed = "k" + hashlib.sha256(f"{principal.username}\n{key}".encode()).hexdigest()[:16]
        if (root / keyed / "run.json").exists():
            return root / keyed, False
    for directory, record in all_runs(root, principal):
        if status_of(directory, record) in LIVE:
            raise ActionRefused(f"推演{record.run_id}正在运行，请待其结束或停止后再开始新的推演")
    try:
        directory = runs.new_run(
            root,
            baseline,
            change,
            list(range(1, seeds + 1)),
            principal.username,
            title,
            run_id=keyed,
        )
    except ValueError as problem:
        raise ActionRefused(str(problem)) from problem
    launch(directory, database_url)
    return directory, True


def launch(directory: Path, database_url: str) -> None:
    """``python -m ops what-if resume`` for this run, in its own session: it outlives the
    request, and a restart of the API does not stop it. It reads no live data, but opens
    the same database as the API (the command checks its schema)."""
    environment = {
        **os.environ,
        "DAIBAN_WHAT_IF_DIR": str(directory.parent.resolve()),
        "DAIBAN_DATABASE_URL": database_url,
    }
    with open(directory / "process.log", "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ops", "what-if", "resume", directory.name],
            stdout=output,
            stderr=output,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
    (directory / "pid").write_text(str(process.pid))
    log.info("what_if_started", run_id=directory.name, pid=process.pid)


def stop(directory: Path, record: runs.RunRecord) -> None:
    if status_of(directory, record) not in LIVE:
        raise ActionRefused(f"推演{record.run_id}未在运行")
    (directory / "stop").touch()


def resume(directory: Path, record: runs.RunRecord, database_url: str) -> None:
    status = status_of(directory, record)
    if status in LIVE:
        raise ActionRefused(f"推演{record.run_id}正在运行")
    if status == "done":
        raise ActionRefused(f"推演{record.run_id}已完成")
    launch(directory, database_url)


def comparison_of(directory: Path) -> Comparison | None:
    path = directory / "comparison.json"
    if not path.exists():
        return None
    return Comparison.model_validate_json(path.read_text(encoding="utf-8"))


def cross_county_cases(engine: Engine, case_ids: set[str]) -> set[str]:
    """Those of these cases with a matter decided in another county."""
    if not case_ids:
        return set()
    with Session(engine) as session:
        rows = session.exec(
            select(MatterRow.case_id).where(
                col(MatterRow.case_id).in_(case_ids), col(MatterRow.cross_county)
            )
        ).all()
    return set(rows)
