"""Every patch in the workflows is in the era or listed after it (workflows/patches.py)."""

import re
from pathlib import Path

from workflows.patches import AFTER_ERA, IN_ERA

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_every_patch_is_in_the_era_or_after_it() -> None:
    found = {
        match
        for path in WORKFLOWS.glob("*.py")
        for match in re.findall(r'^\w+_PATCH = "([^"]+)"', path.read_text(), re.MULTILINE)
    }
    assert not IN_ERA & AFTER_ERA
    assert found - IN_ERA == AFTER_ERA, (
        "a patch added after the era goes in AFTER_ERA: workflows started in the era must "
        "still ask it, or their replay takes the new branch where they took the old one"
    )
