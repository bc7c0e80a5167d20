# NetDesk: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint typecheck bench bench-smoke package screenshots system-deps clean

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)  ## install and start the app on the default database
	$(BIN)/netdesk $(ARGS)

demo: $(STAMP)  ## install and start the app on a throw-away demo network
	$(BIN)/netdesk --demo

system-deps:  ## Qt's system libraries (installed as root, else only named)
	@bash .ci/system-deps.sh

lint: $(STAMP)  ## ruff: lint and format check
	$(BIN)/ruff check netdesk tests packaging
	$(BIN)/ruff format --check netdesk tests packaging

typecheck: $(STAMP)  ## mypy, strict on netdesk/
	$(BIN)/mypy

bench-smoke: $(STAMP)  ## every benchmark at a small size: they still run and report (no figure is a result)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/run_all.py --smoke

test: lint typecheck  ## install and run the whole test suite, lint and type check included (headless)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n auto
	@$(MAKE) --no-print-directory bench-smoke

bench: $(STAMP)  ## full-size benchmarks; writes tests/benchmarks/results.json and README.md's speed table from it
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/run_all.py $(ARGS)
	$(BIN)/python tests/benchmarks/readme_table.py

screenshots: $(STAMP)  ## every page in both themes at 1024x700 and 1600x1000, into docs/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/screenshots.py docs/screenshots

package: $(STAMP)  ## one-folder PyInstaller build plus a smoke run of the frozen app
	$(BIN)/python -m pip install --quiet -e ".[package]"
	bash packaging/build.sh

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
