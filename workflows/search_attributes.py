"""The project's typed search attributes: one definition for workflows, tests and the server.

``python -m ops search-attributes flags`` prints the ``--search-attribute`` flags of
``temporal server start-dev``; ``python -m ops search-attributes register`` adds them to the
configured cluster (``ops/search_attributes.py``).
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
