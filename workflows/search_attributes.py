"""The project's typed search attributes: one definition for workflows, tests and the server.

``python -m workflows.search_attributes`` prints the ``--search-attribute`` flags of
``temporal server start-dev``; ``--register`` adds them to the configured cluster through
the operator API.
"""

from temporalio.common import SearchAttributeKey

CASE_STAGE = SearchAttributeKey.for_keyword("CaseStage")
JURISDICTION = SearchAttributeKey.for_keyword("Jurisdiction")
PARK = SearchAttributeKey.for_keyword("Park")
# The oversight view's cross-check: every county the case works in, and whether a matter
# is past its deadline undecided. The projection must agree with both.
COUNTIES = SearchAttributeKey.for_keyword_list("Counties")
OVERDUE = SearchAttributeKey.for_bool("Overdue")

ALL = (CASE_STAGE, JURISDICTION, PARK, COUNTIES, OVERDUE)
# How ``temporal server start-dev --search-attribute Name=Type`` spells each type.
CLI_TYPES = {"KEYWORD": "Keyword", "KEYWORD_LIST": "KeywordList", "BOOL": "Bool"}


def cli_flags() -> list[str]:
    return [
        arg
        for key in ALL
        for arg in ("--search-attribute", f"{key.name}={CLI_TYPES[key.indexed_value_type.name]}")
    ]


async def register(client, namespace: str) -> None:  # type: ignore[no-untyped-def]
    """Register the attributes on a cluster that does not have them yet (idempotent)."""
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={key.name: int(key.indexed_value_type) for key in ALL},
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
        print(" ".join(cli_flags()))
