"""The matter catalogue a coordinator picks from when filling the 委托书."""

from fastapi import APIRouter

from api.errors import ERROR_RESPONSES, not_found
from domain.catalogue import PolicyPack
from policies.registry import PACKS

router = APIRouter(prefix="/catalogue", tags=["catalogue"], responses=ERROR_RESPONSES)


@router.get("/{jurisdiction}", response_model=PolicyPack)
def catalogue(jurisdiction: str) -> PolicyPack:
    """Parks, departments and matters (limits, materials, dependencies) of one jurisdiction."""
    pack = PACKS.get(jurisdiction)
    if pack is None:
        raise not_found(f"未知的辖区：{jurisdiction}")
    return pack
