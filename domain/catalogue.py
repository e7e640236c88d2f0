"""The shape of a jurisdiction's policy data: parks, departments and the matter catalogue."""

from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from domain.actions import AgentLevel
from domain.eligibility import EligibilityRules, MatterKind
from domain.routing import Routing


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
    kind: MatterKind | None = Field(None, description="for eligibility rules (和硕)")
    domain: str | None = Field(None, description="for routing by domain (鄂尔多斯), e.g. 发改")
    commitment_allowed: bool = Field(
        False, description="告知承诺制: decided at once on a written commitment (not high-risk)"
    )
    deferral_allowed: bool = Field(True, description="容缺受理 with a non-essential item missing")

    @property
    def counted_limit_days(self) -> int | None:
        """What the clock counts: the promise where one is made, else the statute; None for
        a matter decided on the spot."""
        if self.limit_days is None:
            return None
        return min(self.limit_days, self.promised_days or self.limit_days)

    @model_validator(mode="after")
    def _promise_within_statute(self) -> "MatterDefinition":
        promised, limit = self.promised_days, self.limit_days
        if promised is not None and limit is not None and promised > limit:
            raise ValueError(f"{self.code}: promised limit exceeds the statutory limit")
        return self


class AgentTeamRule(BaseModel):
    """Who must be on a case's team: 三包一 (包头), agents at each level; or 鄂尔多斯,
    agents of every department that decides one of its matters."""

    levels: list[AgentLevel] = []
    per_department: bool = False
    min_per_level: int = Field(2, ge=1)
    max_per_level: int = Field(3, ge=1)


class Bundle(BaseModel):
    """一件事一次办 (包头): one application that fans out into several matters."""

    code: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name: str
    lead: str = Field(description="牵头单位")
    matters: list[str] = Field(min_length=1)


class ProjectListRule(BaseModel):
    """鄂尔多斯 四.(三): an industry office pushes its signed projects; each opens a case,
    copied to these departments."""

    copy_to: list[str] = Field(min_length=1)


class CrossCountyItem(BaseModel):
    name: str = Field(description="as the list words it")
    matter: str | None = Field(None, description="the catalogue matter, where there is one")


class CrossCountyCategory(BaseModel):
    name: str  # 经济类, 用地类, ...
    items: list[CrossCountyItem]


class CrossCountyList(BaseModel):
    """A cross-county matter list and who leads it (博州 附件5).

    The parks' projects sit in ``project_county``; a listed matter is decided by that
    county's department and assists a case the ``lead_committee`` runs.
    """

    parks: list[str] = Field(min_length=1)
    lead_committee: str
    project_county: str
    categories: list[CrossCountyCategory]

    @property
    def matter_codes(self) -> set[str]:
        return {i.matter for c in self.categories for i in c.items if i.matter is not None}


class CrossCountyRoute(BaseModel):
    """How one matter of a case crosses counties; carried in the case's input."""

    lead_committee: str
    home_county: str  # the park's county, where the lead committee sits
    project_county: str  # where the matter is decided


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
    # Only 博州's seed (五.(五)1-2) asks for the evaluation as a report within 5 working
    # days; the other seeds end the case with the rating.
    feedback_report_required: bool = Field(False, description="the 5-working-day report")
    cross_county: list[CrossCountyList] = []
    eligibility: EligibilityRules | None = Field(None, description="who may be served (和硕)")
    routing: Routing | None = Field(None, description="departments by domain (鄂尔多斯)")
    case_budget_days: int | None = Field(
        None, ge=1, description="the whole case within (working days; 昌吉: 100)"
    )
    agent_team: AgentTeamRule | None = Field(None, description="agents per level (包头 三包一)")
    bundles: list[Bundle] = []
    project_lists: ProjectListRule | None = None
    joint_review: bool = Field(False, description="集中联审 decides several matters at once")
    leader_in_charge: str = Field("管委会分管领导", description="who hears escalations")
    agents_may_name_intermediaries: bool = Field(
        True, description="False: the investor alone chooses any intermediary (昌吉)"
    )
    oversight_body: str = Field("", description="who receives cross-county reports (州工信局专班)")
    online_application: bool = Field(
        False, description="enterprises apply online themselves (包头 云代办 在线申请)"
    )

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
        parks = {p.code for p in self.parks}
        for listed in self.cross_county:
            for park in listed.parks:
                if park not in parks:
                    raise ValueError(f"cross-county list for unknown park {park}")
            for code in listed.matter_codes:
                if code not in matters:
                    raise ValueError(f"cross-county list names unknown matter {code}")
                if self.deciding_department(matters[code], listed.project_county) is None:
                    raise ValueError(
                        f"{listed.project_county} has no department for cross-county {code}"
                    )
        if self.eligibility is not None:
            unkinded = [m.code for m in self.matters if m.kind is None]
            if unkinded:
                raise ValueError(f"eligibility rules need a kind for {', '.join(unkinded)}")
        if self.routing is not None:
            self._check_routing(self.routing)
        if self.project_lists is not None:
            known = {d.code for d in self.departments}
            for code in self.project_lists.copy_to:
                if code not in known:
                    raise ValueError(f"project lists copy unknown department {code}")
        for bundle in self.bundles:
            for code in bundle.matters:
                if code not in matters:
                    raise ValueError(f"bundle {bundle.code} names unknown matter {code}")
        if self.cross_county and not self.oversight_body:
            raise ValueError("cross-county lists need an oversight_body to report to")
        return self

    def _check_routing(self, routing: Routing) -> None:
        codes = {d.code for d in self.departments}
        for target in [r.department for r in routing.routes] + [routing.fallback]:
            if target not in codes:
                raise ValueError(f"routing names unknown department {target}")
        undomained = [m.code for m in self.matters if m.domain is None]
        if undomained:
            raise ValueError(f"routing needs a domain for {', '.join(undomained)}")

    def bundle(self, code: str) -> Bundle | None:
        return next((b for b in self.bundles if b.code == code), None)

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

    def route(self, matter: MatterDefinition, park: Park) -> CrossCountyRoute | None:
        """The cross-county route of ``matter`` in a case of ``park``; None if it is local."""
        for listed in self.cross_county:
            if park.code in listed.parks and matter.code in listed.matter_codes:
                return CrossCountyRoute(
                    lead_committee=listed.lead_committee,
                    home_county=park.county,
                    project_county=listed.project_county,
                )
        return None


class CaseMatter(BaseModel):
    """A catalogue matter resolved for one case: the definition and its deciding department."""

    definition: MatterDefinition
    department: Department
    warning_share: float = Field(0.8, gt=0, le=1, description="warn when this share is used")
    cross_county: CrossCountyRoute | None = None

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
