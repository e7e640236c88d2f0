"""The shape of a jurisdiction's policy data: parks, departments and the matter catalogue."""

from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Department(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name: str
    county: str
    function: str = Field(description="what it decides, e.g. natural_resources")


class Park(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name: str
    county: str


class MatterDefinition(BaseModel):
    """One approval matter as the catalogue defines it; carried whole into a case's input."""

    code: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name: str
    function: str = Field(description="the department function that decides it")
    depends_on: list[str] = []
    limit_days: int | None = Field(None, ge=0, description="statutory limit; None = on the spot")
    limit_unit: TimeUnit = TimeUnit.WORKING_DAYS
    promised_days: int | None = Field(None, ge=0)
    extension_days: int = Field(0, ge=0, description="the one statutory extension (§42)")
    materials: list[str] = []

    @model_validator(mode="after")
    def _promise_within_statute(self) -> "MatterDefinition":
        limits = (self.promised_days, self.limit_days)
        if None not in limits and limits[0] > limits[1]:  # type: ignore[operator]
            raise ValueError(f"{self.code}: promised limit exceeds the statutory limit")
        return self


class PolicyPack(BaseModel):
    jurisdiction: str = Field(pattern=r"^[A-Z]{2,4}$", description="case-id prefix, e.g. BZ")
    name: str
    parks: list[Park]
    departments: list[Department]
    matters: list[MatterDefinition]
    warning_share: float = Field(0.8, gt=0, le=1, description="early warning at this share")
    coordination_hours: int = Field(48, ge=1, description="start coordinating within (wall clock)")
    hand_off_ack_hours: int = Field(24, ge=1, description="a hand-over unaccepted this long stalls")
    feedback_report_days: int = Field(5, ge=1, description="file the evaluation within (WD)")

    @model_validator(mode="after")
    def _consistent(self) -> "PolicyPack":
        functions = {d.function for d in self.departments}
        matters = {m.code: m for m in self.matters}
        for matter in self.matters:
            if matter.function not in functions:
                raise ValueError(f"{matter.code}: no department has function {matter.function}")
            for dependency in matter.depends_on:
                if dependency not in matters:
                    raise ValueError(f"{matter.code}: depends on unknown matter {dependency}")
        _reject_cycles(matters)
        return self

    def park(self, code: str) -> Park | None:
        return next((p for p in self.parks if p.code == code), None)

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def matter(self, code: str) -> MatterDefinition | None:
        return next((m for m in self.matters if m.code == code), None)

    def deciding_department(self, matter: MatterDefinition, county: str) -> Department | None:
        """The department of ``county`` that decides ``matter``."""
        return next(
            (d for d in self.departments if d.county == county and d.function == matter.function),
            None,
        )


class CaseMatter(BaseModel):
    """A catalogue matter resolved for one case: the definition and its deciding department."""

    definition: MatterDefinition
    department: Department
    warning_share: float = Field(0.8, gt=0, le=1, description="warn when this share is used")

    @property
    def code(self) -> str:
        return self.definition.code


def _reject_cycles(matters: dict[str, MatterDefinition]) -> None:
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(code: str, path: list[str]) -> None:
        if code in done:
            return
        if code in visiting:
            raise ValueError("dependency cycle: " + " -> ".join([*path, code]))
        visiting.add(code)
        for dependency in matters[code].depends_on:
            visit(dependency, [*path, code])
        visiting.discard(code)
        done.add(code)

    for code in matters:
        visit(code, [])
