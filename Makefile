# The two commands a newcomer needs: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
# Debian packages the test suite drives: a real browser, and LibreOffice + poppler to render DOCX.
# The report's PDF needs LibreOffice's python bridge (python3-uno, for the system python) and
# Liberation Sans, metrically equal to Arial, so its pages break where Word's do. Calc opens the
# open-data spreadsheets the way a reader's spreadsheet would (tests/test_open_data_spreadsheets.py).
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fonts-liberation2 poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint install system-deps bench-deps db demo-users clean serve translations

run: export TRACKER_ENV = development
run: install db demo-users
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production: gunicorn on PostgreSQL. Needs DATABASE_URL and SECRET_KEY (see README.md).
serve: export TRACKER_ENV = production
serve: install
	@$(BIN)/python -m tracker.preflight
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	$(FLASK) error-pages instance/error-pages
	exec $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# The whole suite runs on two processes (pytest-xdist), each with a database of its own; tests
# that share an expensive module fixture stay on one process (their xdist_group mark).
# `make test PYTEST_ARGS="tests/test_x.py -q"` runs in one process, as given.
PYTEST_ARGS ?= -n 2 --dist loadgroup
test: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Style and static checks (settings in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Compiled message catalogs are build output (.gitignore'd): made from the .po on install.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard tracker/translations/*/LC_MESSAGES/messages.po))

install: $(STAMP) $(MO_FILES)

# The gettext aliases the code uses besides _/gettext/ngettext; tests/test_translations.py
# reads this line, so the completeness test extracts exactly what this target extracts.
BABEL_KEYWORDS := lazy_gettext _l N_

# Extract every message from the code and templates and merge it into the nb, nn and en
# catalogues: new messages arrive untranslated, and tests/test_translations.py names them.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(addprefix -k ,$(BABEL_KEYWORDS)) --no-location --sort-output -w 100 -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d tracker/translations --no-fuzzy-matching --ignore-obsolete -w 100
	rm messages.pot
	$(MAKE) --no-print-directory install

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

$(STAMP): setup.cfg constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Installs only what is missing, so a machine that has them is not touched.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing="$$missing libreoffice-calc-nogui"; \
	/usr/bin/python3 -c "import uno" 2>/dev/null || missing="$$missing python3-uno"; \
	fc-match Arial 2>/dev/null | grep -q Liberation || missing="$$missing fonts-liberation2"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# What bench/bench_public.py drives besides the test's nginx and openssl: the load generator.
bench-deps:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

db: export TRACKER_ENV = development
db: install
	$(FLASK) db upgrade
	$(FLASK) seed

# Development only: `users demo` refuses to run unless TRACKER_ENV=development.
demo-users: export TRACKER_ENV = development
demo-users: db
	$(FLASK) users demo

clean:
	rm -rf $(VENV) instance/tracker.sqlite .pytest_cache
