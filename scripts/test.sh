#!/usr/bin/env bash
# make test: build and run every test, then check that the suite wrote nothing into
# the working tree (tests write only in their own temporary folders).
set -euo pipefail
SWIFT=${SWIFT:-swift}
cd "$(dirname "$0")/.."
# Outside a git work tree (or where git refuses it) the check cannot be made: say so.
if git status --porcelain >/dev/null 2>&1; then
  tree_state() { git status --porcelain --untracked-files=all | grep -v -E '^\?\? \.build' || true; }
else
  echo "make test: git cannot read this tree; the check that the suite writes nothing into it is skipped" >&2
  tree_state() { :; }
fi
before=$(tree_state)
$SWIFT build --build-tests
# Every test folder of this run in one place (TMPDIR): removed when the suite passes,
# kept for reading when it fails.
scratch=$(mktemp -d /tmp/trin-test-XXXXXX)
# A throw-away PostgreSQL cluster on 127.0.0.1 for the PostgreSQL store's tests.
cluster=$(mktemp -d /tmp/trin-pg-XXXXXX)
trap './scripts/pg-test-cluster.sh stop "$cluster"' EXIT
TRIN_TEST_POSTGRES_URL=$(./scripts/pg-test-cluster.sh start "$cluster")
export TRIN_TEST_POSTGRES_URL
# Every tool test-deps installs must be there: a test that would skip without one fails instead.
export TRIN_TEST_REQUIRE_TOOLS=1
if ! TMPDIR="$scratch" $SWIFT test --skip-build; then
  echo "make test: failed; the tests' folders are kept in $scratch" >&2
  exit 1
fi
rm -rf "$scratch"
after=$(tree_state)
if [ "$before" != "$after" ]; then
  echo "make test: the test suite changed the working tree:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
