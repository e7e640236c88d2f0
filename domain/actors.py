"""Who did something: every action and ledger entry names its actor."""

from enum import StrEnum

from pydantic import BaseModel, Field


class Role(StrEnum):
    COORDINATOR = "coordinator"
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"
    OPS = "ops"
    OVERSIGHT = "oversight"
    SYSTEM = "system"


class Actor(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    role: Role
    department: str | None = Field(None, description="set for department staff")


SYSTEM_ACTOR = Actor(id="system", role=Role.SYSTEM)
