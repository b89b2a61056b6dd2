# chainhub-aigc: every target installs what it needs into .venv (pinned by uv.lock) first.
#   make demo      the main job, offline: mock server + CLI, an image and a video end to end
#   make test      the whole test suite (4 workers: many tests wait on processes, not the CPU)
#   make generate  vendor YAML + overlays -> openapi/chainhub-aigc.yaml -> generated/ client
#   make check     fail if the committed spec or client differs from a fresh rebuild
#   make vendor-update DOCS="PAGE..."  import changed vendor pages, rebuild, regenerate, and
#                  print the contract diff (all or nothing)
#   make lint      ruff + mypy (strict)
#   make bench     the benchmarks under bench/ (not part of the tests)
#   make docs      the docs site (mkdocs-material), built with --strict into site/

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export UV_PYTHON_DOWNLOADS := never

.PHONY: install generate check test lint demo bench clean vendor-update docs

install: $(STAMP)

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit("chainhub-aigc needs Python >= 3.11 (set PYTHON=...)" if sys.version_info < (3, 11) else 0)'
	@$(PYTHON) -m pip --version >/dev/null 2>&1 || { echo "make: $(PYTHON) has no pip (Debian: apt-get install python3-pip), or set PYTHON=..." >&2; exit 1; }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools/uv uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

generate: install
	$(PY) scripts/build_spec.py
	$(PY) scripts/generate.py

check: install
	$(PY) scripts/check_drift.py

vendor-update: install
	@test -n "$(DOCS)" || { echo 'usage: make vendor-update DOCS="PAGE_OR_YAML ..."' >&2; exit 2; }
	$(PY) scripts/update_vendor.py $(DOCS)

test: install
	$(VENV)/bin/pytest -n 4

lint: install
	$(VENV)/bin/ruff check src scripts tests bench examples docs/hooks docs/snippets
	$(VENV)/bin/ruff format --check src scripts tests bench examples docs/hooks docs/snippets
	$(VENV)/bin/mypy

demo: install
	$(PY) scripts/demo.py

bench: install
	$(PY) bench/mock_throughput.py
	$(PY) bench/client_overhead.py

# NO_MKDOCS_2_WARNING: mkdocs-material prints an advertisement box at every build otherwise.
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache demo-output site
