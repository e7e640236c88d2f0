"""Replay histories against the code in this checkout: the check to run before a deploy."""

from dataclasses import asdict, dataclass
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, WorkflowRunner

from temporal_runner import workflow_runner
from workflows.registry import WORKFLOWS


@dataclass(frozen=True)
class ReplayOutcome:
    workflow_id: str
    ok: bool
    divergence: str = ""  # the SDK's message names the history event where it diverged

    def as_dict(self) -> dict:
        return asdict(self)


def history_file_name(prefix: str, workflow_id: str) -> str:
    """``<prefix>__<workflow id, / as ~>.json``: the file keeps its workflow's id."""
    return f"{prefix}__{workflow_id.replace('/', '~')}.json"


def workflow_id_of(path: Path) -> str:
    return path.stem.split("__", 1)[-1].replace("~", "/")


def _replayer(runner: WorkflowRunner | None = None) -> Replayer:
    """The replayer in the worker's own runner (temporal_runner.py); ``runner`` for the
    benchmark's comparisons."""
    return Replayer(
        workflows=WORKFLOWS,
        data_converter=pydantic_data_converter,
        workflow_runner=runner or workflow_runner(pydantic_data_converter),
    )


async def replay_history(
    history: WorkflowHistory, runner: WorkflowRunner | None = None
) -> ReplayOutcome:
    result = await _replayer(runner).replay_workflow(history, raise_on_replay_failure=False)
    failure = result.replay_failure
    return ReplayOutcome(history.workflow_id, failure is None, str(failure or ""))


async def replay_workflow(client: Client, workflow_id: str) -> ReplayOutcome:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return await replay_history(history)


async def replay_running(client: Client, *, progress=None) -> list[ReplayOutcome]:
    ids = [
        execution.id
        async for execution in client.list_workflows('ExecutionStatus = "Running"')
        if execution.workflow_type in ("CaseWorkflow", "MatterWorkflow")
    ]
    outcomes = []
    for number, workflow_id in enumerate(ids, start=1):
        if progress:
            progress(number, len(ids), workflow_id)
        outcomes.append(await replay_workflow(client, workflow_id))
    return outcomes


async def replay_files(paths: list[Path], *, progress=None) -> list[ReplayOutcome]:
    """Histories saved with ``temporal workflow show --output json`` or tests/histories."""
    outcomes = []
    for number, path in enumerate(paths, start=1):
        if progress:
            progress(number, len(paths), path.name)
        history = WorkflowHistory.from_json(workflow_id_of(path), path.read_text(encoding="utf-8"))
        outcomes.append(await replay_history(history))
    return outcomes
