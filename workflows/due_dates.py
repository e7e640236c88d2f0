"""Waiting for a due date that may move: a date reckoned while its year had no published
holidays is reckoned again when the year's file lands (ops recompute-deadlines), and the
wait follows it instead of sounding on the provisional day."""

from collections.abc import Callable
from datetime import date, timedelta

from temporalio import workflow

from workflows.clock import start_of


async def wait_until_due(done: Callable[[], bool], due_on: Callable[[], date]) -> bool:
    """Wait until ``done()`` or the end of the day ``due_on()`` names; True if done in time.

    While nothing moves the date this is one timer, as the waits before it were, so their
    histories replay unchanged.
    """
    while True:
        due = due_on()
        deadline = start_of(due + timedelta(days=1))
        try:
            await workflow.wait_condition(
                lambda: done() or due_on() != due,  # noqa: B023 - read now, in this turn
                timeout=max(deadline - workflow.now(), timedelta(seconds=1)),
            )
        except TimeoutError:
            return False
        if done():
            return True
