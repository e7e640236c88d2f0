"""Today's workflow code must replay every recorded history without a nondeterminism error.

A change to a workflow's commands that is not guarded by ``workflow.patched`` fails here.
"""

from pathlib import Path

import pytest

from ops.replay import replay_files
from tests.support.histories import HISTORY_DIR, recorded_histories


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
        "deferral_confirmed",
        "bad_rating_follow_up",
        "hand_off_stalled",
    } <= scenarios


@pytest.mark.parametrize(
    "path", recorded_histories(), ids=lambda p: str(p.relative_to(HISTORY_DIR))
)
async def test_recorded_history_replays(path: Path) -> None:
    [outcome] = await replay_files([path])  # the replay `python -m ops replay` runs
    assert outcome.ok, outcome.divergence
