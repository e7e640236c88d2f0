"""修改委托书: the coordinator corrects the application during initial review.

A missing approval level once made every 和硕 project ineligible, and the only way out was
to refuse the case and open it again under a new number. The 委托书 may be amended while
the case is in initial review; who the applicant is, the jurisdiction and the park stay
(another applicant or park is another case), and every change is in the ledger.
"""

from typing import Any

from pydantic import BaseModel, Field

from domain.actors import Actor
from domain.application import Application
from domain.catalogue import CaseMatter
from domain.eligibility import Eligibility

# The fields an amendment may not change, and why, in the words the API answers with.
FIXED_FIELDS = {
    "jurisdiction": "辖区不能修改，请另行委托",
    "park": "园区不能修改，请另行委托",
}


class AmendmentRequest(BaseModel):
    """The whole 委托书 as amended, and why."""

    application: Application
    reason: str = Field(min_length=1, max_length=500, description="why (e.g. 补填审批层级)")


class AmendApplication(BaseModel):
    """The amendment as the case takes it: its matters resolved against the catalogue and
    its eligibility assessed again by the service, before the update."""

    actor: Actor
    application: Application
    matters: list[CaseMatter]
    eligibility: Eligibility | None = None
    reason: str


def fixed_field_problem(before: Application, after: Application) -> tuple[str, str] | None:
    """The field an amendment may not change and why, or None."""
    for field, message in FIXED_FIELDS.items():
        if getattr(before, field) != getattr(after, field):
            return field, message
    if before.enterprise is not None and (
        after.enterprise is None or after.enterprise.uscc != before.enterprise.uscc
    ):
        return "enterprise.uscc", "委托企业（统一社会信用代码）不能修改，请另行委托"
    if before.resident is not None and (
        after.resident is None or after.resident.id_number != before.resident.id_number
    ):
        return "resident.id_number", "委托人（居民身份证号码）不能修改，请另行委托"
    return None


def changes(before: Application, after: Application) -> dict[str, dict[str, Any]]:
    """What the amendment changes, field by field: ``{field: {"before": …, "after": …}}``."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {
        field: {"before": old[field], "after": new[field]}
        for field in new
        if old.get(field) != new[field]
    }


FIELD_NAMES = {
    "enterprise": "委托企业",
    "resident": "委托人",
    "contact": "联系人",
    "project": "项目信息",
    "bundles": "一件事套餐",
    "matters": "委托事项",
    "scope": "委托范围",
    "period": "委托期限",
}
