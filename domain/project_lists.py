"""Project lists (鄂尔多斯 四.(三)): what an industry office pushes, one entry per signed
project; each opens a case."""

from typing import Annotated

from pydantic import BaseModel, Field

from domain.application import Contact, Enterprise, EntrustmentPeriod, Project


class ListedProject(BaseModel):
    enterprise: Enterprise
    contact: Contact
    project: Project
    matters: list[str] = Field(min_length=1, max_length=50)
    period: EntrustmentPeriod


class ProjectList(BaseModel):
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2,4}$")] = "ORD"
    park: str
    office: str = Field(description="推送清单的产业管理办公室（部门编码）")
    projects: list[ListedProject] = Field(min_length=1, max_length=100)
