"""A secured Temporal: the worker, the API and ops through a TLS proxy that requires mTLS,
or an API key and a gateway's header.

Debian's nginx ends TLS in front of the dev server and requires a client certificate signed
by the test CA, as a secured self-hosted cluster does; a second one requires instead the
bearer token Temporal Cloud reads its API key from and a routing header, as a gateway in
front of a cluster may. The right settings run a case; a wrong CA, a missing certificate, a
wrong key, a wrong API key and a missing header stop each process at start-up with the
setting to fix, in the log and on stderr.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from activities.ledger import LedgerActivities
from settings import Settings
from store.db import create_schema, make_engine
from temporal_client import TemporalRefused, connect
from temporal_dev import free_port
from temporal_worker import build_worker
from tests.support.driver import CaseDriver
from tests.support.grpc_proxy import tls_proxy
from tests.support.identities import api_client
from tests.support.tls import Authority

ROOT = Path(__file__).resolve().parents[2]
SERVER_NAME = "temporal.daiban.test"
API_KEY = "daiban-test-api-key"
ROUTE = {"x-daiban-route": "zhou-gongxinju"}


class Pki:
    def __init__(self, directory: Path) -> None:
        self.authority = Authority(directory, "daiban-test-ca")
        self.stranger_authority = Authority(directory, "stranger-ca")
        self.server = self.authority.issue("temporal-frontend", server_name=SERVER_NAME)
        self.client = self.authority.issue("daiban-worker")
        self.other_client = self.authority.issue("daiban-api")
        self.stranger = self.stranger_authority.issue("stranger")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def secured_temporal(
    dev_server: str, pki: Pki, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dev server behind nginx: TLS with the test CA's server certificate, mTLS required."""
    with tls_proxy(
        dev_server,
        tmp_path_factory.mktemp("nginx"),
        pki.server.cert,
        pki.server.key,
        client_ca=pki.authority.ca,
    ) as address:
        yield address


def _allowed(
    address: str, pki: Pki, own: dict[str, Any], overrides: dict[str, Any]
) -> dict[str, Any]:
    """The settings of a process allowed in: TLS to ``address`` trusting the test CA, with
    ``own`` credentials; ``overrides`` make it wrong in one way (None removes a setting)."""
    values: dict[str, Any] = {
        "temporal_address": address,
        "temporal_tls_server_ca_file": pki.authority.ca,
        "temporal_tls_server_name": SERVER_NAME,
        **own,
        **overrides,
    }
    return {name: value for name, value in values.items() if value is not None}


def secured(address: str, pki: Pki, **overrides: Any) -> dict[str, Any]:
    """Allowed in by a client certificate (mTLS)."""
    own = {
        "temporal_tls_client_cert_file": pki.client.cert,
        "temporal_tls_client_key_file": pki.client.key,
    }
    return _allowed(address, pki, own, overrides)


@pytest.fixture(scope="module")
def keyed_temporal(
    dev_server: str, pki: Pki, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dev server behind nginx: TLS, no client certificate, but the API key as a bearer
    token (else 401) and the route header (else 403) on every call."""
    with tls_proxy(
        dev_server,
        tmp_path_factory.mktemp("nginx-keyed"),
        pki.server.cert,
        pki.server.key,
        client_ca=None,
        required_headers={
            "authorization": (f"Bearer {API_KEY}", 401),
            **{name: (value, 403) for name, value in ROUTE.items()},
        },
    ) as address:
        yield address


def keyed(address: str, pki: Pki, **overrides: Any) -> dict[str, Any]:
    """Allowed in by the API key and the gateway's header."""
    own = {"temporal_api_key": API_KEY, "temporal_grpc_metadata": ROUTE}
    return _allowed(address, pki, own, overrides)


async def test_a_case_runs_with_the_api_and_the_worker_on_mtls(
    secured_temporal: str, pki: Pki, engine: Engine, database_url: str, task_queue: str
) -> None:
    await _a_case_runs(secured(secured_temporal, pki), engine, database_url, task_queue)


async def test_a_case_runs_with_an_api_key_and_a_gateway_header(
    keyed_temporal: str, pki: Pki, engine: Engine, database_url: str, task_queue: str
) -> None:
    await _a_case_runs(keyed(keyed_temporal, pki), engine, database_url, task_queue)


async def _a_case_runs(
    secure: dict[str, Any], engine: Engine, database_url: str, task_queue: str
) -> None:
    settings = Settings(**secure, task_queue=task_queue, database_url=database_url)
    worker_client = await connect(settings)
    with ThreadPoolExecutor(4) as executor:
        worker = build_worker(worker_client, task_queue, LedgerActivities(engine), executor)
        # No client passed: the API connects in its lifespan, as a server process does.
        async with worker, api_client(settings, None, engine) as http:
            driver = CaseDriver(http)
            case_id = await driver.open()
            await driver.accept(case_id)
            await driver.plan(case_id)
            await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
            await driver.approve(case_id, "enterprise-registration")
            await driver.wait_for_matter(case_id, "enterprise-registration", "approved")


def _refusals() -> list[Any]:
    return [
        pytest.param(
            {"temporal_tls_server_ca_file": "stranger"},
            "DAIBAN_TEMPORAL_TLS_SERVER_CA_FILE",
            id="wrong-ca",
        ),
        pytest.param(
            {"temporal_tls_client_cert_file": None, "temporal_tls_client_key_file": None},
            "服务器要求客户端证书",
            id="missing-certificate",
        ),
        pytest.param(
            {"temporal_tls_client_key_file": "other-key"},
            "客户端私钥与证书不匹配",
            id="wrong-key",
        ),
        pytest.param(
            {"temporal_tls_client_cert_file": "stranger", "temporal_tls_client_key_file": "s"},
            "服务器拒绝了客户端证书",
            id="certificate-from-another-ca",
        ),
        pytest.param(
            {"temporal_tls_server_name": None}, "DAIBAN_TEMPORAL_TLS_SERVER_NAME", id="wrong-name"
        ),
    ]


def _resolve(pki: Pki, overrides: dict[str, Any]) -> dict[str, Any]:
    """The test's shorthand for which wrong file: kept out of the ids for readable names."""
    files = {
        ("temporal_tls_server_ca_file", "stranger"): pki.stranger_authority.ca,
        ("temporal_tls_client_key_file", "other-key"): pki.other_client.key,
        ("temporal_tls_client_cert_file", "stranger"): pki.stranger.cert,
        ("temporal_tls_client_key_file", "s"): pki.stranger.key,
    }
    return {name: files.get((name, value), value) for name, value in overrides.items()}


@pytest.mark.parametrize(("wrong", "advice"), _refusals())
async def test_a_process_with_wrong_credentials_is_refused_at_start_up(
    secured_temporal: str, pki: Pki, wrong: dict[str, Any], advice: str
) -> None:
    settings = Settings(**secured(secured_temporal, pki, **_resolve(pki, wrong)))
    with pytest.raises(TemporalRefused) as refused:
        await connect(settings)
    assert advice in str(refused.value)
    assert secured_temporal in str(refused.value)


@pytest.mark.parametrize(
    ("wrong", "status", "advice"),
    [
        pytest.param(
            {"temporal_api_key": "wrong-key"},
            "Unauthenticated",
            "DAIBAN_TEMPORAL_API_KEY",
            id="wrong-key",
        ),
        pytest.param(
            {"temporal_api_key": None}, "Unauthenticated", "DAIBAN_TEMPORAL_API_KEY", id="no-key"
        ),
        pytest.param(
            {"temporal_grpc_metadata": {}},
            "PermissionDenied",
            "DAIBAN_TEMPORAL_GRPC_METADATA",
            id="missing-header",
        ),
    ],
)
async def test_a_wrong_api_key_or_a_missing_header_is_refused_at_start_up(
    keyed_temporal: str, pki: Pki, wrong: dict[str, Any], status: str, advice: str
) -> None:
    with pytest.raises(TemporalRefused) as refused:
        await connect(Settings(**keyed(keyed_temporal, pki, **wrong)))
    # the refusal arrives as gRPC's own status, as a secured cluster sends it
    assert f"code: {status}" in str(refused.value)
    assert advice in str(refused.value)
    assert keyed_temporal in str(refused.value)


async def test_plaintext_to_a_tls_server_is_told_to_turn_tls_on(secured_temporal: str) -> None:
    with pytest.raises(TemporalRefused, match="DAIBAN_TEMPORAL_TLS=true"):
        await connect(Settings(temporal_address=secured_temporal))


def _environment(settings: dict[str, Any], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")}
    env.update({f"DAIBAN_{name.upper()}": str(value) for name, value in settings.items()})
    env["DAIBAN_DATABASE_URL"] = url = f"sqlite:///{tmp_path / 'daiban.db'}"
    create_schema(make_engine(url))  # what the migrator did before the processes start
    env["DAIBAN_LOG_FORMAT"] = "json"
    return env


@pytest.mark.parametrize(
    ("command", "wrong", "advice"),
    [
        pytest.param(
            [sys.executable, "worker.py"],
            {"temporal_tls_server_ca_file": "stranger"},
            "DAIBAN_TEMPORAL_TLS_SERVER_CA_FILE",
            id="worker-wrong-ca",
        ),
        pytest.param(
            [sys.executable, "-m", "api.main"],
            {"temporal_tls_client_cert_file": None, "temporal_tls_client_key_file": None},
            "服务器要求客户端证书",
            id="api-missing-certificate",
        ),
        pytest.param(
            [sys.executable, "-m", "ops", "search-attributes", "register"],
            {"temporal_tls_client_key_file": "other-key"},
            "客户端私钥与证书不匹配",
            id="ops-wrong-key",
        ),
    ],
)
def test_the_processes_stop_at_start_up_with_the_setting_to_fix(
    secured_temporal: str,
    pki: Pki,
    tmp_path: Path,
    command: list[str],
    wrong: dict[str, Any],
    advice: str,
) -> None:
    settings = secured(secured_temporal, pki, **_resolve(pki, wrong))
    settings["api_port"] = free_port()
    settings["token_secret_file"] = tmp_path / "token-secret"
    settings["documents_dir"] = tmp_path / "documents"
    started = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(settings, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = started.stdout + started.stderr
    assert started.returncode != 0, output
    assert advice in output, output
