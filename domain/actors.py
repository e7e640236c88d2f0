"""Who did something: every action and ledger entry names its actor."""

from enum import StrEnum

from pydantic import BaseModel, Field

PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"  # a mobile, or a landline with its area code


class Role(StrEnum):
    COORDINATOR = "coordinator"
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"
    OPS = "ops"
    OVERSIGHT = "oversight"
    LEADER = "leader"  # 分管领导: reads a jurisdiction's (or park's) cases, hears escalations
    SYSTEM = "system"


# How a role is named to a person: in refusals, account listings and the console.
ROLE_NAMES = {
    Role.COORDINATOR: "代办专员",
    Role.DEPARTMENT: "部门经办人",
    Role.ENTERPRISE: "企业",
    Role.OPS: "运维人员",
    Role.OVERSIGHT: "州工信局专班",
    Role.LEADER: "分管领导",
    Role.SYSTEM: "系统",
}


class Actor(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    role: Role
    department: str | None = Field(None, description="set for department staff")


SYSTEM_ACTOR = Actor(id="system", role=Role.SYSTEM)


class Principal(BaseModel):
    """A signed-in account and what it is bound to: the scope every request is checked
    against. Only its ``actor`` goes into workflows and the ledger."""

    username: str = Field(pattern=r"^[A-Za-z0-9._@\-]{1,64}$")
    display_name: str = Field(min_length=1, max_length=50)
    role: Role
    jurisdiction: str | None = Field(None, description="coordinator: the pack, e.g. BZ")
    park: str | None = Field(None, description="coordinator: the park; none for a centre")
    department: str | None = Field(None, description="department staff: the department code")
    county: str | None = Field(None, description="department staff: the department's county")
    uscc: str | None = Field(None, description="enterprise: its 统一社会信用代码")
    phone: str | None = Field(
        None, pattern=PHONE_PATTERN, description="work phone, printed on papers (受理人及联系方式)"
    )

    @property
    def name_and_phone(self) -> str:
        return f"{self.display_name} {self.phone}" if self.phone else self.display_name

    @property
    def actor(self) -> Actor:
        return Actor(id=self.username, role=self.role, department=self.department)
