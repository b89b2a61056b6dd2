"""Configuration: keys and URLs from arguments or the environment, timeouts, headers,
with_options, the connection pool's life, and the generated client underneath."""

from __future__ import annotations

import importlib.metadata
import platform
import re

import httpx
import pytest
from chainhub_aigc_client import AuthenticatedClient
from chainhub_aigc_client.api.tasks import get_task

import chainhub_aigc
from chainhub_aigc import AsyncClient, Client, MissingAPIKeyError
from chainhub_aigc._config import DEFAULT_TIMEOUT, USER_AGENT
from chainhub_aigc._spec import DEFAULT_BASE_URL, load_spec, spec_server_url
from chainhub_aigc.errors import ConfigurationError

from .conftest import (
    BASE_URL,
    IMAGE_FIELDS,
    TASK_ID,
    TOKEN,
    FakeAPI,
    created,
    make_async_client,
    make_client,
    task_response,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINHUB_API_KEY", raising=False)
    monkeypatch.delenv("CHAINHUB_BASE_URL", raising=False)


def test_default_base_url_is_the_specs_first_server() -> None:
    assert DEFAULT_BASE_URL == spec_server_url() == "https://api.chainhub.tech"
    assert load_spec()["servers"][0]["url"].rstrip("/") == DEFAULT_BASE_URL
    assert Client(api_key="k").base_url == DEFAULT_BASE_URL


def test_environment_supplies_key_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINHUB_API_KEY", "env-key")
    monkeypatch.setenv("CHAINHUB_BASE_URL", "http://127.0.0.1:9/")
    api = FakeAPI(task_response("WAITING"))
    client = Client(transport=api.transport)
    assert client.base_url == "http://127.0.0.1:9"
    client.tasks.get(TASK_ID)
    assert api.requests[0].headers["Authorization"] == "Bearer env-key"
    assert str(api.requests[0].url).startswith("http://127.0.0.1:9/tencent-vod/v1/query/")


def test_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINHUB_API_KEY", "env-key")
    monkeypatch.setenv("CHAINHUB_BASE_URL", "https://env.test")
    api = FakeAPI(task_response("WAITING"))
    client = Client(api_key="arg-key", base_url="https://arg.test", transport=api.transport)
    client.tasks.get(TASK_ID)
    assert api.requests[0].headers["Authorization"] == "Bearer arg-key"
    assert api.requests[0].url.host == "arg.test"


def test_missing_key_fails_on_first_use_not_at_construction() -> None:
    api = FakeAPI()
    client = Client(transport=api.transport)  # no key anywhere: constructing is fine
    with pytest.raises(MissingAPIKeyError, match="CHAINHUB_API_KEY"):
        client.tasks.get(TASK_ID)
    with pytest.raises(MissingAPIKeyError):
        client.images.create(**IMAGE_FIELDS)
    assert api.requests == []
    assert issubclass(MissingAPIKeyError, ConfigurationError)
    assert issubclass(MissingAPIKeyError, chainhub_aigc.ChainhubError)


async def test_missing_key_async() -> None:
    api = FakeAPI()
    async with AsyncClient(transport=api.transport) as client:
        with pytest.raises(MissingAPIKeyError):
            await client.tasks.get(TASK_ID)
    assert api.requests == []


def test_default_timeout_is_60s_connect_10s() -> None:
    client = Client(api_key="k")
    assert client.timeout == DEFAULT_TIMEOUT == httpx.Timeout(60.0, connect=10.0)
    assert Client(api_key="k", timeout=5).timeout == httpx.Timeout(5.0, connect=5.0)
    assert Client(api_key="k", timeout=30).timeout == httpx.Timeout(30.0, connect=10.0)
    custom = httpx.Timeout(3.0, read=7.0)
    assert Client(api_key="k", timeout=custom).timeout == custom


def test_timeout_is_sent_with_each_request() -> None:
    api = FakeAPI(task_response("WAITING"), task_response("WAITING"))
    client = make_client(api)
    client.tasks.get(TASK_ID)
    client.with_options(timeout=2.5).tasks.get(TASK_ID)
    assert api.requests[0].extensions["timeout"] == httpx.Timeout(60.0, connect=10.0).as_dict()
    assert api.requests[1].extensions["timeout"] == httpx.Timeout(2.5).as_dict()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": -1},
        {"timeout": "10"},
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"base_url": "api.chainhub.tech"},
        {"base_url": "ftp://x"},
        {"max_retry_after": -2},
        {"poll_interval": -1},
        {"default_headers": {"authorization": "Bearer x"}},
    ],
)
def test_bad_configuration_is_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        Client(api_key="k", **kwargs)  # type: ignore[arg-type]


def test_user_agent_and_default_headers() -> None:
    version = ".".join(platform.python_version_tuple()[:2])
    assert re.fullmatch(
        rf"chainhub-aigc/[\w.+-]+ python/{re.escape(version)} httpx/{re.escape(httpx.__version__)}",
        USER_AGENT,
    )
    assert f"chainhub-aigc/{chainhub_aigc.__version__} " in USER_AGENT
    api = FakeAPI(task_response("WAITING"), task_response("WAITING"))
    client = make_client(api, default_headers={"X-Team": "vision"})
    client.tasks.get(TASK_ID)
    client.with_options(default_headers={"X-Extra": "1"}).tasks.get(TASK_ID)
    first, second = api.requests
    assert first.headers["User-Agent"] == USER_AGENT
    assert first.headers["X-Team"] == "vision"
    assert first.headers["Accept"] == "application/json"
    assert second.headers["X-Team"] == "vision" and second.headers["X-Extra"] == "1"


def test_sniffio_is_a_runtime_dependency() -> None:
    """A runtime dependency for speed: without it httpcore retries a failing `import sniffio`
    (a scan of sys.path) on every async pool operation, about a third of the async client's
    CPU in bench/client_overhead.py. So it must be declared, not merely installed here."""
    requirements = importlib.metadata.requires("chainhub-aigc") or []
    unconditional = {
        re.split(r"[^A-Za-z0-9_.-]", r, maxsplit=1)[0].lower() for r in requirements if ";" not in r
    }
    assert "sniffio" in unconditional, requirements


def test_version_is_exported() -> None:
    assert isinstance(chainhub_aigc.__version__, str) and chainhub_aigc.__version__


def test_with_options_is_a_copy_sharing_the_pool() -> None:
    api = FakeAPI(fallback=lambda request: task_response("WAITING"))
    client = make_client(api, max_retries=3)
    fast = client.with_options(timeout=5, max_retries=0)
    assert isinstance(fast, Client) and fast is not client
    assert fast.max_retries == 0 and client.max_retries == 3
    assert fast.timeout == httpx.Timeout(5.0) and client.timeout == DEFAULT_TIMEOUT
    assert fast._http is client._http  # the same httpx.Client
    assert fast.tasks._client is fast and client.tasks._client is client
    fast.tasks.get(TASK_ID)
    client.close()
    assert fast.is_closed


async def test_async_with_options_shares_the_pool() -> None:
    api = FakeAPI(fallback=lambda request: task_response("WAITING"))
    client = make_async_client(api)
    fast = client.with_options(max_retries=0)
    assert fast._http is client._http and fast.max_retries == 0 and client.max_retries == 2
    await fast.tasks.get(TASK_ID)
    await client.close()
    assert fast.is_closed


def test_close_and_context_manager_close_the_pool() -> None:
    with Client(api_key="k") as client:
        http = client._http.http
        assert not http.is_closed
    assert http.is_closed and client.is_closed
    with pytest.raises(chainhub_aigc.ChainhubError, match="closed"):
        client.tasks.get(TASK_ID)
    client.close()  # idempotent


async def test_async_context_manager_closes_the_pool() -> None:
    async with AsyncClient(api_key="k") as client:
        http = client._http.http
    assert http.is_closed and client.is_closed
    with pytest.raises(chainhub_aigc.ChainhubError, match="closed"):
        await client.tasks.get(TASK_ID)


def test_injected_http_client_is_used_and_not_closed() -> None:
    api = FakeAPI(task_response("WAITING"))
    http = httpx.Client(transport=api.transport)
    with Client(api_key=TOKEN, base_url=BASE_URL, http_client=http) as client:
        client.tasks.get(TASK_ID)
    assert len(api.requests) == 1
    assert not http.is_closed  # the caller owns it
    http.close()
    with pytest.raises(ConfigurationError):
        Client(api_key="k", http_client=http, transport=api.transport)
    with pytest.raises(ConfigurationError):
        Client(api_key="k", http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_repr_shows_settings_not_the_key() -> None:
    client = Client(api_key=TOKEN, base_url=BASE_URL)
    text = repr(client)
    assert "https://api.test" in text and "max_retries=2" in text
    assert TOKEN not in text and TOKEN not in str(client)
    assert TOKEN not in repr(client._options) and TOKEN not in repr(vars(client))


def test_generated_authenticated_client_repr_never_shows_the_token() -> None:
    """The pinned custom template marks token and headers repr=False; check it stays so."""
    api = FakeAPI(task_response("WAITING"))
    generated = AuthenticatedClient(
        base_url=BASE_URL, token=TOKEN, httpx_args={"transport": api.transport}
    )
    assert TOKEN not in repr(generated)
    response = get_task.sync_detailed(TASK_ID, client=generated)  # builds the httpx client
    assert response.status_code == 200
    assert api.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(generated) and TOKEN not in str(generated)


def test_generated_client_drop_down() -> None:
    client = Client(api_key=TOKEN, base_url=BASE_URL, timeout=7)
    generated = client.generated_client()
    assert isinstance(generated, AuthenticatedClient)
    assert generated.token == TOKEN
    assert generated.get_httpx_client().base_url == httpx.URL(BASE_URL)
    assert generated.get_httpx_client().headers["User-Agent"] == USER_AGENT
    assert TOKEN not in repr(generated)
    generated.get_httpx_client().close()
    with pytest.raises(MissingAPIKeyError):
        Client().generated_client()


def test_requests_go_to_base_url_paths_of_the_spec() -> None:
    api = FakeAPI(created(), task_response("WAITING"))
    client = make_client(api, base_url="https://gw.example/prefix/")
    client.images.create(**IMAGE_FIELDS)
    client.tasks.get(TASK_ID)
    assert [str(r.url) for r in api.requests] == [
        "https://gw.example/prefix/tencent-vod/v1/aigc-image",
        f"https://gw.example/prefix/tencent-vod/v1/query/{TASK_ID}",
    ]
