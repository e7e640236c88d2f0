"""The matter catalogue a coordinator picks from when filling the 委托书."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from api.auth.access import signed_in
from api.errors import ERROR_RESPONSES
from domain.catalogue import PolicyPack
from domain.errors import NotFound
from policies.registry import PACKS

# Any signed-in account may read the catalogues: they are the policies as published.
router = APIRouter(
    prefix="/catalogue",
    tags=["catalogue"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(signed_in)],
)


class Jurisdiction(BaseModel):
    jurisdiction: str
    name: str


@router.get("", response_model=list[Jurisdiction])
def jurisdictions() -> list[Jurisdiction]:
    """The jurisdictions whose packs are loaded; a case names one in ``jurisdiction``."""
    return [Jurisdiction(jurisdiction=code, name=pack.name) for code, pack in PACKS.items()]


@router.get("/{jurisdiction}", response_model=PolicyPack)
def catalogue(jurisdiction: str) -> PolicyPack:
    """Parks, departments and matters (limits, materials, dependencies) of one jurisdiction."""
    pack = PACKS.get(jurisdiction)
    if pack is None:
        raise NotFound(f"未知的辖区：{jurisdiction}")
    return pack
