"""Small workflows for the runner's tests (tests/workflows/test_workflow_runner.py).

Their own module, so the workflow sandbox imports only this and what it passes through.
"""

import datetime
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow


class Greeting(BaseModel):
    name: str
    times: int


@activity.defn
async def repeat(greeting: Greeting) -> Greeting:
    return greeting.model_copy(update={"name": greeting.name * greeting.times})


@workflow.defn
class Listener:
    """Waits to be told a greeting, and answers it."""

    def __init__(self) -> None:
        self._heard: Greeting | None = None

    @workflow.run
    async def run(self) -> Greeting:
        await workflow.wait_condition(lambda: self._heard is not None)
        assert self._heard is not None
        return self._heard

    @workflow.signal
    def hear(self, greeting: Greeting) -> None:
        self._heard = greeting


@workflow.defn
class Teller:
    """Runs an activity on a model and tells a listener the answer by signal."""

    @workflow.run
    async def run(self, greeting: Greeting, listener: str) -> Greeting:
        repeated = await workflow.execute_activity(
            repeat, greeting, start_to_close_timeout=timedelta(seconds=10)
        )
        await workflow.get_external_workflow_handle(listener).signal(Listener.hear, repeated)
        return repeated


@workflow.defn
class ReadsTheWallClock:
    """Non-deterministic: the sandbox must refuse it."""

    @workflow.run
    async def run(self) -> str:
        return datetime.datetime.now().isoformat()
