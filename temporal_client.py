"""The one way a process connects to Temporal: address, namespace and the pydantic converter.

The worker, the API and ops each call `connect` once per process, so they agree on the
data converter that every payload of the case and matter workflows needs.
"""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from settings import Settings


async def connect(settings: Settings) -> Client:
    """Connect to the configured Temporal service with the project's data converter."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
