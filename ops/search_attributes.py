"""Register the project's search attributes on a Temporal cluster (an ops step, not a worker's)."""

from temporalio.api.enums.v1 import IndexedValueType as ValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client

from workflows.search_attributes import ALL


async def register(client: Client, namespace: str) -> None:
    """Add the attributes a namespace does not have yet (idempotent on the server)."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={
                key.name: ValueType.ValueType(int(key.indexed_value_type)) for key in ALL
            },
        )
    )
