"""``python -m ops <verb>``: find, replay and repair stuck cases. ``--help`` on every verb.

Output is for people by default and JSON with ``--json``; progress goes to stderr.
Repairs need ``--operator`` and ``--reason``: both go into the case's ledger.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from documents.storage import Storage, storage_for
from domain.errors import DomainError, Unavailable
from logs import configure_logging
from notifications.relay import NotificationDispatcher, channel_for
from ops import accounts as account_commands
from ops import backfill_work, recompute_deadlines, verify_documents, what_if
from ops.notifications import lost_notification_ids, redeliver_notification
from ops.repair import (
    rebuild_projection,
    reset_to_last_good,
    retry_activities,
    terminate,
)
from ops.replay import replay_files, replay_running, replay_workflow
from ops.search_attributes import register as register_search_attributes
from ops.stuck import find_stuck
from settings import get_settings
from store import chain, tally
from store.db import (
    SchemaNotCurrent,
    create_schema,
    engine_for,
    require_current_schema,
    schema_revision,
)
from temporal_client import TemporalRefused, connect
from workflows import search_attributes


def _progress(number: int, total: int, what: str) -> None:
    print(f"[{number}/{total}] {what}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    verbs = parser.add_subparsers(dest="verb", required=True)

    verbs.add_parser(
        "migrate",
        help="bring the database to this build's schema (one process at a time, under a lock);"
        " the worker and the API refuse to start until it has run",
    )
    verbs.add_parser("stuck", help="list stuck cases with the reason for each")

    replay = verbs.add_parser("replay", help="replay histories against this code")
    source = replay.add_mutually_exclusive_group(required=True)
    source.add_argument("--workflow", help="a case id, or <case id>/<matter code>")
    source.add_argument("--running", action="store_true", help="every open case and matter")
    source.add_argument("--histories", type=Path, help="a directory of history JSON files")

    def repair(name: str, help_: str) -> argparse.ArgumentParser:
        verb = verbs.add_parser(name, help=help_)
        verb.add_argument("workflow", help="a case id, or <case id>/<matter code>")
        verb.add_argument("--operator", required=True, help="your account id, for the ledger")
        verb.add_argument("--reason", required=True, help="why, for the ledger")
        return verb

    reset = repair("reset", "re-run a workflow from its last good workflow task")
    reset.add_argument("--event-id", type=int, help="reset to this WorkflowTaskCompleted event")
    retry = repair("retry-activity", "retry a failing activity now (attempt back to 1)")
    retry.add_argument("--activity-type", help="only this activity type, e.g. record_event")
    repair("terminate", "end a workflow for good")
    repair("rebuild-projection", "overwrite a case's projection rows from its workflow")
    redeliver = verbs.add_parser(
        "redeliver-notification", help="send notices again now (lost, or never seen)"
    )
    which = redeliver.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", type=int, default=[], help="notification ids")
    which.add_argument("--lost", action="store_true", help="every notice whose delivery failed")
    redeliver.add_argument("--operator", required=True, help="your account id, for the ledger")
    redeliver.add_argument("--reason", required=True, help="why, for the ledger")
    verbs.add_parser("verify-ledger", help="walk the ledger's hash chain for tampering")
    verbs.add_parser(
        "rebuild-tallies",
        help="recount the oversight statistics' tallies from the projection (after a restore"
        " or a manual fix of projection rows)",
    )
    verbs.add_parser(
        "verify-documents", help="re-hash every stored document against the ledger's record"
    )
    account_commands.add_parser(verbs)
    what_if.add_parser(verbs)
    verbs.add_parser(
        "backfill-work-items", help="write the work list of open cases from before it existed"
    )
    recompute = verbs.add_parser(
        "recompute-deadlines", help="recompute provisional deadlines once a year is published"
    )
    recompute.add_argument("--dry-run", action="store_true", help="list, do not signal")
    attributes = verbs.add_parser(
        "search-attributes", help="the search attributes: flags for the dev server, or register"
    )
    attributes.add_argument("action", choices=["flags", "register"])
    return parser


def _checked(engine: Engine) -> Engine:
    require_current_schema(engine)
    return engine


def _migrated(engine: Engine) -> tuple[Any, Callable[[Any], str], int]:
    before = schema_revision(engine)
    create_schema(engine)
    after = require_current_schema(engine)
    said = (
        f"数据库结构已是最新：{after}"
        if before == after
        else f"数据库结构已从 {before or '空库'} 迁移到 {after}"
    )
    return {"from": before, "to": after}, lambda _: said, 0


def _replayed(outcomes: list) -> tuple[Any, Callable[[Any], str], int]:
    failed = [o for o in outcomes if not o.ok]
    return (
        [o.as_dict() for o in outcomes],
        lambda rows: (
            "\n".join(
                f"{'OK ' if r['ok'] else 'FAIL'} {r['workflow_id']} {r['divergence']}" for r in rows
            )
            + f"\n{len(rows) - len(failed)}/{len(rows)} 可以重放"
        ),
        1 if failed else 0,
    )


def _verified_documents(engine: Engine, storage: Storage) -> tuple[Any, Callable[[Any], str], int]:
    result = verify_documents.verify(
        engine, storage, progress=lambda n, total: _progress(n, total, "份已核验")
    )
    lines = [problem.describe() for problem in result.problems]
    said = (
        f"文件完整：{result.checked}份文件均与台账记录的哈希一致"
        if result.ok
        else "\n".join([*lines, f"{len(lines)}/{result.checked}份文件与台账不符"])
    )
    return result.as_dict(), lambda _: said, 0 if result.ok else 1


async def _run(args: argparse.Namespace) -> tuple[Any, Callable[[Any], str], int]:
    if args.verb == "search-attributes" and args.action == "flags":  # needs no server
        flags = " ".join(search_attributes.cli_flags())
        return flags, lambda text: text, 0
    if args.verb == "replay" and args.histories:  # files need no server
        paths = sorted(args.histories.rglob("*.json"))
        return _replayed(await replay_files(paths, progress=_progress))
    settings = get_settings()
    engine = engine_for(settings)
    if args.verb == "migrate":
        return _migrated(engine)
    if args.verb == "what-if":  # its own Temporal: the time-skipping server, never the live one
        # Only learning a baseline and the open cases read the live database.
        result, said, code = await what_if.run(args, lambda: _checked(engine), settings)
        return result, lambda _: said, code
    require_current_schema(engine)
    if args.verb == "account":
        result, said = account_commands.run(args, engine, settings)
        return result, lambda _: said, 0
    if args.verb == "redeliver-notification":  # the outbox needs no Temporal
        return await _redeliver(args, engine, settings.notification_webhook_url)
    if args.verb == "verify-ledger":
        result = chain.verify(engine, progress=lambda n, total: _progress(n, total, "条已核验"))
        return (
            result.as_dict(),
            lambda r: (
                f"台账完整：{r['entries']}条记录的哈希链全部核验通过"
                if r["ok"]
                else f"台账被改动：记录{r['broken_at']}（案件{r['case_id']}）{r['problem']}"
            ),
            0 if result.ok else 1,
        )
    if args.verb == "rebuild-tallies":
        counted = tally.rebuild(engine)
        return {"cases": counted}, lambda r: f"已按 {r['cases']} 件案件重新计算统计汇总", 0
    if args.verb == "verify-documents":
        return _verified_documents(engine, storage_for(settings))
    try:
        client = await connect(settings)
    except TemporalRefused as refused:
        raise Unavailable(str(refused)) from refused
    if args.verb == "search-attributes":
        await register_search_attributes(client, settings.temporal_namespace)
        return (
            [key.name for key in search_attributes.ALL],
            lambda names: (
                f"已在命名空间{settings.temporal_namespace}登记检索属性：" + "、".join(names)
            ),
            0,
        )
    if args.verb == "backfill-work-items":
        filled = await backfill_work.backfill(client, engine, progress=_progress)
        return {"cases": filled}, lambda r: f"已为 {r['cases']} 件进行中的案件写入待办时限", 0
    if args.verb == "stuck":
        stuck = await find_stuck(client, engine, progress=_progress)
        return (
            [s.as_dict() for s in stuck],
            lambda rows: (
                "\n".join(
                    f"{r['workflow_id']}  {r['kind']}  {r['reason']}  {r['detail']}" for r in rows
                )
                or "没有发现卡住的案件"
            ),
            1 if stuck else 0,
        )
    if args.verb == "replay":
        if args.workflow:
            return _replayed([await replay_workflow(client, args.workflow)])
        return _replayed(await replay_running(client, progress=_progress))
    if args.verb == "reset":
        outcome = await reset_to_last_good(
            client,
            engine,
            args.workflow,
            operator=args.operator,
            reason=args.reason,
            event_id=args.event_id,
        )
        return (
            outcome.as_dict(),
            lambda r: (
                f"已重置{r['workflow_id']}至事件{r['reset_to_event']}，新运行{r['new_run_id']}"
            ),
            0,
        )
    if args.verb == "retry-activity":
        retried = await retry_activities(
            client,
            engine,
            args.workflow,
            operator=args.operator,
            reason=args.reason,
            activity_type=args.activity_type,
        )
        return {"retried": retried}, lambda r: "已立即重试：" + "、".join(r["retried"]), 0
    if args.verb == "terminate":
        await terminate(client, engine, args.workflow, operator=args.operator, reason=args.reason)
        return {"terminated": args.workflow}, lambda r: f"已终止{r['terminated']}", 0
    if args.verb == "rebuild-projection":
        summary = await rebuild_projection(
            client, engine, args.workflow, operator=args.operator, reason=args.reason
        )
        return (
            summary.model_dump(mode="json"),
            lambda r: f"已重建{r['case_id']}的投影（阶段{r['stage']}）",
            0,
        )
    count = await recompute_deadlines.recompute(
        client, engine, dry_run=args.dry_run, progress=_progress
    )
    asked = "待" if args.dry_run else "已请求"
    return {"matters": count}, lambda r: f"{r['matters']} 个事项的暂定期限{asked}重算", 0


async def _redeliver(
    args: argparse.Namespace, engine: Engine, webhook_url: str | None
) -> tuple[Any, Callable[[Any], str], int]:
    dispatcher = NotificationDispatcher(engine, channel_for(webhook_url))
    ids = lost_notification_ids(engine) if args.lost else args.ids
    outcomes = []
    for number, notification_id in enumerate(ids, start=1):
        _progress(number, len(ids), f"通知{notification_id}")
        outcome = await redeliver_notification(
            dispatcher, notification_id, operator=args.operator, reason=args.reason
        )
        outcomes.append(outcome.as_dict())
    undelivered = [o for o in outcomes if not o["delivered"]]
    return (
        outcomes,
        lambda rows: (
            "\n".join(
                f"{'已送达' if r['delivered'] else '未送达'} 通知{r['notification_id']} "
                f"{r['case_id']} {r['error'] or ''}"
                for r in rows
            )
            + f"\n{len(rows) - len(undelivered)}/{len(rows)} 已送达"
        ),
        1 if undelivered else 0,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = get_settings()
    configure_logging("json" if args.json else settings.log_format, "WARNING")
    try:
        result, describe, code = asyncio.run(_run(args))
    except (
        DomainError,
        account_commands.AccountCommandError,
        SchemaNotCurrent,
        what_if.WhatIfProblem,
    ) as refused:
        print(str(refused), file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else describe(result))
    return code
