"""One way for a test to wait for something that happens asynchronously (a ledger entry, a
projection row, a notice): ask again until the answer is there, or fail saying what."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

Found = TypeVar("Found")


async def eventually(
    probe: Callable[[], Awaitable[Found]],
    what: str,
    *,
    timeout: float = 15,
    interval: float = 0.05,
) -> Found:
    """Await ``probe()`` until it returns something truthy, and return that."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await probe()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}: {found!r}")
        await asyncio.sleep(interval)
