# Two commands matter:  `make serve` (set up, build the sample site, serve it)
# and `make test` (the whole test suite; CI runs exactly this).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
PORT   ?= 8000
TODAY  ?=
SITE   ?= site
# `make check CHECK_ARGS="--format github"` in CI; `CHECK_ARGS="--changed-since origin/main"` on a branch.
CHECK_ARGS ?=
# Reviewers of whatever no department owns (registries, explainers of departments without owners:).
DEFAULT_OWNER ?= @policy-editors

.PHONY: serve build check test lint golden lock clean bench-scale install codeowners codeowners-check

serve: $(STAMP)
	$(BIN)/policy build $(if $(TODAY),--today $(TODAY))
	$(BIN)/policy serve --port $(PORT)

build: $(STAMP)
	$(BIN)/policy build --site $(SITE) $(if $(TODAY),--today $(TODAY))

check: $(STAMP)
	$(BIN)/policy check $(CHECK_ARGS)

install: $(STAMP)

codeowners: $(STAMP)
	$(BIN)/policy codeowners --default-owner $(DEFAULT_OWNER)

codeowners-check: $(STAMP)
	$(BIN)/policy codeowners --default-owner $(DEFAULT_OWNER) --check

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# npm's axe-core for the accessibility tests (and lighthouse for bench-a11y), as package-lock.json pins them.
$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

# ruff (lint, then the format check) and mypy on build_tools/; their settings are in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check build_tools
	$(BIN)/ruff format --check build_tools
	$(BIN)/mypy

# Regenerate the expected pages of the golden tests after an intended change.
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/pages/test_pages.py
	git status --short tests/golden

# Cost against size beside plain MkDocs + Pagefind (long: about two hours; SIZES=1000 RUNS=1
# for a quick look). One run at 20,000 explainers, its cold build, three publishes and the peer,
# took 44 minutes on a slow day; three, because the peer's time varies by tens of seconds from run to run.
SIZES ?= 1000,5000,20000
RUNS  ?= 3,3,3
# Above BUILD_UP_TO only check and FAQ assembly are measured; above PREVIEW_UP_TO no preview
# (its target is at 5,000; `policy serve` first builds the whole site).
BUILD_UP_TO ?= 20000
PREVIEW_UP_TO ?= 5000
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py --sizes $(SIZES) --runs $(RUNS) --build-up-to $(BUILD_UP_TO) --preview-up-to $(PREVIEW_UP_TO)

# `policy api` on 127.0.0.1 under 32 clients with 1 and 2 workers, and ordinary queries beside the slowest ones (about a minute).
.PHONY: bench-api
bench-api: $(STAMP)
	$(BIN)/python bench/api_load.py

# axe-core (WCAG 2.1 A/AA) on every page type at 1280 and 360 px and Lighthouse mobile on three pages of the
# sample site, served gzipped (a few minutes); needs `npm ci` (package-lock.json) and Debian's chromium.
.PHONY: bench-a11y
bench-a11y: $(STAMP) $(NODE_STAMP)
	$(BIN)/python bench/accessibility.py

# The lock files pin every package with its hash, so a build in a year installs
# the same versions: requirements.lock the runtime packages only (what the deploy
# jobs install), requirements-dev.lock those and the dev extra (tests, benchmarks;
# what .venv/ gets). Installing needs only pip; regenerating them needs uv.
$(STAMP): requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-pin both lock files after changing pyproject.toml. uv keeps the versions already
# pinned in a lock file unless pyproject.toml needs others (UV_ARGS=--upgrade to take the
# newest). The runtime lock comes first; the dev lock is constrained to its versions, so
# the tests run exactly what is deployed.
UV_ARGS ?=
LOCK_ARGS := --quiet --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock" $(UV_ARGS)
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml $(LOCK_ARGS) -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev -c requirements.lock $(LOCK_ARGS) -o requirements-dev.lock

clean:
	rm -rf $(VENV) site search_index .pytest_cache
