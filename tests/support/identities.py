"""Who the tests are: accounts for every role, and bearer tokens to send as them.

Each test database gets the same accounts (no passwords: tests use tokens, as a
department's system would), and every API client the tests build signs in as ops unless
a request says otherwise with ``headers=coordinator("CJ")`` and the like.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session

from api.app import create_app
from domain.actors import Role
from policies.registry import PACKS
from services import tokens
from settings import Settings
from store.tables import AccountRow

TOKEN_SECRET = "tests-only-signing-secret-0123456789abcdef"
Headers = dict[str, str]

# The enterprises the tests' 委托书 name.
ENTERPRISES = [
    "91350100M000100Y43",
    "91350100M000100Y44",
    "91350100M000100I43",
    "91350100M000100O43",
    "91110000802100433B",
    "91440300708461136T",
]
OPS_USER = "ops.zhou"
OVERSIGHT_USER = "gxj.chen"
# Each jurisdiction's centre agent; 包头's is the first of its 三包一 team (city.0 …).
CENTRE_AGENTS = {"BZ": "li.si", "BT": "city.0", "CJ": "zhao.liu", "HS": "ma.li", "ORD": "gao.yi"}
BAOTOU_TEAM = [f"{level}.{n}" for level in ("city", "county", "park") for n in range(3)]


def _accounts() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"username": OPS_USER, "display_name": "周运维", "role": Role.OPS},
        {"username": OVERSIGHT_USER, "display_name": "陈专班", "role": Role.OVERSIGHT},
    ]
    for code, pack in PACKS.items():
        team = BAOTOU_TEAM if code == "BT" else [CENTRE_AGENTS[code]]
        found += [
            {
                "username": username,
                "display_name": f"{pack.name}代办员",
                "role": Role.COORDINATOR,
                "jurisdiction": code,
                "phone": "0909-2231234",
            }
            for username in team
        ]
        found.append(
            {
                "username": f"leader.{code.lower()}",
                "display_name": f"{pack.name}分管领导",
                "role": Role.LEADER,
                "jurisdiction": code,
            }
        )
        for park in pack.parks:
            found.append(
                {
                    "username": f"coord.{park.code}",
                    "display_name": f"{park.name}代办员",
                    "role": Role.COORDINATOR,
                    "jurisdiction": code,
                    "park": park.code,
                }
            )
        for department in pack.departments:
            found.append(
                {
                    "username": f"clerk.{department.code}",
                    "display_name": f"{department.name}经办人",
                    "role": Role.DEPARTMENT,
                    "department": department.code,
                    "county": department.county,
                }
            )
    for uscc in ENTERPRISES:
        found.append(
            {
                "username": _enterprise_user(uscc),
                "display_name": f"企业{uscc[-4:]}",
                "role": Role.ENTERPRISE,
                "uscc": uscc,
            }
        )
    return found


def _enterprise_user(uscc: str) -> str:
    # The driver's enterprise signs in as its contact, 张三.
    return "zhang.san" if uscc == ENTERPRISES[0] else f"ent.{uscc}"


ACCOUNTS = {account["username"]: account for account in _accounts()}


def provision(engine: Engine) -> None:
    """Open the tests' accounts in this database (once)."""
    with Session(engine) as session:
        if session.get(AccountRow, OPS_USER) is not None:
            return
        now = datetime.now(UTC)
        for account in ACCOUNTS.values():
            session.add(AccountRow(**account, created_at=now))
        session.commit()


def as_user(username: str) -> Headers:
    assert username in ACCOUNTS, f"no test account {username}"
    issued = tokens.issue(TOKEN_SECRET, username, 0, timedelta(days=2), datetime.now(UTC))
    return {"Authorization": f"Bearer {issued.access_token}"}


def coordinator(jurisdiction: str = "BZ", park: str | None = None) -> Headers:
    """A centre's agent for the whole jurisdiction, or a park's agent."""
    return as_user(f"coord.{park}" if park else CENTRE_AGENTS[jurisdiction])


def department(code: str) -> Headers:
    return as_user(f"clerk.{code}")


def enterprise(uscc: str = ENTERPRISES[0]) -> Headers:
    return as_user(_enterprise_user(uscc))


def ops() -> Headers:
    return as_user(OPS_USER)


def oversight() -> Headers:
    return as_user(OVERSIGHT_USER)


def leader(jurisdiction: str = "BZ") -> Headers:
    """The jurisdiction's leader in charge (分管领导)."""
    return as_user(f"leader.{jurisdiction.lower()}")


def signed(settings: Settings) -> Settings:
    return settings.model_copy(update={"token_secret": SecretStr(TOKEN_SECRET)})


@asynccontextmanager
async def api_client(
    settings: Settings, client: Any, engine: Engine, *, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process, with the tests' accounts, as an HTTP client signed in as ops.
    ``raise_app_exceptions=False`` hands back the 500 a client would get for a bug,
    rather than raising the bug in the test."""
    provision(engine)
    app = create_app(signed(settings), client=client, engine=engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://daiban", headers=ops()
        ) as http:
            yield http


async def sign_in_form(http: httpx.AsyncClient) -> dict[str, str]:
    """Open the sign-in page, as a browser does: its cookie and its form token."""
    page = await http.get("/console/sign-in")
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found, page.text
    return {"form_token": found.group(1)}
