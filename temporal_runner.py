"""The sandbox the workflows run in, minus a trip into it that cannot change a payload.

Before and after every workflow activation the SDK (1.35) visits each payload six times,
and each visit asks the workflow instance for the payload's serialization context. The
sandboxed instance answers by ``exec``-ing code inside the sandbox with its importer
applied: in ``bench/results/action_latency.md``'s profile that was about a fifth of the
worker's CPU for a department's action. The context only reaches a payload codec, an
external store, or a payload or failure converter that takes one. With none of those (the
pydantic converter alone, as here) every visit is a no-op whatever the context, so the
instance answers without entering the sandbox. The workflow code still runs in the
sandbox, with its determinism guard and its restrictions, exactly as before.
"""

from dataclasses import dataclass
from typing import Any

from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import (
    DataConverter,
    SerializationContext,
    StorageDriverStoreContext,
    StorageDriverWorkflowInfo,
    WorkflowSerializationContext,
)
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.workflow import Info


def contexts_matter(converter: DataConverter) -> bool:
    """Whether a serialization or store context can change what ``converter`` does: a
    codec or an external store, or a converter that returns another one for a context
    (``DataConverter.with_context`` returns itself when no part takes one)."""
    if converter.payload_codec is not None or converter.external_storage is not None:
        return True
    probe = WorkflowSerializationContext(namespace="probe", workflow_id="probe")
    return converter.with_context(probe) is not converter


def workflow_runner(converter: DataConverter) -> WorkflowRunner:
    """The sandbox for workflows whose payloads go through ``converter``."""
    if contexts_matter(converter):
        return SandboxedWorkflowRunner()
    return ContextFreeSandboxRunner()


@dataclass(frozen=True)
class ContextFreeSandboxRunner(SandboxedWorkflowRunner):
    """The SDK's sandbox, its instances answering context questions from outside it. Only
    for a converter that ``contexts_matter`` says takes none (``workflow_runner``)."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return ContextFreeInstance(super().create_instance(det))


class ContextFreeInstance(WorkflowInstance):
    """A sandboxed instance that runs activations as it did and, asked for a context,
    gives the one that changes nothing: none for serialization (the worker then uses its
    own converter), the workflow itself for a store there is not."""

    def __init__(self, sandboxed: WorkflowInstance) -> None:
        self._sandboxed = sandboxed
        info = sandboxed.get_info()
        self._store_context = StorageDriverStoreContext(
            target=StorageDriverWorkflowInfo(
                namespace=info.namespace,
                id=info.workflow_id,
                run_id=info.run_id,
                type=info.workflow_type,
            )
        )

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self._sandboxed.activate(act)

    def get_info(self) -> Info:
        return self._sandboxed.get_info()

    def get_thread_id(self) -> int | None:  # the deadlock detector names the thread
        return self._sandboxed.get_thread_id()

    def get_serialization_context(self, command_info: Any) -> SerializationContext | None:
        return None

    def get_external_store_context(self, command_info: Any) -> StorageDriverStoreContext:
        return self._store_context

    def __getattr__(self, name: str) -> Any:
        # Anything else a later SDK asks of an instance is the sandboxed one's to answer.
        return getattr(self._sandboxed, name)
