# SPDX-License-Identifier: MIT
# Shared helpers for shell tests (sourced; not a test itself).
# Every test: `. "$BERTH_SRC/tests/integration/lib.sh"`, then use fail/skip/check_*.

: "${BERTH_BIN:?BERTH_BIN must point at the berth binary}"
: "${BERTH_SRC:?BERTH_SRC must point at the repository}"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Skip the test with a reason (exit 77, last line "SKIP: reason").
skip() {
    echo "SKIP: $*"
    exit 77
}

need_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root ($*)"
}

# Run a python3 snippet on stdin with the JSON file given as argv[1].
pyjson() {
    python3 -c "$1" "${@:2}"
}
