"""What the case's and the matter's handler mixins use of the workflow that hosts them.

`CaseWorkflow` and `MatterWorkflow` are split into mixins by idea (coordination, follow-up,
the clock, 容缺 ...). Each mixin inherits its host's declaration from here, once, so the type
checker knows ``self._status`` or ``self._changed`` without a ``type: ignore`` per use. The
methods are declared for the checker only; the workflow class defines them.
"""

import asyncio
from typing import TYPE_CHECKING

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.actors import Actor
    from domain.case import CaseInput, CaseStatus
    from domain.ledger import LedgerEvent, Notice, Recipient
    from domain.matter import MatterInput, MatterSnapshot, MatterState


class CaseHost:
    """`CaseWorkflow`'s state and helpers, as its mixins see them."""

    _input: CaseInput
    _status: CaseStatus

    if TYPE_CHECKING:

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
        ) -> None: ...

        def _agent_id(self) -> str: ...


class MatterHost:
    """`MatterWorkflow`'s state and helpers, as its mixins see them."""

    _input: MatterInput
    _matter: MatterSnapshot
    _clock_lock: asyncio.Lock

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
