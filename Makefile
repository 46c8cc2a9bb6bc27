# Tollgate — the two commands a fresh machine needs: `make run` and `make test`.

SWIFT ?= swift
# Debian packages the build links against.
APT_BUILD := pkg-config zlib1g-dev libcurl4-openssl-dev libsqlite3-dev libre2-dev libsnappy-dev
# What the tests need beyond the build.
APT_TEST := $(APT_BUILD) curl python3 python3-scipy python3-aiosmtpd openssl prometheus-node-exporter prometheus prometheus-alertmanager prometheus-blackbox-exporter chromium victoria-metrics
ARGS ?=
PYTHON ?= python3
# Seconds `make soak` runs; `make test` runs it for 60 after the suite.
SOAK_DURATION ?= 1800

.PHONY: run test build lint deps deps-test bench fuzz soak clean

## run: install what is missing, build release, start `tollgate serve` (ARGS=... adds flags)
run: deps
	$(SWIFT) build -c release --product tollgate
	.build/release/tollgate serve $(ARGS)

## test: install what the tests need, check module imports (lint), build, run the whole suite,
## then a one-minute soak (skipped when ../shared's synthetic targets are absent)
test: deps-test lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	PYTHON=$(PYTHON) scripts/soak.sh 60

## soak: `tollgate serve` under load for SOAK_DURATION seconds (default 30 minutes) with a
## SIGKILL and restart part-way; checks memory growth, request errors, notifications, lost samples
soak: deps
	@scripts/apt-install.sh python3
	$(SWIFT) build -c release --product tollgate
	SOAK_RELEASE=1 PYTHON=$(PYTHON) scripts/soak.sh $(SOAK_DURATION)

## build: release build only
build: deps
	$(SWIFT) build -c release --product tollgate

## lint: every module's imports against docs/architecture.md's table and Package.swift
## (the checker's self-test first); no build
lint:
	@scripts/apt-install.sh python3
	@$(PYTHON) scripts/check-imports.py --self-test
	@$(PYTHON) scripts/check-imports.py

## bench: every benchmark in Benchmarks/ (package-benchmark): parser and storage
bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

## fuzz: every libFuzzer target in Fuzz/ (AddressSanitizer too) to 10^6 executions each; not part of
## `make test` (slow). FUZZ_TARGETS, FUZZ_SECONDS, FUZZ_RUNS, FUZZ_JOBS: see scripts/fuzz.sh
fuzz: deps
	@scripts/apt-install.sh python3
	scripts/fuzz.sh

deps:
	@scripts/apt-install.sh $(APT_BUILD)

deps-test:
	@scripts/apt-install.sh $(APT_TEST)
	@PYTHON=$(PYTHON) scripts/pip-install-moto.sh

clean:
	rm -rf .build Benchmarks/.build .build-fuzz
