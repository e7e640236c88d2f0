"""One way for every pack to write a catalogue matter: the fields most matters share are
positional, as the DOMAIN table reads (code, name, deciding function, limit, what it
depends on); the rest are keywords."""

from typing import Any

from domain.catalogue import MatterDefinition, TimeUnit

WD, CD = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS


def matter(
    code: str,
    name: str,
    function: str,
    limit: int | None,
    *depends_on: str,
    unit: TimeUnit = WD,
    extension: int = 0,
    promised: int | None = None,
    materials: tuple[str, ...] = (),
    **rules: Any,
) -> MatterDefinition:
    """``limit=None`` is a matter decided on the spot; ``rules`` are the pack-specific
    fields (kind, domain, commitment_allowed, deferral_allowed)."""
    return MatterDefinition(
        code=code,
        name=name,
        function=function,
        limit_days=limit,
        limit_unit=unit,
        extension_days=extension,
        promised_days=promised,
        depends_on=list(depends_on),
        materials=list(materials),
        **rules,
    )
