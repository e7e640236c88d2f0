"""Path and paging parameters every router shares, declared once."""

from typing import Annotated

from fastapi import Path, Query

from api.auth.access import CaseId

MatterCode = Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]  # within any database's integers
Limit = Annotated[int, Query(ge=1, le=200)]

__all__ = ["CaseId", "Limit", "MatterCode", "Offset"]
