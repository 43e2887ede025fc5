# make run: a working forum on http://127.0.0.1:5000 · make test: the whole suite · make bench: benchmarks
# make lint: ruff, mypy on forum/, import-linter's layer contracts (pyproject.toml, .importlinter), compileall
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test bench lint translations install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask forum seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy forum
	$(BIN)/lint-imports
	$(BIN)/python -m compileall -q forum tests bench config.py wsgi.py

translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 --ignore-dirs ".*" --no-location --sort-output -o forum/translations/messages.pot .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d forum/translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache
