"""The pytest plugin as a user meets it: a test file of theirs, no conftest, run by pytest.

The inner runs are pytester's: in-process (fast) for what the fixture does, and one
subprocess with plugin autoload off for what it must not import until it is used.
"""

from __future__ import annotations

import os
import re
from importlib.metadata import entry_points

import pytest

from tests.data import ROOT

pytest_plugins = ("pytester",)
INNER = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")


def readme_example() -> str:
    """The Python block of the README's section on the plugin."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### Testing your code against the mock") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


# A user's test file: their own function builds Client() from the environment.
USER_TESTS = """
import asyncio
import os

import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import InternalServerError, RateLimitError, TaskFailedError

IMAGE = {"model_name": "GEM", "model_version": "3.0", "prompt": "a red fox"}
KEPT = []


def make_image(prompt, out_dir):
    with Client() as client:  # CHAINHUB_BASE_URL, CHAINHUB_API_KEY
        result = client.images.generate(**{**IMAGE, "prompt": prompt})
        return result.task_id, result.download(out_dir)


def test_my_function_against_the_mock(chainhub_mock, tmp_path):
    assert os.environ["CHAINHUB_BASE_URL"] == chainhub_mock.url.rstrip("/")
    assert chainhub_mock.token not in repr(chainhub_mock)
    task_id, paths = make_image("a fox", tmp_path)
    assert paths[0].read_bytes().startswith(b"\\x89PNG")
    tasks = chainhub_mock.tasks()
    assert [(t["TaskId"], t["TaskType"], t["Failed"]) for t in tasks] == [
        (task_id, "AigcImageTask", False)
    ]


def test_each_test_starts_clean_and_its_clients_are_closed(chainhub_mock):
    assert chainhub_mock.tasks() == []
    KEPT.append(chainhub_mock.client())


def test_the_client_of_the_last_test_was_closed(chainhub_mock):
    assert KEPT[0].is_closed


def test_rate_limit_hits_the_next_request_only(chainhub_mock):
    chainhub_mock.rate_limit(retry_after=3)
    client = chainhub_mock.client(max_retries=0)
    with pytest.raises(RateLimitError) as info:
        client.images.create(**IMAGE)
    assert info.value.status_code == 429
    assert client.images.create(**IMAGE).task_id


def test_unavailable_is_retried(chainhub_mock):
    chainhub_mock.unavailable(times=2)
    sleeps = []
    client = chainhub_mock.client(max_retries=2, sleep=sleeps.append)
    assert client.images.create(**IMAGE).task_id
    assert len(sleeps) == 2
    chainhub_mock.unavailable(status=502)
    with pytest.raises(InternalServerError) as info:
        chainhub_mock.client(max_retries=0).tasks.get("1-AigcImageTask-0t")
    assert info.value.status_code == 502


def test_fail_next_task_waits_for_a_create(chainhub_mock):
    chainhub_mock.fail_next_task("ModelGenerateFailed", message="no luck")
    client = chainhub_mock.client()
    with pytest.raises(Exception):
        client.tasks.get("1392336703-AigcImageTask-" + "0" * 32 + "t")  # a query: 404
    with pytest.raises(TaskFailedError) as info:
        client.images.generate(**IMAGE)
    assert (info.value.err_code_ext, info.value.message) == ("ModelGenerateFailed", "no luck")
    assert [t["ErrCodeExt"] for t in chainhub_mock.tasks()] == ["ModelGenerateFailed"]


def test_async_client(chainhub_mock, tmp_path):
    async def main():
        async with chainhub_mock.async_client() as client:
            result = await client.videos.generate(
                model_name="Kling", model_version="2.1", prompt="a car",
                output_config={"duration": 5},
            )
            return await result.download(tmp_path)

    paths = asyncio.run(main())
    assert paths[0].suffix == ".mp4"
    assert [t["TaskType"] for t in chainhub_mock.tasks()] == ["AigcVideoTask"]


def test_an_async_client_left_open(chainhub_mock):
    async def main(client):
        await client.images.create(**IMAGE)

    KEPT.append(chainhub_mock.async_client())
    asyncio.run(main(KEPT[-1]))


def test_the_async_client_left_open_was_closed(chainhub_mock):
    assert KEPT[-1].is_closed


def test_bad_faults_are_refused_before_anything_is_queued(chainhub_mock):
    with pytest.raises(ValueError, match="unknown fault 'rate-limt'"):
        chainhub_mock.inject("rate-limt")
    with pytest.raises(ValueError, match="code must not contain"):
        chainhub_mock.fail_next_task("Moderation;errcode=1")
    with pytest.raises(ValueError, match="times must be at least 1"):
        chainhub_mock.unavailable(times=0)
    assert len(chainhub_mock.server.state.queued_faults) == 0


def test_a_wrong_expectation_still_fails(chainhub_mock):
    with chainhub_mock.client() as client:
        client.images.create(**IMAGE)
    assert len(chainhub_mock.tasks()) == 2
"""


def test_the_entry_point_names_the_plugin() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "chainhub_aigc"]
    assert [ep.value for ep in found] == ["chainhub_aigc.pytest_plugin"]


def test_a_users_tests_pass_with_no_conftest(pytester: pytest.Pytester) -> None:
    before = os.environ.get("CHAINHUB_BASE_URL")
    pytester.makepyfile(test_user=USER_TESTS, test_readme=readme_example())
    result = pytester.runpytest(*INNER)
    # Every test passes but the one whose assertion is wrong: the fixture hides no failure.
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*test_a_wrong_expectation_still_fails*", "*assert 1 == 2*"])
    result.stdout.fnmatch_lines(["*1 async client(s) left open*"])
    assert os.environ.get("CHAINHUB_BASE_URL") == before  # the test's environment is restored


def test_the_mock_is_imported_only_when_a_test_uses_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_user="""
import sys


def test_without_the_fixture(request):
    assert request.config.pluginmanager.has_plugin("chainhub_aigc")
    heavy = ("chainhub_aigc.mock", "starlette", "uvicorn")
    assert [name for name in heavy if name in sys.modules] == []
"""
    )
    # A subprocess (this one has the mock loaded) with no other plugin: ours alone, loaded by
    # the name of its entry point. The in-process run above shows the fixture importing it.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess("-p", "chainhub_aigc", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
