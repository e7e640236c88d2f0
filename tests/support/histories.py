"""Record the histories of finished cases for the replay test.

``DAIBAN_RECORD_HISTORIES=<release> pytest tests/api/test_lifecycle_api.py``
(and the other scenario files)
writes ``tests/histories/<release>/<scenario>__<workflow id>.json`` for the case and each
matter it started. Record once per released workflow version and never delete an old
release's files: the replay test proves today's code still replays every one of them.
"""

import os
from pathlib import Path

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from ops.replay import history_file_name

HISTORY_DIR = Path(__file__).parents[1] / "histories"


def recorded_histories() -> list[Path]:
    return sorted(HISTORY_DIR.glob("*/*.json"))


async def record_if_asked(client: Client, scenario: str, case_id: str, matters: list[str]) -> None:
    """Record the case's history and its matters'. Open workflows are recorded as far as
    they got: replaying a partial history checks every command in it all the same."""
    release = os.environ.get("DAIBAN_RECORD_HISTORIES")
    if not release:
        return
    directory = HISTORY_DIR / release
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(f"{scenario}__*.json"):
        stale.unlink()
    for workflow_id in [case_id, *(f"{case_id}/{code}" for code in matters)]:
        try:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        except RPCError as error:  # a matter the case never started (withdrawn while waiting)
            if error.status is RPCStatusCode.NOT_FOUND:
                continue
            raise
        (directory / history_file_name(scenario, workflow_id)).write_text(history.to_json())
