"""The dev server launcher: a port another process took between our probe and the
server's bind is not taken for the server's own (it answers, but the server has died)."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import temporal_dev


@pytest.fixture
def squatted() -> Iterator[int]:
    """A port some other process listens on, as a test's proxy or API might."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        yield squatter.getsockname()[1]


def test_a_server_on_a_port_another_process_holds_is_not_taken_for_up(
    tmp_path: Path, squatted: int
) -> None:
    with (
        pytest.raises(RuntimeError, match="address already in use"),
        temporal_dev.dev_server(tmp_path / "t.db", port=squatted, up_within=30),
    ):
        pytest.fail("yielded a port another process holds")


def test_a_lost_race_for_the_port_starts_the_server_again_on_another(
    tmp_path: Path, squatted: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = iter([squatted, temporal_dev.free_port()])
    monkeypatch.setattr(temporal_dev, "free_port", lambda: next(ports))
    with temporal_dev.dev_server(tmp_path / "t.db", up_within=30) as address:
        assert address != f"127.0.0.1:{squatted}"
        host, port = address.split(":")
        socket.create_connection((host, int(port)), timeout=5).close()
