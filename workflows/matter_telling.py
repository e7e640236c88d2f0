"""How a matter tells its case of each change, which MatterWorkflow inherits: by signal,
after the department's reply, the whole snapshot once and then the changed fields only."""

import asyncio
from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.matter import MatterChange, MatterSnapshot
    from workflows.hosts import MatterHost
    from workflows.patches import patched

MATTER_CHANGED_SIGNAL = "matter_changed"
# The update returns once the matter has recorded the change; the case hears of it when the
# signal arrives (~135 ms of server round trip the department no longer waits for). The
# case keeps the newest snapshot by version, so signals overtaking each other are harmless.
CASE_TOLD_AFTER_REPLY_PATCH = "case-told-after-the-reply"
# The case is told the whole snapshot once, then the changed fields only (MatterChange).
CHANGES_ONLY_PATCH = "case-told-changes-only"


@dataclass
class Told:
    """A signal to the case, and the snapshot it told as JSON (None: told before
    ``CHANGES_ONLY_PATCH``, so never the base of a change)."""

    signal: asyncio.Task[None]
    snapshot: dict | None


class CaseTelling(MatterHost):
    """Uses MatterWorkflow's ``_told_case``: the signals told, oldest first."""

    _told_case: list[Told]

    async def _tell_case(self, snapshot: MatterSnapshot) -> None:
        """Tell the parent case of ``snapshot``, if there is one (a matter run alone has
        none). Awaits the signal's delivery only in histories from before the reply came
        first."""
        parent = workflow.info().parent
        if parent is None:
            return
        case = workflow.get_external_workflow_handle(parent.workflow_id)
        if patched(CHANGES_ONLY_PATCH):
            self._tell_change(case, snapshot)
            return
        told = case.signal(MATTER_CHANGED_SIGNAL, snapshot)
        if patched(CASE_TOLD_AFTER_REPLY_PATCH):
            # Started now, so the command goes out with this workflow task, in order.
            self._told_case.append(Told(asyncio.create_task(told), None))
        else:
            await told

    def _tell_change(self, case: workflow.ExternalWorkflowHandle, snapshot: MatterSnapshot) -> None:
        """The whole snapshot until one signal is known delivered, then the fields that
        differ from the newest delivered (``MatterChange``) or from any told after it."""
        now = snapshot.model_dump(mode="json")
        told = self._told_case
        delivered = [i for i, t in enumerate(told) if t.signal.done() and t.snapshot is not None]
        payload: MatterSnapshot | MatterChange = snapshot
        if delivered:
            base = delivered[-1]
            heard = told[base].snapshot or {}
            on_the_way = [t.snapshot for t in told[base + 1 :] if t.snapshot is not None]
            payload = MatterChange.since(heard, on_the_way, now)
            # What was told before the base is no longer needed for a change; a signal
            # still on its way there is kept only so the matter waits for it at the end.
            self._told_case = [t for t in told[:base] if not t.signal.done()] + told[base:]
        # Started now, so the command goes out with this workflow task.
        signal = asyncio.create_task(case.signal(MATTER_CHANGED_SIGNAL, payload))
        self._told_case.append(Told(signal, now))

    async def _case_told_everything(self) -> None:
        """The case hears every change before the matter ends."""
        await asyncio.gather(*(t.signal for t in self._told_case))
