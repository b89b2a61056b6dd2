"""The batch's file names and defaults, apart from `batch` itself: the CLI's parser shows them
in `--help` without importing the SDK's HTTP stack (tests/package/test_startup.py)."""

RESULTS_FILE = "results.jsonl"
JOURNAL_FILE = ".journal.sqlite"
DEFAULT_CONCURRENCY = 1000
DEFAULT_TIMEOUT = 600.0
