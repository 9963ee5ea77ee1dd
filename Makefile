# VSS Citizen Assistant. `make run` starts everything; `make test` runs every suite.
# Both install what is missing first. `make help` lists the other targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Local configuration (never committed): KEY=value lines, see .env.example.
-include .env
export

UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
BOT_PY := .venv/bin/python
TICKETS_PY := backend/.venv/bin/python

CHROMIUM ?= /usr/bin/chromium

.PHONY: help install web browser haproxy run run-cluster train init-db test lint validate test-backend test-bot test-e2e clean

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# --- installation ----------------------------------------------------------------

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ from PyPI"
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python "$$(scripts/find-python 3.10)"
	@touch $@

backend/.venv/.synced: backend/pyproject.toml backend/uv.lock | $(UV)
	cd backend && $(UV) sync --frozen --python "$$(../scripts/find-python 3.11+)"
	@touch $@

install: .venv/.synced backend/.venv/.synced web  ## create both environments from their lock files

WEB_VENDOR := bot/rasa_plugins/channels/webchat_static/vendor
$(WEB_VENDOR)/socket.io.min.js: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	mkdir -p $(WEB_VENDOR) && cp web/node_modules/socket.io-client/dist/socket.io.min.js $@

web: $(WEB_VENDOR)/socket.io.min.js  ## the web chat's client library, from npm (served locally)

browser:  ## Debian's Chromium for the browser tests (installed when root; else they skip)
	@if [ -x "$(CHROMIUM)" ]; then echo "Chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else echo "Chromium not found: browser tests will skip. Install: sudo apt-get install chromium"; fi

haproxy:  ## Debian's haproxy for the cluster (installed when root; else its tests skip)
	@if command -v haproxy >/dev/null; then haproxy -v | head -1; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get install -y -qq haproxy || (apt-get update -qq && apt-get install -y -qq haproxy); \
	else echo "haproxy not found: cluster tests will skip. Install: sudo apt-get install haproxy"; fi

# --- running -----------------------------------------------------------------------

train: install  ## train a model unless one exists for the current data and config
	$(BOT_PY) -m bot.cli train

init-db: install  ## create or migrate the ticket database and load the reference data
	cd backend && .venv/bin/python -m vss_tickets.cli init-db

run: train init-db  ## start Rasa, the action server and the ticket service (Ctrl-C stops all)
	@$(BOT_PY) -m bot.cli urls
	.venv/bin/honcho start -f Procfile

CLUSTER := var/cluster
run-cluster: train haproxy  ## the production topology here: 2 Rasa, 2 action servers, haproxy, PostgreSQL, Redis
	$(BOT_PY) -m bot.cluster
	set -a && . $(CLUSTER)/cluster.env && set +a && cd backend && .venv/bin/python -m vss_tickets.cli init-db
	@set -a && . $(CLUSTER)/cluster.env && set +a && $(BOT_PY) -m bot.cli urls
	.venv/bin/honcho start -d . -f $(CLUSTER)/Procfile -e $(CLUSTER)/cluster.env

# --- tests -------------------------------------------------------------------------

test: lint validate test-backend test-bot test-e2e  ## run every suite

lint: install  ## ruff on both code bases
	.venv/bin/ruff check .
	cd backend && .venv/bin/ruff check .

validate: install  ## check the Rasa training data and domain (warnings fail)
	.venv/bin/rasa data validate --data data/nlu data/dialogue --fail-on-warnings

test-backend: install browser  ## the ticket service's suite (SQLite and PostgreSQL)
	cd backend && .venv/bin/pytest -q

test-bot: train browser  ## the assistant's unit and component tests (uses the trained model)
	.venv/bin/pytest -q -m "not e2e"
	.venv/bin/rasa test core --stories tests/stories --model "$$($(BOT_PY) -m bot.cli model-path)" --out var/test-stories --fail-on-prediction-errors --no-plot

test-e2e: train browser haproxy  ## end-to-end: real Rasa, action server and ticket service over HTTP
	.venv/bin/pytest -q -m e2e tests/e2e tests/security
	# Playwright's sync API keeps an event loop running: browser tests get their own process.
	.venv/bin/pytest -q -m e2e tests/browser

clean:  ## remove environments, models and local state
	rm -rf .venv backend/.venv .tools models/*.tar.gz var .rasa
