# Convention Academy: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app webapp
HOST   ?= 127.0.0.1
PORT   ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
TRANSLATIONS := webapp/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run serve install install-dev test test-postgres lint fmt bench e2e clean i18n i18n-init i18n-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes, so a second `make run` is fast.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(MO_FILES)
install-dev: $(VENV)/.installed-dev $(MO_FILES)

# The .po catalogues are committed; the .mo files the app reads are built from them (and ignored by git).
$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

## i18n: extract every interface string into messages.pot and update each language's .po (then translate)
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
		--add-comments TRANSLATORS: --add-location file --sort-by-file --project "Convention Academy" \
		--copyright-holder "Convention Academy" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete
	$(MAKE) i18n-compile

## i18n-init: start a new language, e.g. make i18n-init LOCALE=pt
i18n-init: install
	@test -n "$(LOCALE)" || { echo "usage: make i18n-init LOCALE=pt"; exit 2; }
	$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(LOCALE)

## i18n-compile: build the .mo files from the .po catalogues (done by install)
i18n-compile: $(MO_FILES)

## run: set everything up on SQLite (instance/app.db) and serve on http://127.0.0.1:5000
run: install
	$(FLASK) setup
	@echo ""
	@echo "Serving Convention Academy on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## serve: production server (gunicorn, gunicorn.conf.py) on the configured database
serve: install
	$(FLASK) content check
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'webapp:create_app()'

## test: the whole suite (ruff, then pytest) on SQLite
test: install-dev lint
	$(BIN)/pytest -q

## test-postgres: the same suite against PostgreSQL (a throwaway schema, dropped afterwards)
test-postgres: install-dev
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check course webapp tests bench

## bench: every benchmark; figures and ratios are printed, nothing is asserted
bench: install-dev
	$(BIN)/python -m bench.content_render
	$(BIN)/python -m bench.quiz
	$(BIN)/python -m bench.certificates
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## fmt: format and auto-fix (run before committing)
fmt: install-dev
	$(BIN)/ruff format course webapp tests bench
	$(BIN)/ruff check --fix .
