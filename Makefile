# The two commands of the README (`make run`, `make test`) set themselves up:
# a virtual environment in .venv, installed from a hashed lock file, redone
# only when pyproject.toml or the lock change. `make run` installs what the bot
# needs (requirements.lock); `make test` adds the test and check tools
# (requirements-dev.lock, a superset resolved under the same pins).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
CHROMIUM := /usr/bin/chromium
ADAPTIVECARDS := $(VENV)/share/adaptivecards-3.0.6/adaptivecards.min.js
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: run test check bench lock clean

run: $(RUN_STAMP)
	$(BIN)/cqp-bot demo

test: $(DEV_STAMP) $(CHROMIUM) $(ADAPTIVECARDS)
	$(BIN)/pytest

check: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.bench_referentiel
	$(BIN)/python -m benchmarks.bench_store
	$(BIN)/python -m benchmarks.bench_flows
	$(BIN)/python -m benchmarks.bench_slack
	$(BIN)/python -m benchmarks.chemin_clic
	$(BIN)/python -m benchmarks.bench_candidats

# Microsoft's Adaptive Cards renderer (npm "adaptivecards"), for the test that renders every
# Teams card in Chromium: fetched from the npm registry, checked against its integrity hash.
$(ADAPTIVECARDS): .ci/adaptivecards.py | $(DEV_STAMP)
	@echo "Téléchargement du moteur de rendu Adaptive Cards (npm adaptivecards) pour les tests Teams…"
	$(BIN)/python .ci/adaptivecards.py $@

# The web chat's real-browser test drives Debian's Chromium (Playwright cannot download
# its own browser on a closed network).
$(CHROMIUM):
	@echo "Installation de Chromium (paquet Debian) pour le test du chat web dans un vrai navigateur…"
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Installez le paquet Debian « chromium » (apt-get install chromium) : le test du chat web l'utilise."; \
		exit 1; \
	fi

define venv
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cqp-bot demande Python 3.11 ou plus récent.")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
endef

$(RUN_STAMP): requirements.lock pyproject.toml
	$(venv)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation --editable .
	@touch $@

$(DEV_STAMP): requirements-dev.lock pyproject.toml
	$(venv)
	$(PIP) install --require-hashes --no-deps -r requirements-dev.lock
	$(PIP) install --no-deps --no-build-isolation --editable .
	@touch $@ $(RUN_STAMP)

# Re-resolve the pinned dependencies (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra teams --extra build \
		--universal --python-version 3.11 --generate-hashes \
		--output-file requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra teams --extra dev --extra build -c requirements.lock \
		--universal --python-version 3.11 --generate-hashes \
		--output-file requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
