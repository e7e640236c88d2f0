"""The policy packs are data: the TOML files load into the models the Python packs built."""

import json
from pathlib import Path

import pytest

from policies.packs import PackFileProblem, load_pack, load_packs, load_statutes
from policies.registry import PACKS

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("jurisdiction", ["BT", "BZ", "CJ", "HS", "ORD"])
def test_each_loaded_pack_equals_the_pack_the_python_literals_built(jurisdiction: str) -> None:
    golden = json.loads((GOLDEN / f"pack-{jurisdiction}.json").read_text(encoding="utf-8"))
    assert PACKS[jurisdiction].model_dump(mode="json") == golden


def test_every_matter_takes_its_limits_from_the_one_statute_row_of_its_code() -> None:
    statutes = load_statutes()
    for pack in load_packs().values():
        for matter in pack.matters:
            row = statutes[matter.code]
            assert (matter.limit_days, matter.limit_unit.value, matter.extension_days) == (
                row["limit_days"],
                row["limit_unit"],
                row["extension_days"],
            )


def test_a_pack_file_may_not_set_a_statutory_limit_itself(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'jurisdiction = "XX"\nname = "x"\n'
        'parks = [{code = "p", name = "p", county = "c"}]\n'
        'departments = [{code = "d", name = "d", county = "c", function = "f"}]\n'
        '[[matters]]\ncode = "seal-engraving"\nname = "刻章"\nfunction = "f"\nlimit_days = 99\n',
        encoding="utf-8",
    )
    with pytest.raises(PackFileProblem, match=r"statutes\.toml"):
        load_pack(bad, load_statutes())


def test_a_matter_without_a_statute_row_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'jurisdiction = "XX"\nname = "x"\nparks = []\ndepartments = []\n'
        '[[matters]]\ncode = "no-such-matter"\nname = "无"\nfunction = "f"\n',
        encoding="utf-8",
    )
    with pytest.raises(PackFileProblem, match="no-such-matter"):
        load_pack(bad, load_statutes())
