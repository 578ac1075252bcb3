# 讲话问答 — two commands to start: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= corpus

.PHONY: run test install install-dev lint typecheck pytest bench bench-bot bench-semantic eval clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools announces every editable install with a UserWarning banner ("Editable installation … be
# careful with folders named like your package"); it says nothing about this project, so it is hidden.
QUIET_BUILD := PYTHONWARNINGS=ignore::UserWarning

# the optional C query kernel is compiled by the editable install (setup.py); a changed source rebuilds it
KERNEL_SOURCES := setup.py $(wildcard retrieval/index/backends/_bm25kernel*.[ch])

$(VENV)/.installed: $(BIN)/python pyproject.toml $(KERNEL_SOURCES)
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml requirements-semantic.txt $(KERNEL_SOURCES)
	$(QUIET_BUILD) $(BIN)/python -m pip install --quiet -e '.[dev,xapian]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-semantic.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/qabot repl --corpus $(CORPUS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy $(wildcard retrieval bot qabot evaluation)

pytest: install-dev
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: install
	$(BIN)/qabot bench

bench-semantic: install-dev
	$(BIN)/python -m evaluation.semantic_latency

bench-bot: install-dev
	$(BIN)/python -m evaluation.bench_bot

eval: install
	$(BIN)/qabot eval --corpus $(CORPUS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
