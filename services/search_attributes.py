"""Refuse to start on a namespace without the project's search attributes.

Without them a case's start fails after its number was issued (a bare 500 and a burnt
number): better that the API and the worker say so at start-up, with the fix.
"""

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from domain.errors import Unavailable
from workflows.search_attributes import ALL


class SearchAttributesMissing(Unavailable):
    """The namespace lacks some of ``workflows.search_attributes.ALL``."""


async def missing(client: Client, namespace: str) -> list[str]:
    """The attributes the namespace lacks, or has with another type."""
    answer = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    have = dict(answer.custom_attributes)
    return [
        key.name
        for key in ALL
        if key.name not in have or int(have[key.name]) != int(key.indexed_value_type)
    ]


async def require(client: Client, namespace: str) -> None:
    lacking = await missing(client, namespace)
    if lacking:
        raise SearchAttributesMissing(
            f"Temporal namespace {namespace!r} lacks the search attributes "
            f"{', '.join(lacking)}: run `python -m ops search-attributes register` "
            "(or start the dev server with `python -m ops search-attributes flags`)"
        )
