# Shakirt — the two commands are `make run` and `make test`; everything else they need is here.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 5000
PYTEST_WORKERS ?= auto
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test setup lint translations migration vendor-js

run: setup ## Set up, load the demo world into an empty database, serve on 127.0.0.1:$(PORT)
	$(FLASK) demo-data --if-empty
	@# With REDIS_URL set, jobs go to the RQ queue: a worker runs beside the app until it stops.
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is set: starting a job worker beside the app"; \
	  $(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	fi; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup ## Set up, then run the whole test suite in parallel (pytest-xdist)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

setup: $(VENV)/.synced $(VENV)/.catalogs
	$(FLASK) db upgrade

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

$(VENV)/.catalogs: $(VENV)/.synced $(wildcard app/translations/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel -q compile -d app/translations
	touch $@

# Shared with tests/test_translations.py, which reads this line: keep it on one line.
EXTRACT_FLAGS = -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".* __pycache__ node_modules"

translations: $(VENV)/.synced ## Extract new strings and merge them into every catalog
	$(BIN)/pybabel -q extract $(EXTRACT_FLAGS) --no-location --sort-output \
		-o app/translations/messages.pot .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

lint: $(VENV)/.synced ## ruff, bandit and mypy over app/, pip-audit of the lock file
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app
	$(BIN)/mypy app
	$(BIN)/python .ci/audit_dependencies.py

migration: setup ## After changing the models: write a new migration (review it before committing)
	$(FLASK) db migrate -m "$(or $(MESSAGE),schema change)"

# The service worker's libraries, from the npm registry, committed under app/static/vendor/ with
# their licences (no CDN, no npm at run time). Re-run after changing a version, then commit.
WORKBOX_VERSION := 7.4.1
IDB_VERSION := 8.0.4
WORKBOX_MODULES := core routing strategies precaching cacheable-response expiration
VENDOR := app/static/vendor

vendor-js: ## Fetch Workbox and idb from npm into app/static/vendor/ (commit the result)
	rm -rf $(VENDOR)/workbox $(VENDOR)/idb && mkdir -p $(VENDOR)/workbox $(VENDOR)/idb
	tmp=$$(mktemp -d) && cd $$tmp && \
	npm pack --silent workbox-sw@$(WORKBOX_VERSION) idb@$(IDB_VERSION) \
		$(foreach m,$(WORKBOX_MODULES),workbox-$(m)@$(WORKBOX_VERSION)) >/dev/null && \
	for f in *.tgz; do mkdir -p $${f%.tgz} && tar xzf $$f -C $${f%.tgz}; done && \
	cp workbox-sw-$(WORKBOX_VERSION)/package/build/workbox-sw.js \
		workbox-sw-$(WORKBOX_VERSION)/package/LICENSE $(CURDIR)/$(VENDOR)/workbox/ && \
	for m in $(WORKBOX_MODULES); do \
		cp workbox-$$m-$(WORKBOX_VERSION)/package/build/workbox-$$m.prod.js $(CURDIR)/$(VENDOR)/workbox/; \
	done && \
	cp idb-$(IDB_VERSION)/package/build/umd.js $(CURDIR)/$(VENDOR)/idb/idb.umd.js && \
	cp idb-$(IDB_VERSION)/package/LICENSE $(CURDIR)/$(VENDOR)/idb/ && \
	printf 'workbox %s (npm: workbox-sw and modules %s), Apache-2.0\n' \
		$(WORKBOX_VERSION) "$(WORKBOX_MODULES)" > $(CURDIR)/$(VENDOR)/workbox/VERSION && \
	printf 'idb %s (npm), ISC\n' $(IDB_VERSION) > $(CURDIR)/$(VENDOR)/idb/VERSION && \
	rm -rf $$tmp
