# The two commands of the README (`make run`, `make test`) set themselves up:
# a virtual environment in .venv, installed from the hashed lock file, redone
# only when pyproject.toml or requirements.lock change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: run test check bench lock clean

run: $(STAMP)
	$(BIN)/cqp-bot referentiel

test: $(STAMP)
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_referentiel
	$(BIN)/python -m benchmarks.bench_store
	$(BIN)/python -m benchmarks.bench_flows

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cqp-bot demande Python 3.11 ou plus récent.")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation --editable .
	@touch $(STAMP)

# Re-resolve the pinned dependencies (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --extra build \
		--universal --python-version 3.11 --generate-hashes \
		--output-file requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
