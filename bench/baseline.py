"""The bare baseline: as many workflow tasks, activities, updates, children and signals as
a standard case, with no domain code (a no-op activity, integer state)."""

import asyncio
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow


class Shape(BaseModel):
    """Counted from a standard case's histories (see bench.engine_overhead.measure_shape)."""

    case_updates: int
    case_run_activities: int
    matters: int
    matter_updates: int
    matter_run_activities: int


@activity.defn
async def bare_step(n: int) -> int:
    return n


_STEP = {"start_to_close_timeout": timedelta(seconds=30)}


@workflow.defn
class BareMatter:
    def __init__(self) -> None:
        self.updates = 0

    @workflow.run
    async def run(self, shape: Shape) -> int:
        for n in range(shape.matter_run_activities):
            await workflow.execute_activity(bare_step, n, **_STEP)
            await self._tell_parent()
        await workflow.wait_condition(lambda: self.updates >= shape.matter_updates)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.updates

    @workflow.update
    async def step(self) -> int:
        await workflow.execute_activity(bare_step, self.updates, **_STEP)
        self.updates += 1
        await self._tell_parent()
        return self.updates

    async def _tell_parent(self) -> None:
        parent = workflow.info().parent
        assert parent is not None
        await workflow.get_external_workflow_handle(parent.workflow_id).signal("changed")


@workflow.defn
class BareCase:
    def __init__(self) -> None:
        self.updates = 0
        self.signals = 0

    @workflow.run
    async def run(self, shape: Shape) -> int:
        for n in range(shape.case_run_activities):
            await workflow.execute_activity(bare_step, n, **_STEP)
        await workflow.wait_condition(lambda: self.updates >= 2)  # review and plan
        children = [
            await workflow.start_child_workflow(
                BareMatter.run, shape, id=f"{workflow.info().workflow_id}/{n}"
            )
            for n in range(shape.matters)
        ]
        for child in children:
            await child
        await workflow.wait_condition(lambda: self.updates >= shape.case_updates)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.signals

    @workflow.update
    async def step(self) -> int:
        await workflow.execute_activity(bare_step, self.updates, **_STEP)
        self.updates += 1
        return self.updates

    @workflow.signal
    def changed(self) -> None:
        self.signals += 1


@activity.defn
async def floor_step(n: int) -> int:
    return n


class FloorExtras(BaseModel):
    """What a matter action adds to the floor, to price each part in the same run."""

    tell: str | None = None  # signal this workflow, not awaited (as a matter tells its case)
    patches: int = 0  # first uses of this many patches (a marker and an upsert each)


@workflow.defn
class FloorAction:
    """The engine's floor for one human action: an update that runs one local activity (as
    a ledger write does) and returns; no signal, no timer, no domain code. ``FloorExtras``
    adds the parts of a matter action one at a time."""

    def __init__(self) -> None:
        self.actions = 0
        self.told: list[asyncio.Task[None]] = []

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.actions < 0)  # open until terminated
        return self.actions

    @workflow.signal
    def changed(self) -> None:
        pass

    @workflow.update
    async def act(self, extras: FloorExtras) -> int:
        for n in range(extras.patches):
            workflow.patched(f"floor-{self.actions}-{n}")
        await workflow.execute_local_activity(floor_step, self.actions, **_STEP)
        self.actions += 1
        if extras.tell is not None:
            sink = workflow.get_external_workflow_handle(extras.tell)
            self.told.append(asyncio.create_task(sink.signal(FloorAction.changed)))
        return self.actions
