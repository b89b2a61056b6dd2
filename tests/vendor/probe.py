"""Run inside a drill's copy of the repository (PYTHONPATH = the copy's src and generated):
checks what the regenerated code does with a vendor change, and prints one JSON document.

    python probe.py '{"job": "create", ...}'

Jobs:
- "create": the mock built from the copy's spec answers a POST with a good and a bad body
  (status and text of each), and the SDK's `create` sends the good parameters (the JSON body it
  sent) and refuses the bad ones before sending (the error text, else null).
- "get": the mock answers a GET with good and bad query parameters; the generated client's
  operation module sends a request (its URL) and parses a canned answer (`to_dict()`).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx

TOKEN = "dev-token"


async def _mock_answers(spec: str, requests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from chainhub_aigc.mock import MockConfig, create_app

    app = create_app(MockConfig(spec_path=Path(spec)))
    answers: dict[str, Any] = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mock.test",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as http:
        for label, request in requests.items():
            response = await http.request(
                request["method"], request["path"], json=request.get("json"),
                params=request.get("params"),
            )  # fmt: skip
            answers[label] = {"status": response.status_code, "text": response.text}
    return answers


def create_job(job: dict[str, Any]) -> dict[str, Any]:
    from chainhub_aigc import Client
    from chainhub_aigc.errors import RequestValidationError

    path = job["path"]
    mock = asyncio.run(
        _mock_answers(
            job["spec"],
            {
                "good": {"method": "POST", "path": path, "json": job["good"]},
                "bad": {"method": "POST", "path": path, "json": job["bad"]},
            },
        )
    )
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"Response": {"TaskId": "t-1", "RequestId": "r-1"}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with Client(api_key="k", base_url="https://api.test", http_client=http) as client:
        resource = getattr(client, job["resource"])
        resource.create(**job["good"])
        try:
            resource.create(**job["bad"])
            refused = None
        except RequestValidationError as exc:
            refused = str(exc)
    http.close()
    return {"mock": mock, "sent": sent, "sdk_refused": refused}


def get_job(job: dict[str, Any]) -> dict[str, Any]:
    from chainhub_aigc_client import AuthenticatedClient

    path = job["path"]
    mock = asyncio.run(
        _mock_answers(
            job["spec"],
            {
                "good": {"method": "GET", "path": path, "params": job["good"]},
                "bad": {"method": "GET", "path": path, "params": job["bad"]},
            },
        )
    )
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=job["answer"])

    module = importlib.import_module(job["module"])
    client = AuthenticatedClient(
        base_url="https://api.test",
        token="k",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    with client:
        response = module.sync_detailed(client=client, **job["good"])
    parsed = response.parsed
    return {"mock": mock, "urls": urls, "parsed": parsed.to_dict() if parsed is not None else None}


def main() -> None:
    job = json.loads(sys.argv[1])
    result = create_job(job) if job["job"] == "create" else get_job(job)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
