"""The counties the packs know, by name and by code: 州工信局 filters by either.

A county's code is the prefix its departments' codes share (精河县: jinghe-natural-resources,
jinghe-housing-construction … → ``jinghe``), so it comes from the catalogues and needs no
list of its own. A prefix shared by two counties is no code.
"""

from functools import cache

from policies.registry import PACKS


@cache
def county_codes() -> dict[str, str]:
    """code -> county name, for every county a pack's departments or parks name."""
    names: dict[str, set[str]] = {}
    for pack in PACKS.values():
        for department in pack.departments:
            if department.county:
                names.setdefault(department.code.split("-", 1)[0], set()).add(department.county)
    return {code: next(iter(found)) for code, found in names.items() if len(found) == 1}


@cache
def county_names() -> frozenset[str]:
    found = {d.county for pack in PACKS.values() for d in pack.departments if d.county}
    found |= {park.county for pack in PACKS.values() for park in pack.parks if park.county}
    return frozenset(found)


def county_named(value: str) -> str | None:
    """The county's name for a name or a code, or None if no pack knows it."""
    if value in county_names():
        return value
    return county_codes().get(value)
