"""Fixtures of the mock's own tests: in-process clients (httpx over ASGI, no socket)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from chainhub_aigc.mock import MockConfig, create_app
from chainhub_aigc.mock.app import MockApp
from tests.data import AUTH, IMAGE, IMAGE_PATH, QUERY_PATH, VIDEO


class InProcess:
    """An httpx client on one mock app, with shortcuts; `mock` is the app's MockApp."""

    def __init__(self, app: Any, base_url: str = "http://mock.test") -> None:
        self.app = app
        self.mock: MockApp = app.state.mock
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, headers=AUTH
        )

    async def create(self, path: str = IMAGE_PATH, **fields: Any) -> str:
        body = {**(IMAGE if path == IMAGE_PATH else VIDEO), **fields}
        response = await self.http.post(path, json=body)
        assert response.status_code == 200, response.text
        task_id: str = response.json()["Response"]["TaskId"]
        return task_id

    async def query(self, task_id: str) -> dict[str, Any]:
        response = await self.http.get(QUERY_PATH + task_id)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()["Response"]
        return answer

    async def finish(self, task_id: str, limit: int = 20) -> dict[str, Any]:
        for _ in range(limit):
            answer = await self.query(task_id)
            if answer["Status"] == "FINISH":
                return answer
        raise AssertionError(f"{task_id} did not finish in {limit} queries")


MakeClient = Callable[..., InProcess]
"""The `make_client` fixture: an InProcess on a fresh app (MockConfig, then InProcess's own
keyword arguments)."""


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    made: list[InProcess] = []

    def make(config: MockConfig | None = None, **kwargs: Any) -> InProcess:
        client = InProcess(create_app(config or MockConfig()), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.http.aclose()


@pytest.fixture
async def client(make_client: MakeClient) -> InProcess:
    return make_client()
