"""A matter tells its case the changed fields only (issue 22): whatever order the signals on
their way arrive in, the case ends up holding the matter's newest snapshot."""

import itertools
from datetime import UTC, datetime

from domain.matter import CorrectionRound, MatterChange, MatterSnapshot, MatterState

MOMENT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _versions() -> list[MatterSnapshot]:
    """Hand-over, acceptance, a correction asked, then answered (the state goes back)."""
    first = MatterSnapshot(
        code="land", name="用地预审", department="zrzy", department_name="自然资源局", version=1
    )
    first.state, first.handed_over_at, first.materials = MatterState.HANDED_OVER, MOMENT, ["申请书"]
    accepted = first.model_copy(
        deep=True, update={"state": MatterState.ACCEPTED, "accepted_at": MOMENT, "version": 2}
    )
    asked = accepted.model_copy(deep=True, update={"state": MatterState.CORRECTION_REQUESTED})
    asked.corrections = [CorrectionRound(requested_at=MOMENT, requested_by="d", items=["图"])]
    asked.version = 3
    answered = asked.model_copy(deep=True, update={"state": MatterState.ACCEPTED, "version": 4})
    return [first, accepted, asked, answered]


def _heard(held: MatterSnapshot, told: MatterSnapshot | MatterChange) -> MatterSnapshot:
    """The case's rule (CaseWorkflow.matter_changed): the highest version wins."""
    if told.version <= held.version:
        return held
    return told.applied_to(held) if isinstance(told, MatterChange) else told


def test_changes_on_their_way_arrive_in_any_order_and_the_case_holds_the_newest() -> None:
    _, accepted, *later = _versions()
    heard = accepted.model_dump(mode="json")  # delivered: the base of every change below
    told, on_the_way = [], []
    for snapshot in later:
        now = snapshot.model_dump(mode="json")
        told.append(MatterChange.since(heard, on_the_way, now))
        on_the_way.append(now)
    assert set(told[0].changes) == {"state", "corrections"}
    # The answer sets the state back to what the base had: it still names the state, since
    # the change before it, on its way, moved it; arriving first, the answer wins, and the
    # earlier change is then refused by its version.
    assert told[-1].changes["state"] == MatterState.ACCEPTED
    for order in itertools.permutations(told):
        held = accepted
        for change in order:
            held = _heard(held, change)
        assert held == later[-1], [c.version for c in order]


def test_a_change_names_only_the_fields_that_differ() -> None:
    first, accepted, *_ = _versions()
    change = MatterChange.since(first.model_dump(mode="json"), [], accepted.model_dump(mode="json"))
    assert change.version == 2 and set(change.changes) == {"state", "accepted_at"}
    assert change.applied_to(first) == accepted
