"""Drive a case through the API the way people do, with sensible default bodies."""

import re
from datetime import date
from typing import Any

import httpx

from domain.report import REPORT_PLACEHOLDER
from tests.support.identities import coordinator, department, enterprise
from tests.support.polling import eventually

# Workflows (cases and their matters) opened by the test running now; conftest terminates
# those still open after it.
OPENED_CASES: list[str] = []

COORDINATOR = coordinator("BZ")
ENTERPRISE = enterprise()
BOLE_MARKET = "bole-market-regulation"
BOLE_LAND = "bole-natural-resources"

# enterprise-registration and land-preexamination run in parallel; food-licence waits for
# enterprise-registration.
MATTERS = ["enterprise-registration", "land-preexamination", "food-licence"]
DEPARTMENT_OF = {
    "enterprise-registration": BOLE_MARKET,
    "land-preexamination": BOLE_LAND,
    "food-licence": BOLE_MARKET,
}


def application(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "jurisdiction": "BZ",
        "park": "bole-jinsanjiao",
        "enterprise": {"name": "博乐示例新材料有限公司", "uscc": "91350100M000100Y43"},
        "contact": {"name": "张三", "phone": "13800000000"},
        "project": {
            "name": "年产1万吨新材料项目",
            "investment_wan_yuan": "5000",
            "industry": "新材料",
        },
        "matters": MATTERS,
        "scope": "full",
        "period": {"start": "2026-11-01", "end": "2027-06-30"},
    }
    body.update(overrides)
    return body


def plan(matters: list[str] = MATTERS) -> dict[str, Any]:
    return {
        "agent": {"id": "wang.wu", "name": "王五", "phone": "13900000000"},
        "matters": [
            {
                "matter": code,
                "materials": ["申请书", "营业执照复印件"],
                "planned_start": str(date(2026, 11, 24)),
                "planned_finish": str(date(2026, 12, 24)),
            }
            for code in matters
        ],
    }


class CaseDriver:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def open(self, **overrides: Any) -> str:
        body = application(**overrides)
        response = await self.http.post(
            "/cases", json=body, headers=coordinator(body["jurisdiction"])
        )
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        OPENED_CASES.extend([case_id, *(f"{case_id}/{code}" for code in body["matters"])])
        return case_id

    async def post(
        self,
        path: str,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        """POST as ``headers``' account; by default the coordinator of the case in the path."""
        if headers is None:
            case = re.search(r"/cases/([A-Z]+)-", path)
            headers = coordinator(case.group(1) if case else "BZ")
        response = await self.http.post(path, json=body, headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    async def accept(self, case_id: str) -> dict[str, Any]:
        return await self.post(
            f"/cases/{case_id}/review",
            {"decision": "accept", "materials_received": ["委托书", "营业执照"]},
        )

    async def plan(self, case_id: str, matters: list[str] = MATTERS) -> dict[str, Any]:
        return await self.post(f"/cases/{case_id}/plan", plan(matters))

    async def department_act(
        self,
        case_id: str,
        matter: str,
        verb: str,
        body: dict[str, Any],
        *,
        as_department: str | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        code = as_department or DEPARTMENT_OF[matter]
        return await self.post(
            f"/departments/{code}/tasks/{case_id}/{matter}/{verb}",
            body,
            headers=department(code),
            expect=expect,
        )

    async def upload(
        self,
        case_id: str,
        matter: str,
        material: str,
        filename: str,
        content: bytes,
        *,
        headers: dict[str, str] | None = None,
        key: str | None = None,
        expect: int = 201,
    ) -> dict[str, Any]:
        """Upload a material's file, as the coordinator by default."""
        sent = dict(headers or COORDINATOR)
        if key:
            sent["Idempotency-Key"] = key
        response = await self.http.post(
            f"/cases/{case_id}/matters/{matter}/documents",
            data={"material": material},
            files={"file": (filename, content)},
            headers=sent,
        )
        assert response.status_code == expect, response.text
        return response.json()

    async def upload_result(
        self, case_id: str, matter: str, title: str, filename: str, content: bytes
    ) -> dict[str, Any]:
        code = DEPARTMENT_OF[matter]
        response = await self.http.post(
            f"/departments/{code}/tasks/{case_id}/{matter}/results",
            data={"title": title, "result_reference": f"博{matter}〔2026〕1号"},
            files={"file": (filename, content)},
            headers=department(code),
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def approve(self, case_id: str, matter: str) -> dict[str, Any]:
        await self.department_act(case_id, matter, "acceptance", {})
        return await self.department_act(
            case_id, matter, "approval", {"result_reference": f"博{matter}〔2026〕1号"}
        )

    async def status(self, case_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def ledger(self, case_id: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"/cases/{case_id}/ledger", params={"limit": 200})
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def wait_for(self, case_id: str, predicate, what: str, timeout: float = 15) -> dict:
        """Poll the status until ``predicate(status)`` holds: the case moves on asynchronously."""

        async def probe() -> dict | None:
            status = await self.status(case_id)
            return status if predicate(status) else None

        return await eventually(probe, what, timeout=timeout)

    async def wait_for_stage(self, case_id: str, stage: str) -> dict[str, Any]:
        return await self.wait_for(case_id, lambda s: s["stage"] == stage, f"stage {stage}")

    async def wait_for_matter(
        self, case_id: str, matter: str, state: str, timeout: float = 15
    ) -> dict[str, Any]:
        return await self.wait_for(
            case_id,
            lambda s: any(m["code"] == matter and m["state"] == state for m in s["matters"]),
            f"{matter} {state}",
            timeout,
        )

    async def file_feedback_report(self, case_id: str) -> dict[str, Any]:
        """File the drafted 5-working-day report, its last line written; the case archives."""
        status = await self.wait_for(
            case_id, lambda s: s.get("feedback_report"), "the feedback report draft"
        )
        return await self.post(
            f"/cases/{case_id}/feedback-report",
            {
                # The agent writes the one line the draft leaves to it.
                "text": status["feedback_report"]["draft"].replace(
                    REPORT_PLACEHOLDER, "建立跨县市代办联络员制度"
                ),
                "reference": "博边合管函〔2026〕1号",
            },
        )

    async def deliver_and_evaluate(self, case_id: str, level: str = "满意", **scores: Any) -> None:
        """Delivery, the enterprise's receipt and its rating, once every matter is decided."""
        await self.wait_for_stage(case_id, "delivery")
        await self.post(f"/cases/{case_id}/delivery", {})
        await self.post(f"/cases/{case_id}/receipt", {"signed_by": "张三"}, headers=ENTERPRISE)
        rating = {"efficiency": 4, "quality": 4, "problem_solving": 4, **scores}
        if level in ("不满意", "非常不满意"):
            rating.setdefault("comments", "办理时间过长")
        await self.post(
            f"/cases/{case_id}/evaluation", {"level": level, **rating}, headers=ENTERPRISE
        )

    async def registration_only_case_at_delivery(self) -> str:
        """A one-matter case (企业设立登记), approved and waiting for delivery."""
        case_id = await self.open(matters=["enterprise-registration"])
        await self.accept(case_id)
        await self.post(f"/cases/{case_id}/plan", plan(["enterprise-registration"]))
        await self.wait_for_matter(case_id, "enterprise-registration", "handed_over")
        await self.approve(case_id, "enterprise-registration")
        await self.wait_for_stage(case_id, "delivery")
        return case_id
