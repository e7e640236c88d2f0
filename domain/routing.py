"""Routing a matter to its department by domain (鄂尔多斯高新区: 按领域归口).

Each domain belongs to one department. Any other matter stays with the project's own
产业管理办公室 (the office that signed the project and pushed it onto the list), as the
seed says: 其他项目建设所需手续，暂仍由高新区各产业管理办公室负责.
"""

from pydantic import BaseModel, Field, model_validator


class DomainRoute(BaseModel):
    domains: list[str] = Field(min_length=1)  # e.g. 发改, 工信, 能源
    department: str  # e.g. 发展规划局


class Routing(BaseModel):
    routes: list[DomainRoute]
    fallback: str = Field(description="what the project's office is called when none is named")

    @model_validator(mode="after")
    def _each_domain_once(self) -> "Routing":
        seen: dict[str, str] = {}
        for route in self.routes:
            for domain in route.domains:
                if domain in seen:
                    raise ValueError(
                        f"domain {domain} routed to both {seen[domain]} and {route.department}"
                    )
                seen[domain] = route.department
        return self

    def department_for(self, domain: str, project_office: str | None = None) -> str:
        for route in self.routes:
            if domain in route.domains:
                return route.department
        return project_office or self.fallback
