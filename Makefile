# Tollgate — the two commands a fresh machine needs: `make run` and `make test`.

SWIFT ?= swift
# Debian packages the build links against.
APT_BUILD := pkg-config zlib1g-dev libcurl4-openssl-dev libsqlite3-dev
# What the tests need beyond the build.
APT_TEST := $(APT_BUILD) python3 openssl prometheus-node-exporter prometheus
ARGS ?=

.PHONY: run test build deps deps-test bench clean

## run: install what is missing, build release, start `tollgate serve` (ARGS=... adds flags)
run: deps
	$(SWIFT) build -c release --product tollgate
	.build/release/tollgate serve $(ARGS)

## test: install what the tests need, build, run the whole suite
test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## build: release build only
build: deps
	$(SWIFT) build -c release --product tollgate

## bench: every benchmark in Benchmarks/ (package-benchmark): parser and storage
bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

deps:
	@scripts/apt-install.sh $(APT_BUILD)

deps-test:
	@scripts/apt-install.sh $(APT_TEST)

clean:
	rm -rf .build Benchmarks/.build
