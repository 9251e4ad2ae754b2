# Two commands matter:  `make serve` (set up, build the sample site, serve it)
# and `make test` (the whole test suite; CI runs exactly this).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
TODAY  ?=

.PHONY: serve build check test golden lock clean

serve: $(STAMP)
	$(BIN)/policy build $(if $(TODAY),--today $(TODAY))
	$(BIN)/policy serve --port $(PORT)

build: $(STAMP)
	$(BIN)/policy build $(if $(TODAY),--today $(TODAY))

check: $(STAMP)
	$(BIN)/policy check

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenerate the expected pages of the golden tests after an intended change.
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_pages.py
	git status --short tests/golden

# The lock file pins every package with its hash, so a build in a year installs
# the same versions. Installing needs only pip; regenerating it needs uv.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes \
		--universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) site search_index .pytest_cache
