#!/bin/bash
# SPDX-License-Identifier: MIT
# Run berth's test suites: the cmocka unit binaries given as arguments, then every
# tests/integration/*.sh and tests/tui/*.sh against $BERTH_BIN.
# A shell test passes with exit 0, is skipped with exit 77 (its last output line says why),
# and fails otherwise. SUITES (default "unit integration tui") picks suites; TESTS=glob picks
# shell tests by name. Ends with one summary line per suite and a total.
set -u
cd "$(dirname "$0")/.."
: "${BERTH_BIN:=$PWD/berth}"
: "${SUITES:=unit integration tui}"
: "${TESTS:=*}"
export BERTH_BIN
export BERTH_SRC=$PWD

total_pass=0 total_fail=0 total_skip=0
summaries=()
failed_names=()

run_unit() {
    local pass=0 fail=0 bin
    for bin in "$@"; do
        echo "=== unit: $(basename "$bin")"
        if "$bin"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed_names+=("unit/$(basename "$bin")"); fi
    done
    summaries+=("unit binaries: $pass passed, $fail failed")
    total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
}

run_shell_suite() {
    local suite=$1 pass=0 fail=0 skip=0 t rc log reason
    local logdir=${TEST_LOG_DIR:-$PWD/build/test-logs}/$suite
    mkdir -p "$logdir"
    for t in tests/$suite/$TESTS.sh; do
        [ -f "$t" ] || continue
        case "$(basename "$t")" in lib*.sh) continue ;; esac
        log=$logdir/$(basename "$t" .sh).log
        local start=$SECONDS
        timeout -k 10 "${TEST_TIMEOUT:-900}" bash "$t" >"$log" 2>&1 </dev/null
        rc=$?
        local took=$((SECONDS - start))
        if [ $rc -eq 0 ]; then
            pass=$((pass + 1)); echo "PASS $suite/$(basename "$t") (${took}s)"
        elif [ $rc -eq 77 ]; then
            skip=$((skip + 1)); reason=$(grep -E '^SKIP' "$log" | tail -1)
            echo "SKIP $suite/$(basename "$t"): ${reason:-no reason given}"
        else
            fail=$((fail + 1)); failed_names+=("$suite/$(basename "$t")")
            echo "FAIL $suite/$(basename "$t") (exit $rc, ${took}s); last lines of $log:"
            tail -n 25 "$log" | sed 's/^/    /'
        fi
    done
    summaries+=("$suite: $pass passed, $fail failed, $skip skipped")
    total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail)); total_skip=$((total_skip + skip))
}

for s in $SUITES; do
    case $s in
    unit) [ $# -gt 0 ] && run_unit "$@" ;;
    *) run_shell_suite "$s" ;;
    esac
done

echo
echo "=== summary"
for line in "${summaries[@]}"; do echo "$line"; done
for n in "${failed_names[@]+"${failed_names[@]}"}"; do echo "failed: $n"; done
echo "check: $total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
