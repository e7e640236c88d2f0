"""The rule for a person's text (domain/text.py), held for any text Hypothesis can make."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from domain.text import BIDI_CONTROLS, character_problem, text_problems


def _forbidden(character: str, single_line: bool) -> bool:
    if character in BIDI_CONTROLS:
        return True
    if character in "\n\r":
        return single_line
    return character != "\t" and unicodedata.category(character) == "Cc"


@given(st.text(), st.booleans())
def test_text_is_refused_exactly_when_it_holds_a_forbidden_character(
    text: str, single_line: bool
) -> None:
    refused = character_problem(text, single_line=single_line) is not None
    assert refused == any(_forbidden(c, single_line) for c in text)


_clean_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI_CONTROLS)
)


@given(
    st.recursive(
        _clean_text,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(["note", "comments", "x"]), children, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_json_without_controls_passes_whole(value: object) -> None:
    assert list(text_problems(value)) == []


def test_the_path_of_each_bad_string_is_named() -> None:
    body = {"enterprise": {"name": "甲\x00"}, "reasons": ["好", "坏\u202e"], "note": "一\n二"}
    assert [field for field, _ in text_problems(body)] == ["enterprise.name", "reasons[1]"]
