"""Documents people download: the tracking table (附件3)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from activities.tracking_table import MEDIA_TYPES, ExportFormat, export
from api.deps import EngineDep
from api.errors import ERROR_RESPONSES
from api.routes.oversight import County
from domain.case import CaseStage
from store.oversight import OversightFilter

router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)


@router.get(
    "/tracking-table",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in MEDIA_TYPES.values()},
            "description": "代办服务全程跟踪备案表",
        }
    },
)
def tracking_table(
    engine: EngineDep,
    format: ExportFormat = ExportFormat.XLSX,
    park: Annotated[str | None, Query(max_length=60)] = None,
    county: County = None,
    stage: CaseStage | None = None,
    cross_county: Annotated[bool, Query(description="只导出跨县市案件")] = False,
    opened_from: date | None = None,
    opened_to: date | None = None,
) -> Response:
    """代办服务全程跟踪备案表 (附件3): one row per case, as XLSX (default) or CSV."""
    where = OversightFilter(
        county=county,
        park=park,
        stage=stage.value if stage else None,
        opened_from=opened_from,
        opened_to=opened_to,
        cross_county_only=cross_county,
    )
    name = f"tracking-table-{date.today().isoformat()}.{format.value}"
    return Response(
        export(engine, where, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
