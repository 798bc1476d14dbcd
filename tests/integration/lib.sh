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

# cc_cached OUT SRC CFLAGS...: cc CFLAGS -o OUT SRC, or a copy of the binary an earlier run built
# from the same source, flags and compiler ($BERTH_CC_CACHE, default build/cc-cache, keyed by
# their sha256). The guest suite runs these scripts under TCG, where one cc takes many seconds;
# it brings the host's cache along (docs/TESTING-GUESTS.md).
cc_cached() {
    local out=$1 src=$2 dir=${BERTH_CC_CACHE:-$BERTH_SRC/build/cc-cache} key
    shift 2
    key=$({ printf '%s\n' "$@"; cc --version | head -1; cat "$src"; } | sha256sum | cut -c1-32)
    if [ -f "$dir/$key" ] && cp "$dir/$key" "$out" 2>/dev/null && chmod 755 "$out"; then
        return 0
    fi
    cc "$@" -o "$out" "$src" || return 1
    mkdir -p "$dir" 2>/dev/null && cp "$out" "$dir/$key.$$" 2>/dev/null &&
        mv -f "$dir/$key.$$" "$dir/$key" 2>/dev/null
    rm -f "$dir/$key.$$" 2>/dev/null
    return 0
}
