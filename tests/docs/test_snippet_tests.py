"""The docs' sample test module (docs/snippets/test_with_the_mock.py: a user's own tests
against the mock), collected and run here as part of the suite."""

from docs.snippets.test_with_the_mock import *  # noqa: F403
