"""A request's context: its log line names who called (the actor bound at sign-in reaches
the request's own context, not only a copy of it in a task or in the thread pool), and
every answer, a bug's 500 included, carries the request id to quote."""

import httpx
import pytest
import structlog
from sqlalchemy import Engine
from structlog.testing import LogCapture

from api import request_context
from settings import Settings
from store import projection
from tests.support.driver import BOLE_MARKET
from tests.support.identities import api_client, department


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> LogCapture:
    """The middleware's ``request_handled`` lines, with the context merged as configured.
    Its own logger, not structlog's global capture: a test that ran ``ops`` before has
    configured the process's loggers to cache themselves, out of that capture's reach."""
    capture = LogCapture()
    logger = structlog.wrap_logger(
        None, processors=[structlog.contextvars.merge_contextvars, capture]
    )
    monkeypatch.setattr(request_context, "log", logger)
    return capture


async def test_a_signed_in_request_logs_its_actor(
    http: httpx.AsyncClient, handled: LogCapture
) -> None:
    inbox = f"/departments/{BOLE_MARKET}/inbox"
    response = await http.get(inbox, headers=department(BOLE_MARKET))
    assert response.status_code == 200, response.text
    [line] = handled.entries
    assert line["event"] == "request_handled" and line["status"] == 200
    assert line["role"] == "department" and line["actor"] and line["path"] == inbox
    assert line["request_id"] == response.headers["X-Request-ID"]


async def test_a_request_without_a_token_logs_no_actor(
    http: httpx.AsyncClient, handled: LogCapture
) -> None:
    response = await http.get(f"/departments/{BOLE_MARKET}/inbox", headers={"Authorization": ""})
    assert response.status_code == 401
    [line] = handled.entries
    assert line["status"] == 401 and "actor" not in line


async def test_a_bug_answers_the_one_error_body_with_the_request_id_to_quote(
    env, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(projection, "matter_gate", broken)
    settings = Settings(database_url=database_url)
    async with api_client(settings, env.client, engine, raise_app_exceptions=False) as http:
        response = await http.post(
            f"/departments/{BOLE_MARKET}/tasks/BZ-2026-00001/enterprise-registration/acceptance",
            json={},
            headers={**department(BOLE_MARKET), "X-Request-ID": "quote-me-1"},
        )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert response.headers["X-Request-ID"] == "quote-me-1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
