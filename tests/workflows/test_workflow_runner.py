"""The workflow runner (temporal_runner.py): the SDK's sandbox, asked for no context where
none can change a payload, and the stock sandbox where one can."""

import dataclasses
import uuid
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
)
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_runner import ContextFreeSandboxRunner, contexts_matter, workflow_runner
from tests.support.polling import eventually
from tests.support.runner_workflows import Greeting, Listener, ReadsTheWallClock, Teller, repeat

WORKFLOWS_HERE = [Listener, Teller, ReadsTheWallClock]


class RecordingCodec(PayloadCodec, WithSerializationContext):
    """Changes nothing; notes each payload it encodes with the context it was given."""

    def __init__(
        self,
        encoded: list[tuple[SerializationContext | None, bytes]] | None = None,
        context: SerializationContext | None = None,
    ) -> None:
        self.encoded = encoded if encoded is not None else []
        self.context = context

    def with_context(self, context: SerializationContext) -> "RecordingCodec":
        return RecordingCodec(self.encoded, context)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self.encoded.extend((self.context, p.data) for p in payloads)
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)


def test_the_project_converter_takes_no_context_so_the_sandbox_is_asked_for_none() -> None:
    assert not contexts_matter(pydantic_data_converter)
    assert isinstance(workflow_runner(pydantic_data_converter), ContextFreeSandboxRunner)


def test_a_codec_gets_the_stock_sandbox_which_hands_it_every_context() -> None:
    with_codec = dataclasses.replace(pydantic_data_converter, payload_codec=RecordingCodec())
    assert contexts_matter(with_codec)
    runner = workflow_runner(with_codec)
    assert type(runner) is SandboxedWorkflowRunner


async def test_models_signals_and_activities_cross_as_before(env: WorkflowEnvironment):
    """Payloads cross the worker as before: a model into and out of an activity, a signal
    to another workflow, the workflow's result. (Updates and queries: every department
    action and case page in the suite.)"""
    client = env.client
    queue = f"runner-{uuid.uuid4()}"
    async with _worker(client, queue, workflow_runner(client.data_converter)):
        listener = await client.start_workflow(Listener.run, id=f"l-{queue}", task_queue=queue)
        teller = await client.start_workflow(
            Teller.run,
            args=[Greeting(name="办", times=2), listener.id],
            id=f"t-{queue}",
            task_queue=queue,
        )
        heard = await listener.result()
        told = await teller.result()
    assert heard == told == Greeting(name="办办", times=2)


async def test_the_sandbox_still_refuses_a_wall_clock_read(env: WorkflowEnvironment):
    """The determinism guard is the sandbox's, untouched: the task fails, the workflow
    never completes with a value read from the machine's clock."""
    client = env.client
    queue = f"runner-{uuid.uuid4()}"
    async with _worker(client, queue, workflow_runner(client.data_converter)):
        handle = await client.start_workflow(
            ReadsTheWallClock.run, id=f"c-{queue}", task_queue=queue
        )

        async def task_failed() -> str | None:
            async for event in handle.fetch_history_events():
                if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                    return event.workflow_task_failed_event_attributes.failure.message
            return None

        message = await eventually(task_failed, "the wall-clock read refused")
        await handle.terminate("test over")
    assert "Cannot access datetime.datetime.now" in message


async def test_with_a_codec_the_activity_input_is_encoded_in_its_own_context(
    env: WorkflowEnvironment,
):
    """The stock sandbox, chosen for a codec, still gives each command its context: the
    workflow encodes the activity's input for the activity, not for itself."""
    encoded: list[tuple[SerializationContext | None, bytes]] = []
    converter = dataclasses.replace(pydantic_data_converter, payload_codec=RecordingCodec(encoded))
    client = Client(**{**env.client.config(), "data_converter": converter})
    queue = f"runner-{uuid.uuid4()}"
    async with _worker(client, queue, workflow_runner(converter)):
        listener = await client.start_workflow(Listener.run, id=f"l-{queue}", task_queue=queue)
        teller = await client.start_workflow(
            Teller.run,
            args=[Greeting(name="代", times=3), listener.id],
            id=f"t-{queue}",
            task_queue=queue,
        )
        await listener.result()
        await teller.result()
    # Only the workflow encodes the input; the activity worker encodes the result (代代代).
    input_encodings = [
        context
        for context, data in encoded
        if b'"times":3' in data and "代代代".encode() not in data
    ]
    assert any(
        isinstance(c, ActivitySerializationContext) and c.activity_type == "repeat"
        for c in input_encodings
    ), input_encodings


def _worker(client: Client, queue: str, runner: WorkflowRunner) -> Worker:
    return Worker(
        client,
        task_queue=queue,
        workflows=WORKFLOWS_HERE,
        activities=[repeat],
        workflow_runner=runner,
    )
