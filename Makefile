# Casebridge developer commands. The README's quickstart uses `make run` and `make test`.
.PHONY: setup run serve test check messages bench bench-county bench-screening bench-packets bench-reports bench-search bench-load check-eligibility bench-client-page bench-visibility bench-pages

PY := .venv/bin/python

setup:            ## install everything and prepare the database, static files, translations, demo data
	bash scripts/setup.sh

run: setup        ## set up, then serve http://127.0.0.1:8000 with demo data and print the demo logins
	bash scripts/run.sh

serve:            ## the production stack (gunicorn, Celery worker, beat; Procfile via honcho) with DEBUG off, after setup: http://127.0.0.1:8000
	bash scripts/serve.sh

test:             ## lint, migration check and the whole test suite
	bash scripts/test.sh

messages:         ## update locale/*/django.po from the sources (then translate, then `make setup` compiles)
	$(PY) manage.py makemessages -l es -l vi -l pa -l hi --no-obsolete --ignore=.venv \
		--ignore=node_modules --ignore=staticfiles --ignore=bench --ignore=tests --ignore=media \
		--ignore=locale

bench: bench-screening bench-packets bench-reports bench-search bench-client-page  ## every benchmark, printing its figures

bench-county:     ## seed the county-scale database (BENCH_COUNTY_DATABASE_URL, default cb_county; BENCH_COUNTY_SCALE, default 1): 30 centers, 250 agencies, 1,000 programs, 1,500 staff, 200,000 clients, 1,000,000 referrals with events, grants, history, access log; prints the demo logins
	$(PY) bench/county.py

bench-reports:    ## the county's 1,000,000 referrals (bench/county.py's database, seeded if needed): times the weekly report's metrics, the 26-week trend and the dashboard (one year: goal < 300 ms)
	$(PY) bench/reports.py

bench-visibility: ## visibility queries before/after issue 15 with plans (BENCH_VISIBILITY_DATABASE_URL, default cb_vis_bench)
	$(PY) bench/visibility.py --explain bench/out/visibility-plans

bench-search:     ## the county's 200,000 clients (bench/county.py's database, seeded if needed): times client search pages and the dashboard as the biggest center's navigator
	$(PY) bench/search.py

bench-screening:  ## one intake against 1,000 programs with realistic rule sets: prints the median (goal < 20 ms)
	$(PY) bench/screening.py

bench-packets:    ## renders 50 referral packets (both copies, 5 languages): prints median and 95th-percentile render time and peak memory (goal: median < 300 ms)
	$(PY) bench/packets.py

PE_VENV := bench/.pe-venv

$(PE_VENV)/bin/python:
	python3 -m venv $(PE_VENV)

check-eligibility: $(PE_VENV)/bin/python  ## screening vs PolicyEngine-US on 240 generated San José households: agreement per program and every disagreement (installs policyengine-us into bench/.pe-venv, not a project dependency)
	$(PE_VENV)/bin/python -c "import policyengine_us" 2>/dev/null || $(PE_VENV)/bin/pip install -q policyengine-us
	$(PY) bench/check_eligibility.py

bench-pages:      ## each persona's pages on the county database (make bench-county first), one at a time, DEBUG off: median and p90 time, SQL and Python time, queries, size per page (--profile NAME via PAGES_ARGS)
	$(PY) bench/pages.py $(PAGES_ARGS)

bench-client-page: ## the client page at county scale (1,000 programs, 250 agencies, long history): prints its HTML size (goal < 60 KiB)
	$(PY) bench/client_page.py

LOAD_VENV := bench/.load-venv

$(LOAD_VENV)/bin/locust:
	python3 -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install -q locust==2.47.0

bench-load: $(LOAD_VENV)/bin/locust  ## the production stack (Procfile) on the county database (bench/county.py, seeded if needed; LOAD_DATA=demo for the demo city) under Locust: navigator, partner, manager personas signing in and reading and writing through the real forms (intake, consent, send, accept, start, complete, reports) at 10, 30, 100 users for 60 s each (LOAD_USERS, LOAD_SECONDS), plus the trivial-view rate; prints req/s, p50/p95/p99 per endpoint, errors, load average (Locust in bench/.load-venv, not a project dependency)
	$(PY) bench/load.py
