"""Path and paging parameters every router shares, declared once."""

from typing import Annotated

from fastapi import Path, Query

from api.auth.access import CaseId

MatterCode = Annotated[str, Path(pattern=r"^[a-z0-9_\-]+$")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]  # within any database's integers
Limit = Annotated[int, Query(ge=1, le=200)]
# A row id in a path: within PostgreSQL's integer, so a huge one is a 422, not a 500.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DocumentId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="文件编号")]

__all__ = ["CaseId", "DocumentId", "Limit", "MatterCode", "Offset", "RowId"]
