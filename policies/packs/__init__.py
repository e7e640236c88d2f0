"""The five jurisdictions' policy packs, as data: `statutes.toml` and one TOML file each.

Loaded and validated into `domain.catalogue.PolicyPack` once per process. The rule code that
reads them (eligibility, routing, the critical path) stays in Python under `domain/`.
A case carries its resolved matters in its input, so editing a file never changes a
running case.
"""

import tomllib
from pathlib import Path
from typing import Any

from domain.catalogue import PolicyPack, TimeUnit

HERE = Path(__file__).parent
STATUTES = HERE / "statutes.toml"
# A matter's statutory fields: from statutes.toml, never from a jurisdiction's file.
STATUTORY_FIELDS = ("limit_days", "limit_unit", "extension_days")


class PackFileProblem(ValueError):
    """A pack file is malformed: the message names the file and the entry."""


def load_statutes(path: Path = STATUTES) -> dict[str, dict[str, Any]]:
    """The statutory limit, unit and extension of each matter code."""
    rows = tomllib.loads(path.read_text(encoding="utf-8"))
    for code, row in rows.items():
        unknown = set(row) - set(STATUTORY_FIELDS)
        if unknown:
            raise PackFileProblem(f"{path.name} [{code}]: unknown fields {sorted(unknown)}")
        row.setdefault("limit_days", None)
        row.setdefault("limit_unit", TimeUnit.WORKING_DAYS.value)
        row.setdefault("extension_days", 0)
    return rows


def load_pack(path: Path, statutes: dict[str, dict[str, Any]]) -> PolicyPack:
    """One jurisdiction's file, each matter completed from the statutes, then validated."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for matter in data.get("matters", []):
        code = matter.get("code")
        if code not in statutes:
            raise PackFileProblem(f"{path.name}: matter {code} has no row in statutes.toml")
        overridden = set(STATUTORY_FIELDS) & set(matter)
        if overridden:
            raise PackFileProblem(
                f"{path.name}: matter {code} sets {sorted(overridden)}; "
                "statutory limits belong in statutes.toml (promise fewer days with promised_days)"
            )
        matter.update(statutes[code])
    try:
        return PolicyPack.model_validate(data)
    except ValueError as error:
        raise PackFileProblem(f"{path.name}: {error}") from error


def load_packs(directory: Path = HERE) -> dict[str, PolicyPack]:
    """Every jurisdiction file in ``directory``, by jurisdiction code."""
    statutes = load_statutes(directory / STATUTES.name)
    packs = [
        load_pack(path, statutes)
        for path in sorted(directory.glob("*.toml"))
        if path.name != STATUTES.name
    ]
    return {pack.jurisdiction: pack for pack in packs}
