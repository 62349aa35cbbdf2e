# trin — two commands do all the set-up on a fresh Debian machine:
#   make demo   generate sample exports, import them, publish metrics
#   make test   build and run every test
SWIFT      ?= swift
CONFIG     ?= debug
DEMO_DIR   ?= demo-out
BENCH_DIR  ?= bench-out
ROWS       ?= 1000000
DISCLOSURE_DIR ?= disclosure-out
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PKGS   := libcurl4-openssl-dev libxml2-dev libsqlite3-dev pkg-config python3 openssl libxml2-utils

PROMTOOL   ?= promtool
PROMTOOL_DIR ?= /usr/local/bin
PREFIX     ?= /usr/local
DESTDIR    ?=
DEB_DIR    ?= dist

.PHONY: all deps test-deps build test demo bench bench-postgres disclosure install deb man clean

all: build

## Install the system packages the build needs, only when they are missing.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists libcurl 2>/dev/null || missing="$$missing libcurl4-openssl-dev"; \
	pkg-config --exists libxml-2.0 2>/dev/null || missing="$$missing libxml2-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	python3 -c 'import frictionless' 2>/dev/null || python3 -m pip --version >/dev/null 2>&1 || missing="$$missing python3-pip"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
# promtool tests the shipped alerting rules. Only the binary is taken from Debian's prometheus
# package (it needs only libc), so no Prometheus server is installed or started.
	@command -v $(PROMTOOL) >/dev/null || { \
	  echo "Installing: promtool (the binary from Debian's prometheus package)"; \
	  tmp=$$(mktemp -d) && $(SUDO) apt-get update -qq && (cd $$tmp && apt-get download prometheus >/dev/null) \
	    && dpkg-deb -x $$tmp/prometheus_*.deb $$tmp/x && $(SUDO) install -m 0755 $$tmp/x/usr/bin/promtool $(PROMTOOL_DIR)/promtool; \
	  status=$$?; rm -rf $$tmp; exit $$status; \
	}
# frictionless (PyPI) validates datapackage.json and the CSV files in the tests. Debian's
# python3 is "externally managed" (PEP 668): PIP_BREAK_SYSTEM_PACKAGES lets pip install into it.
	@python3 -c 'import frictionless' 2>/dev/null || { \
	  echo "Installing: frictionless (pip)"; \
	  $(SUDO) env PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet frictionless; \
	}

build: deps
	$(SWIFT) build -c $(CONFIG)

## Tools only the tests use: lintian checks the Debian package the tests build.
test-deps: deps
	@command -v lintian >/dev/null || { \
	  echo "Installing: lintian"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends lintian; \
	}
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing: postgresql (a throw-away cluster for the PostgreSQL store's tests)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql; \
	}

test: test-deps
	SWIFT="$(SWIFT)" ./scripts/test.sh

demo: deps
	$(SWIFT) build -c release --product trin
	./scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/trin" $(DEMO_DIR)

bench: deps
	$(SWIFT) build -c release --product trin
	$(SWIFT) build -c release --product trin-hash-bench
	./scripts/bench.sh "$$($(SWIFT) build -c release --show-bin-path)/trin" $(BENCH_DIR)
	"$$($(SWIFT) build -c release --show-bin-path)/trin-hash-bench"

## The PostgreSQL store (docs/benchmarks.md), on a throw-away local cluster: trin import fresh
## and nightly beside the SQLite store, then the store's merge path alone. In the clear, as
## the recorded runs were (the cluster offers TLS for the tests of sslmode).
bench-postgres: test-deps
	$(SWIFT) build -c release --product trin
	$(SWIFT) build -c release --product trin-postgres-bench
	@cluster=$$(mktemp -d /tmp/trin-pg-XXXXXX); trap './scripts/pg-test-cluster.sh stop "$$cluster"' EXIT; \
	url=$$(./scripts/pg-test-cluster.sh start "$$cluster")?sslmode=disable; \
	./scripts/bench-postgres.sh "$$($(SWIFT) build -c release --show-bin-path)/trin" "$$url" $(BENCH_DIR) && \
	"$$($(SWIFT) build -c release --show-bin-path)/trin-postgres-bench" "$$url" $(ROWS)

## Information loss of the published tables on a sample of the real size, at k = 5 and 3.
disclosure: deps
	$(SWIFT) build -c release --product trin
	./scripts/disclosure.sh "$$($(SWIFT) build -c release --show-bin-path)/trin" $(DISCLOSURE_DIR)

## Install under PREFIX (default /usr/local); with DESTDIR, only stage the files (docs/install.md).
install: deps
	$(SWIFT) build -c release --static-swift-stdlib --product trin
	BIN="$$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/trin" PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" ./scripts/install.sh

## A Debian package of the same files (dist/trin_<version>_<arch>.deb); the Swift runtime is linked in.
deb: deps
	$(SWIFT) build -c release --static-swift-stdlib --product trin
	BIN="$$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/trin" OUT="$(DEB_DIR)" ./scripts/deb.sh

## The manual page packaging/trin.1, made from the command line's own help by
## swift-argument-parser's generate-manual plugin; run it after changing a command, and commit.
man: deps
	mkdir -p .build/man
	$(SWIFT) package plugin --allow-writing-to-directory .build/man generate-manual --output-directory .build/man --authors "trin maintainers"
	cp .build/man/trin.1 packaging/trin.1

clean:
	rm -rf .build $(DEMO_DIR) $(BENCH_DIR) $(DISCLOSURE_DIR) $(DEB_DIR)
