"""``python -m ops what-if``: simulate a period under a changed policy on the real workflows.

    what-if new --change change.toml --baseline baseline.toml       a stated baseline
    what-if new --change change.toml --learn-from 2026-01-01 --learn-until 2026-12-01
    what-if resume RUN | stop RUN | list | show RUN
    what-if open-cases --change change.toml                          deadlines that would move
    what-if learn --learn-from … --learn-until … [--out baseline.json]

docs/what-if.md describes the files and how to read the result.
"""

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from settings import Settings
from simulation import run as runs
from simulation.baseline import Baseline, load_baseline
from simulation.change import Change, calendar_for, load_change
from simulation.compare import Comparison
from simulation.learning import learn
from simulation.ledger_facts import read_facts

BAR = 30


class WhatIfProblem(ValueError):
    """Bad input to the what-if command: the message says what to fix, in Chinese."""


def add_parser(verbs: Any) -> None:
    what_if = verbs.add_parser("what-if", help="simulate a period under a changed policy")
    actions = what_if.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="start a run: baseline and change, several seeds")
    new.add_argument("--change", type=Path, required=True, help="the change, TOML")
    _baseline_arguments(new)
    new.add_argument("--seeds", type=int, default=3, help="seeds for the confidence (3)")
    new.add_argument("--title", help="the run's title; default the change's name")
    new.add_argument("--operator", default="ops", help="who asked for it")
    new.add_argument("--no-start", action="store_true", help="write the run, do not start it")
    for name, help_ in (
        ("resume", "resume a stopped run"),
        ("stop", "ask a run to stop"),
        ("show", "a run's status and figures"),
    ):
        action = actions.add_parser(name, help=help_)
        action.add_argument("run_id")
    actions.add_parser("list", help="the runs, newest first")
    open_cases = actions.add_parser("open-cases", help="open matters whose deadline would move")
    open_cases.add_argument("--change", type=Path, required=True)
    learned = actions.add_parser("learn", help="print the baseline learned from the ledger")
    _baseline_arguments(learned)
    learned.add_argument("--out", type=Path, help="write it as JSON here")


def _baseline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", type=Path, help="a stated baseline, TOML")
    parser.add_argument("--learn-from", type=date.fromisoformat, help="learn from the ledger")
    parser.add_argument("--learn-until", type=date.fromisoformat, help="(exclusive)")
    parser.add_argument("--start", type=date.fromisoformat, help="simulated period's first day")
    parser.add_argument("--weeks", type=int, default=52, help="its length in weeks (52)")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BUSINESS_ZONE)


def next_year_start(today: date | None = None) -> date:
    """The default period: next year, from its first Monday (a simulation runs forward)."""
    first = date((today or datetime.now(UTC).date()).year + 1, 1, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def baseline_from(args: argparse.Namespace, live: Callable[[], Engine]) -> Baseline:
    start = args.start or next_year_start()
    if args.baseline:
        if args.learn_from or args.learn_until:
            raise WhatIfProblem("--baseline 与 --learn-from 只能选一个")
        try:
            baseline = load_baseline(args.baseline)
        except (OSError, ValueError) as error:
            raise WhatIfProblem(str(error)) from error
        return baseline.model_copy(
            update={"start": str(args.start) if args.start else baseline.start, "weeks": args.weeks}
        )
    if not (args.learn_from and args.learn_until):
        raise WhatIfProblem(
            "请给出基线：--baseline 文件，或 --learn-from 与 --learn-until 两个日期"
        )
    if args.learn_until <= args.learn_from:
        raise WhatIfProblem("--learn-until 须晚于 --learn-from")
    since, until = _midnight(args.learn_from), _midnight(args.learn_until)
    try:
        return learn(read_facts(live(), since, until), since, until, str(start), args.weeks)
    except ValueError as error:
        raise WhatIfProblem(str(error)) from error


def change_from(path: Path) -> Change:
    try:
        return load_change(path)
    except (OSError, ValueError) as error:
        raise WhatIfProblem(str(error)) from error


def _bar(record: runs.RunRecord) -> None:
    share = record.progress.share
    filled = round(share * BAR)
    progress = record.progress
    print(
        f"\r[{'#' * filled}{'-' * (BAR - filled)}] {share:6.1%}  {progress.world} "
        f"{progress.cases_done}/{progress.cases}件  （第{progress.worlds_done + 1}/"
        f"{progress.worlds}轮）",
        end="",
        file=sys.stderr,
        flush=True,
    )


async def execute_with_bar(directory: Path) -> Comparison:
    """Run with a progress bar; SIGTERM and Ctrl-C stop it cleanly (resume continues)."""
    loop = asyncio.get_running_loop()
    stop = lambda: (directory / "stop").touch()  # noqa: E731 - the handler is one line
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    watcher = asyncio.create_task(_watch_bar(directory))
    # Every simulated deadline in a year without a published schedule would warn once; the
    # run says so once instead (the assumptions sheet and the table's last line).
    logging.getLogger("activities.clock").setLevel(logging.ERROR)
    try:
        return await runs.execute(directory)
    finally:
        watcher.cancel()
        with contextlib.suppress(OSError, ValueError):
            _bar(runs.load(directory))
        print(file=sys.stderr)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _watch_bar(directory: Path) -> None:
    while True:
        with contextlib.suppress(OSError, ValueError):  # between two writes of the record
            _bar(runs.load(directory))
        await asyncio.sleep(0.5)


def describe(comparison: Comparison) -> str:
    lines = [f"{'指标':<24}{'基线':>10}{'变更后':>10}{'差值':>10}  差值95%区间"]
    for f in comparison.figures:
        lines.append(
            f"{f.name:<24}{f.baseline.mean:>10}{f.change.mean:>10}{f.difference.mean:>10}"
            f"  [{f.difference.low}, {f.difference.high}]"
        )
    moved = comparison.critical_paths_moved
    lines.append(f"关键路径改变的案件：{moved.mean}（95%区间 {moved.low}–{moved.high}）")
    return "\n".join(lines)


def _record_summary(record: runs.RunRecord) -> dict:
    return {
        "run_id": record.run_id,
        "title": record.title,
        "status": record.status,
        "progress": round(record.progress.share, 4),
        "error": record.error,
        "created_at": record.created_at.isoformat(),
    }


def run_directory(settings: Settings, run_id: str) -> Path:
    directory = settings.what_if_dir / run_id
    if "/" in run_id or ".." in run_id or not (directory / "run.json").exists():
        raise WhatIfProblem(f"没有编号为{run_id}的推演")
    return directory


async def run(
    args: argparse.Namespace, live: Callable[[], Engine], settings: Settings
) -> tuple[Any, str, int]:
    """``live()`` is the live database, checked, for the actions that read it."""
    root = settings.what_if_dir
    if args.action == "learn":
        baseline = baseline_from(args, live)
        if args.out:
            args.out.write_text(baseline.model_dump_json(indent=2), encoding="utf-8")
        return baseline.model_dump(mode="json"), f"基线：{baseline.source}", 0
    if args.action == "new":
        try:
            directory = runs.new_run(
                root,
                baseline_from(args, live),
                change_from(args.change),
                list(range(1, args.seeds + 1)),
                args.operator,
                args.title,
            )
        except ValueError as error:
            raise WhatIfProblem(str(error)) from error
        print(f"推演编号：{directory.name}", file=sys.stderr)
        if args.no_start:
            return _record_summary(runs.load(directory)), f"已建立推演{directory.name}", 0
        return await _executed(directory)
    if args.action == "list":
        records = sorted(
            (runs.load(p.parent) for p in root.glob("*/run.json")),
            key=lambda r: r.created_at,
            reverse=True,
        )
        rows = [_record_summary(r) for r in records]
        said = (
            "\n".join(
                f"{r['run_id']}  {r['status']}  {r['progress']:.0%}  {r['title']}" for r in rows
            )
            or "还没有推演"
        )
        return rows, said, 0
    if args.action == "open-cases":
        return await _open_cases(args, live(), settings)
    directory = run_directory(settings, args.run_id)
    if args.action == "stop":
        (directory / "stop").touch()
        return (
            {"run_id": args.run_id, "stop": True},
            f"已请求停止{args.run_id}（当前一轮结束前停下）",
            0,
        )
    if args.action == "resume":
        return await _executed(directory)
    record = runs.load(directory)
    comparison_file = directory / "comparison.json"
    if not comparison_file.exists():
        return (
            _record_summary(record),
            f"{record.run_id}：{record.status}，进度{record.progress.share:.0%}",
            0,
        )
    comparison = Comparison.model_validate_json(comparison_file.read_text(encoding="utf-8"))
    return comparison.model_dump(mode="json"), describe(comparison), 0


async def _executed(directory: Path) -> tuple[Any, str, int]:
    try:
        comparison = await execute_with_bar(directory)
    except runs.Stopped:
        return (
            {"run_id": directory.name, "status": "stopped"},
            f"已停止；继续：python -m ops what-if resume {directory.name}",
            3,
        )
    record = runs.load(directory)
    said = describe(comparison)
    if years := runs.provisional_years(record):
        said += f"\n注意：{'、'.join(map(str, years))}年节假日尚未公布，按工作日（含固定节日）推算"
    said += f"\nXLSX：{directory / 'what-if.xlsx'}"
    return comparison.model_dump(mode="json"), said, 0


async def _open_cases(args, engine: Engine, settings: Settings) -> tuple[Any, str, int]:
    from simulation.open_cases import moved_deadlines
    from temporal_client import TemporalRefused, connect

    change = change_from(args.change)
    try:
        client = await connect(settings)
    except TemporalRefused as refused:
        raise WhatIfProblem(str(refused)) from refused
    with tempfile.TemporaryDirectory() as scratch:
        calendar = calendar_for(change, Path(scratch))
        moved = await moved_deadlines(client, engine, change, calendar)
    lines = [
        f"{m.case_id} {m.name}（{m.department}）：{m.due_on} → {m.new_due_on}"
        f"（{m.shift_days:+d}天{'，仍为暂定' if m.provisional else ''}）"
        for m in moved
    ]
    said = (
        "\n".join(lines) + f"\n共{len(moved)}个在办事项的期限会变化"
        if moved
        else "没有在办事项的期限会变化"
    )
    return [m.model_dump(mode="json") for m in moved], said, 0
