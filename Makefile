# Two commands do everything on a fresh machine: `make run` and `make test`.
# The newest of Python 3.13 and 3.12 that runs here (.python-version lets pyenv's shims find both);
# `make test PYTHON=python3.12 VENV=.venv312` tests the other one.
ifndef PYTHON
PYTHON := $(firstword $(foreach p,python3.13 python3.12,$(shell $(p) -c pass >/dev/null 2>&1 && echo $(p))) python3.12)
endif
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(notdir $(PYTHON))

SCENARIO ?= scenarios/baseline.yaml
OUT ?= results/baseline

.PHONY: run test test-fast lint bench bench-core bench-national bench-joint claims likes-vs-actions docs setup clean app

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c pass >/dev/null 2>&1 || { echo "need python3.13 or python3.12 (pyenv: .python-version selects both)"; exit 1; }
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m slacktivism.warm
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/slacktivism run $(SCENARIO) --out $(OUT)

# ruff over everything; mypy over model/ and slacktivism/ (strict on the model's public API; pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check model viz slacktivism tests bench
	$(BIN)/python -m mypy

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "the browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi

test: $(STAMP) $(CHROMIUM) lint
	$(BIN)/python -m pytest -n 2 -q

# Everything but the slow and the browser tests: the habit between commits (a few minutes on 2 cores).
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser"

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py --docs .

# Only the model's own table (plain Mesa, the 1M-user runs): a few minutes instead of all the benches.
bench-core: $(STAMP)
	$(BIN)/python bench/run_bench.py --core --docs .

# The national campaign from 10^4 to 10^8 users (about 8 minutes and 18 GB at the largest; not in `make bench`).
bench-national: $(STAMP)
	$(BIN)/python bench/national.py --docs .

# The joint calibration of the five cases at its defaults, leave-one-case-out included (about an hour; not in `make bench`).
bench-joint: $(STAMP)
	$(BIN)/python bench/joint_bench.py --full --docs .

# The scenario table, its contrasts on other networks, the realism tables (docs/scenarios.md), the licensing
# arms (docs/mechanisms.md), the parameter sources table (ODD section 9) and each real campaign calibrated on its
# own (docs/cases.md).
# Each bench writes its blocks into the page under --docs that holds their markers (slacktivism/readme.py).
claims: $(STAMP)
	$(BIN)/python bench/scenario_claims.py --docs .
	$(BIN)/python bench/robustness.py --docs .
	$(BIN)/python bench/sobol_behaviour.py --docs .
	$(BIN)/python bench/realism_grid.py --docs . --odd model/ODD.md
	$(BIN)/python bench/calibrate_cases.py --docs .

# Optimise the baseline for likes and for actions, re-run both optima on fresh seeds (about two minutes on 2 cores).
likes-vs-actions: $(STAMP)
	$(BIN)/python bench/likes_vs_actions.py --docs .

app: $(STAMP)
	$(BIN)/slacktivism app

# The parameter table (docs/parameters.md), then the docs site into site/; warnings fail the build.
docs: $(STAMP)
	$(BIN)/python -m slacktivism.readme .
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) results site .pytest_cache .hypothesis
