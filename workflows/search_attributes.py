"""The project's typed search attributes: one definition for workflows, tests and the server.

``python -m workflows.search_attributes`` prints the ``--search-attribute`` flags of
``temporal server start-dev``; ``--register`` adds them to the configured cluster through
the operator API.
"""

from temporalio.common import SearchAttributeKey

CASE_STAGE = SearchAttributeKey.for_keyword("CaseStage")
JURISDICTION = SearchAttributeKey.for_keyword("Jurisdiction")
PARK = SearchAttributeKey.for_keyword("Park")

ALL = (CASE_STAGE, JURISDICTION, PARK)


async def register(client, namespace: str) -> None:  # type: ignore[no-untyped-def]
    """Register the attributes on a cluster that does not have them yet (idempotent)."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace, search_attributes={key.name: keyword for key in ALL}
        )
    )


async def _register_from_settings() -> None:
    from settings import get_settings
    from worker import connect

    settings = get_settings()
    await register(await connect(settings), settings.temporal_namespace)


if __name__ == "__main__":
    import asyncio
    import sys

    if sys.argv[1:] == ["--register"]:
        asyncio.run(_register_from_settings())
    else:
        print(" ".join(f"--search-attribute {key.name}=Keyword" for key in ALL))
