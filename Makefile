# The thin front door of the build. `make` builds build/xinfang; `make run` and
# `make test` first install what is missing (scripts/setup), so both work on a fresh
# Debian 12 machine. The real build is CMake (CMakeLists.txt).
SHELL := /bin/bash
JOBS ?= 2
FUZZ_SECONDS ?= 60
SMOKE_SECONDS ?= 10
FUZZERS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: all setup release sanitize fuzz-build run test test-unit test-api test-e2e \
        fuzz fuzz-smoke bench format check-format clean check-layers vendor \
        test-api-pg-sanitize

all: release

setup:
	@scripts/setup

release: vendor
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j$(JOBS)

# Front-end packages vendored from npm at build time (docs/statistics.md: Apache ECharts
# for the 统计 page), served from web/vendor/ under the same strict CSP as our own files.
# Skipped, with a word, before `make setup` has installed node_modules.
ECHARTS := node_modules/echarts/dist/echarts.min.js
vendor:
	@if [ -f $(ECHARTS) ]; then \
	  if ! cmp -s $(ECHARTS) web/vendor/echarts.min.js; then \
	    mkdir -p web/vendor && cp $(ECHARTS) web/vendor/echarts.min.js; fi; \
	else echo "vendor: $(ECHARTS) is missing (make setup): the 统计 page has no charts"; fi

sanitize:
	@cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	@cmake --build build-sanitize -j$(JOBS)

fuzz-build:
	@CC=clang cmake -S . -B build-fuzz -DXF_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS='-fsanitize=fuzzer-no-link,address,undefined -g -O1' >/dev/null
	@cmake --build build-fuzz -j$(JOBS)

run: setup release
	@mkdir -p var
	build/xinfang serve

test: setup
	@scripts/check-layers
	@$(MAKE) --no-print-directory check-format
	@$(MAKE) --no-print-directory release sanitize fuzz-build
	@scripts/pg-test run $(MAKE) --no-print-directory test-unit test-api test-e2e fuzz-smoke
	@echo "all test suites passed"

# Every include in src/ follows the layering of docs/architecture.md.
check-layers:
	@scripts/check-layers

# Both ctest runs see a throw-away PostgreSQL (XF_TEST_PG_URL, for tests/unit/test_sql.c):
# scripts/pg-test starts one unless `make test` already did, and stops it afterwards,
# also when a test fails.
test-unit:
	scripts/pg-test run bash -c 'ctest --test-dir build --output-on-failure && \
	  ctest --test-dir build-sanitize --output-on-failure'

# The API suite on both engines and both builds: SQLite files (release, then the
# sanitizer build), then a database per server on the throw-away PostgreSQL (release;
# tests/lib/server.js, XF_TEST_ENGINE). The PostgreSQL half of the statement layer runs
# under the sanitizers in the unit suites (test_sql and the store suites with
# XF_TEST_PG_URL); `make test-api-pg-sanitize` adds the fourth pair when wanted. Two
# test files at a time: they mostly wait on their own servers.
API_TESTS := node --test --test-concurrency=2 tests/api/
test-api:
	$(API_TESTS)
	XF_BIN=build-sanitize/xinfang $(API_TESTS)
	scripts/pg-test run env XF_TEST_ENGINE=postgresql $(API_TESTS)

test-api-pg-sanitize:
	scripts/pg-test run env XF_TEST_ENGINE=postgresql XF_BIN=build-sanitize/xinfang $(API_TESTS)

test-e2e:
	node --test tests/e2e/

# Each fuzzer runs on a scratch copy of its seeds, so the tree stays clean.
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(SMOKE_SECONDS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  corpus=$$(mktemp -d); cp tests/fuzz/seeds/$$f/* $$corpus/ 2>/dev/null || true; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	  build-fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/ $$corpus 2>&1 | grep -E '^(stat::number_of_executed_units|==|SUMMARY|#[0-9]+ *DONE)' ; \
	  status=$${PIPESTATUS[0]}; rm -rf $$corpus; \
	  [ $$status -eq 0 ] || { echo "fuzz: $$f failed"; exit 1; }; \
	done

# HTTP against nginx (~2 min), incidents and the live feed (~1 min), search over a
# million records (~5 min), history at volume (~3 min), stalls (~4 min), the WAL under
# load (10 min), a 20-page report as PDF and DOCX (~30 s), a 200 MiB record upload (~1 min),
# the statement layer on SQLite against PostgreSQL (~3 min).
bench: release
	@XF_SETUP_BENCH=1 scripts/setup
	bench/http/run
	bench/incidents/run
	bench/search/run
	bench/wal/run
	bench/stall/run
	bench/volume/run
	bench/upload/run
	bench/document/run
	bench/sql/run
	bench/outbox/run
	bench/statistics/run

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'bench/*.h')

# Every C file is as `make format` leaves it (.clang-format); names the ones that are not.
check-format:
	@bad=$$(for f in $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'bench/*.h'); do \
	  clang-format --dry-run -Werror $$f >/dev/null 2>&1 || echo $$f; done); \
	[ -z "$$bad" ] || { echo "not formatted (run make format):" $$bad; exit 1; }

clean:
	rm -rf build build-sanitize build-fuzz
