"""What the case's and the matter's handler mixins use of the workflow that hosts them.

`CaseWorkflow` and `MatterWorkflow` are split into mixins by idea (coordination, follow-up,
the clock, 容缺 ...). Each mixin inherits its host's declaration from here, once, so the type
checker knows ``self._status`` or ``self._changed`` without a ``type: ignore`` per use. The
methods are declared for the checker only; the workflow class defines them.
"""

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import Actor
    from domain.case import CaseInput, CaseStage, CaseStatus
    from domain.ledger import LedgerEvent, Notice, Recipient
    from domain.matter import MatterInput, MatterSnapshot, MatterState


class CaseHost:
    """`CaseWorkflow`'s state and helpers, as its mixins see them."""

    _input: CaseInput
    _status: CaseStatus
    _children: dict[str, workflow.ChildWorkflowHandle[Any, Any]]
    _starting: set[str]  # matters whose child is started or being started
    _turn: asyncio.Lock  # human actions one at a time (workflows/one_at_a_time.py)
    _jointly_decided: set[str]  # matters sent a 集中联审 decision

    if TYPE_CHECKING:

        def _matter(self, code: str) -> MatterSnapshot: ...

        def _stop_unstarted(self, matter: MatterSnapshot, state: MatterState) -> None: ...

        def _matters_version(self) -> tuple[int, ...]: ...

        def _set_stage(self, stage: CaseStage) -> None: ...

        def _team_levels(self) -> dict[str, str]: ...

        async def _reproject_budget(self) -> None: ...

        async def _application_received(self) -> None: ...

        def _close(self, stage: CaseStage) -> None: ...

        async def _record(
            self,
            event: LedgerEvent,
            actor: Actor,
            summary: str,
            details: dict | None = None,
            *,
            matter: str | None = None,
            matters: list[MatterSnapshot] | tuple = (),
            notices: list[Notice] | tuple = (),
            occurrence: str | None = None,
            replaces_matters: bool = False,
        ) -> None: ...

        def _agent_id(self) -> str: ...

        def _told(self, *messages: tuple[Recipient, str]) -> list[Notice]: ...


class MatterHost:
    """`MatterWorkflow`'s state and helpers, as its mixins see them."""

    _input: MatterInput
    _matter: MatterSnapshot
    _clock_lock: asyncio.Lock
    _deemed_accepted_after: date | None  # §32: the last day to accept or ask for a 补正
    _turn: asyncio.Lock  # human actions one at a time (workflows/one_at_a_time.py)

    if TYPE_CHECKING:

        async def _changed(
            self,
            event: LedgerEvent,
            actor: Actor,
            summary: str,
            details: dict,
            notices: list[Notice] | None = None,
            occurrence: str | None = None,
        ) -> None: ...

        def _notice(self, recipient: Recipient, message: str) -> Notice: ...

        def _decide(self, state: MatterState, actor: Actor) -> None: ...

        async def _terminate_for_deferral(self) -> None: ...

        def _clock_details(self) -> dict[str, Any]: ...

        def _told(self, *messages: tuple[Recipient, str]) -> list[Notice]: ...

        async def _hand_over_recorded(self) -> None: ...

        def _deemed_acceptance_alarm(self) -> tuple[str, datetime] | None: ...

        async def _accept_as_deemed(self) -> None: ...
