"""Today's workflow code must replay every recorded history without a nondeterminism error.

A change to a workflow's commands that is not guarded by ``workflow.patched`` fails here.
"""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.histories import HISTORY_DIR, recorded_histories, workflow_id_of
from worker import WORKFLOWS


def test_histories_are_recorded_for_every_scenario() -> None:
    scenarios = {path.name.split("__")[0] for path in recorded_histories()}
    assert {
        "lifecycle",
        "refused_at_review",
        "terminated_in_processing",
        "blocked_dependency",
        "deadline_alarms",
        "suspension_extension",
        "coordination_escalated",
        "feedback_report_overdue",
        "deferral_lapsed",
        "deferral_supplied",
        "bad_rating_follow_up",
        "hand_off_stalled",
    } <= scenarios


@pytest.mark.parametrize(
    "path", recorded_histories(), ids=lambda p: str(p.relative_to(HISTORY_DIR))
)
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(workflow_id_of(path), path.read_text())
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history)
    assert result.replay_failure is None
