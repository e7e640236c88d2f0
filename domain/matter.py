"""One matter's state inside a case, as its child workflow keeps it."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from domain.actors import Actor
from domain.catalogue import CaseMatter, CrossCountyRoute
from domain.clock import MatterClock
from domain.document_refs import DocumentRef


class MatterState(StrEnum):
    WAITING = "waiting"  # a matter it depends on is not approved yet
    HANDED_OVER = "handed_over"  # materials handed to the department, awaiting acceptance
    ACCEPTED = "accepted"  # under review by the department
    CORRECTION_REQUESTED = "correction_requested"  # 补正: waiting for the enterprise via the agent
    APPROVED = "approved"
    REFUSED = "refused"
    BLOCKED = "blocked"  # a matter it depends on was refused or withdrawn
    WITHDRAWN = "withdrawn"  # the case ended while the matter was open
    RESULT_HELD = "result_held"  # 容缺受理: approved, result held until the items are supplied
    TERMINATED = "terminated"  # 容缺受理: the items were not supplied in time

    @property
    def is_final(self) -> bool:
        return self in FINAL_MATTER_STATES


FINAL_MATTER_STATES = frozenset(
    {
        MatterState.APPROVED,
        MatterState.REFUSED,
        MatterState.BLOCKED,
        MatterState.WITHDRAWN,
        MatterState.TERMINATED,
    }
)

MATTER_STATE_NAMES = {
    MatterState.WAITING: "等待前置事项",
    MatterState.HANDED_OVER: "已移交部门",
    MatterState.ACCEPTED: "部门已受理",
    MatterState.CORRECTION_REQUESTED: "待补正",
    MatterState.APPROVED: "已办结",
    MatterState.REFUSED: "不予许可",
    MatterState.BLOCKED: "前置事项未通过",
    MatterState.WITHDRAWN: "已撤回",
    MatterState.RESULT_HELD: "已审结，待补齐容缺材料后出具结果",
    MatterState.TERMINATED: "容缺材料逾期未补齐，终止办理",
}


class CorrectionRound(BaseModel):
    requested_at: datetime
    requested_by: str
    items: list[str]
    resubmitted_at: datetime | None = None
    materials: list[str] = []
    documents: list[DocumentRef] = []  # the versions uploaded for this 补正


class Deferral(BaseModel):
    """容缺受理: what is missing, by when; the result is issued only once supplied and, for
    a supply since the department confirms them (``needs_confirmation``), confirmed."""

    items: list[str]
    supply_by: date
    supplied_at: datetime | None = None
    supplied_materials: list[str] = []
    needs_confirmation: bool = False  # False in histories from before the confirmation step
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    returned: list[str] = []  # the department's reasons, each time it returned a supply

    @property
    def settled(self) -> bool:
        """Supplied, and confirmed where that is asked: a held result may be issued."""
        return self.supplied_at is not None and (
            not self.needs_confirmation or self.confirmed_at is not None
        )


class MatterInput(BaseModel):
    """What the case hands a matter's child workflow."""

    case_id: str
    matter: CaseMatter
    materials: list[str]
    planned_finish: date | None = None
    handed_over_by: Actor
    # Not accepted within this many hours, the hand-off counts as stalled (None: no check,
    # as for matters started before the check existed).
    hand_off_ack_hours: int | None = None
    park: str = ""  # whose committee leader hears escalations
    team_levels: dict[str, str] = {}  # 三包一: agent id -> city, county or park


def is_overdue(state: MatterState, clock: MatterClock | None) -> bool:
    """Past its deadline and not decided yet."""
    return clock is not None and clock.overdue_at is not None and not state.is_final


class MatterSnapshot(BaseModel):
    code: str
    name: str
    department: str
    department_name: str
    county: str = ""  # where it is decided
    depends_on: list[str] = []
    state: MatterState = MatterState.WAITING
    materials: list[str] = []
    planned_finish: date | None = None
    handed_over_at: datetime | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    result_reference: str | None = None
    refusal_reason: str | None = None
    corrections: list[CorrectionRound] = []
    accepted_documents: list[DocumentRef] = []  # the versions the department accepted
    result_documents: list[DocumentRef] = []  # 批文, 证照: issued with the result
    clock: MatterClock | None = None
    deferral: Deferral | None = None
    hand_off_stalled_at: datetime | None = None
    hand_off_due_at: datetime | None = None  # 签收 or 受理 by then, or the hand-off stalls
    cross_county: CrossCountyRoute | None = None
    hand_off_acknowledged_at: datetime | None = None
    version: int = 0

    @property
    def state_name(self) -> str:
        return MATTER_STATE_NAMES[self.state]

    @property
    def overdue(self) -> bool:
        return is_overdue(self.state, self.clock)


class MatterChange(BaseModel):
    """A matter's change as its case is told it: by name, as JSON, the snapshot's fields that
    differ from a snapshot the case has surely heard (issue 22). The case holds the rest.

    The whole snapshot in every signal was stored twice, in the matter's history and the
    case's, a quarter of a case's history; a change is usually three or four fields.
    Signals may overtake each other, and the case keeps the highest version it heard, so a
    change names every field that differs from the heard one in it or in any change still
    on its way: whichever of them the case applies last, it then holds the newest.
    """

    code: str
    version: int
    changes: dict[str, Any]

    @classmethod
    def since(
        cls, heard: dict[str, Any], on_the_way: list[dict[str, Any]], now: dict[str, Any]
    ) -> "MatterChange":
        """The change to ``now`` from ``heard`` (each a snapshot as JSON), covering the
        changes ``on_the_way`` (told, not known delivered)."""
        differ = {k for k, v in now.items() if heard.get(k) != v}
        for told in on_the_way:
            differ |= {k for k, v in told.items() if heard.get(k) != v}
        differ.discard("version")
        return cls(code=now["code"], version=now["version"], changes={k: now[k] for k in differ})

    def applied_to(self, told: MatterSnapshot) -> MatterSnapshot:
        return MatterSnapshot.model_validate(
            {**told.model_dump(mode="json"), **self.changes, "version": self.version}
        )
