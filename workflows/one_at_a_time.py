"""Human actions on one workflow take effect one at a time, each judged on the state it meets.

Temporal runs an update's validator when the update arrives, but many handlers await (an
activity, the hand-over entry, the application entry) before they change the state the
validator read. Twenty identical clicks then all pass the validator and all take effect:
the ledger held ten ``application_accepted`` for one case. So each handler waits its turn
on the workflow's lock and runs its validator again once it has it: the first click takes
effect, the rest are refused (HTTP 409) on the state the first one left. Signals that
change a matter (withdrawal, a 集中联审 decision) take the same turn.

The model is temporalio/samples-python ``message_passing/safe_message_handlers``: an
``asyncio.Lock`` in the workflow, which is deterministic there. Histories recorded before
this rule replay without it (``ONE_AT_A_TIME_PATCH``): their updates ran interleaved.
"""

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from workflows.patches import patched

ONE_AT_A_TIME_PATCH = "human-actions-one-at-a-time"
# Set on every wrapped handler: a test holds every update of both workflows to it.
MARK = "__one_at_a_time__"


class HasTurns(Protocol):
    _turn: asyncio.Lock


Host = TypeVar("Host", bound=HasTurns)
Action = TypeVar("Action")
Result = TypeVar("Result")


def one_at_a_time(
    handler: Callable[[Host, Action], Awaitable[Result]],
) -> Callable[[Host, Action], Awaitable[Result]]:
    """Wrap an update handler: wait for the turn, validate again, then handle.

    The validator is the handler's by name, ``_validate_<update>``, as every update here
    has one; a refusal raised now fails the update like one raised on arrival would.
    """

    @functools.wraps(handler)
    async def in_turn(self: Host, action: Action) -> Result:
        if not patched(ONE_AT_A_TIME_PATCH):
            return await handler(self, action)
        async with self._turn:
            validator: Callable[[Action], None] = getattr(self, f"_validate_{handler.__name__}")
            validator(action)
            return await handler(self, action)

    setattr(in_turn, MARK, True)
    return in_turn


async def in_turn(host: HasTurns, change: Callable[[], Awaitable[Any]]) -> None:
    """Run a signal's change in the same turn as the updates (a withdrawal must not land in
    the middle of a decision and be written beside it)."""
    if not patched(ONE_AT_A_TIME_PATCH):
        await change()
        return
    async with host._turn:
        await change()
