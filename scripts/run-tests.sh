#!/bin/bash
# SPDX-License-Identifier: MIT
# Run berth's test suites: the cmocka unit binaries given as arguments, then every
# tests/integration/*.sh and tests/tui/*.sh against $BERTH_BIN.
# A shell test passes with exit 0, is skipped with exit 77 (its last output line says why),
# and fails otherwise. SUITES (default "unit integration tui guest") picks suites; TESTS=glob
# picks shell tests by name. Ends with one summary line per suite and a total. The guest suite
# (tests/guest/*.sh) boots a QEMU guest per cgroup layout: docs/TESTING-GUESTS.md.
set -u
cd "$(dirname "$0")/.."
: "${BERTH_BIN:=$PWD/berth}"
: "${SUITES:=unit integration tui guest}"
: "${TESTS:=*}"
export BERTH_BIN
export BERTH_SRC=$PWD

total_pass=0 total_fail=0 total_skip=0
summaries=()
failed_names=()

# cmocka binaries: counts the test cases from each binary's own summary lines.
run_unit() {
    local pass=0 fail=0 skip=0 bin out rc p f s
    for bin in "$@"; do
        echo "=== unit: $(basename "$bin")"
        out=$("$bin" 2>&1)
        rc=$?
        echo "$out"
        p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
        s=$(echo "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
        pass=$((pass + ${p:-0})); skip=$((skip + ${s:-0}))
        if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi  # crashed before its summary
        fail=$((fail + ${f:-0}))
        [ "${f:-0}" -eq 0 ] || failed_names+=("unit/$(basename "$bin")")
    done
    summaries+=("unit: $pass passed, $fail failed, $skip skipped")
    total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail)); total_skip=$((total_skip + skip))
}

run_shell_suite() {
    local suite=$1 pass=0 fail=0 skip=0 t rc log reason
    local logdir=${TEST_LOG_DIR:-$PWD/build/test-logs}/$suite
    mkdir -p "$logdir"
    for t in tests/$suite/$TESTS.sh; do
        [ -f "$t" ] || continue
        case "$(basename "$t")" in lib*.sh) continue ;; esac
        log=$logdir/$(basename "$t" .sh).log
        local start=$SECONDS limit
        # A test that needs longer than 900 s says so in a "# test-timeout: SECONDS" line.
        limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
        timeout -k 10 "${TEST_TIMEOUT:-${limit:-900}}" bash "$t" >"$log" 2>&1 </dev/null
        rc=$?
        local took=$((SECONDS - start))
        # A test whose helper library did not load runs on with its checks undefined and can end
        # with 0: bash's "command not found" (or a sourced file not found) fails the test.
        if [ $rc -eq 0 ] && grep -qE "^$t: line [0-9]+: (.*: command not found|.*/lib[a-z_]*\.sh: No such file)" "$log"; then
            echo "(run-tests: a command or helper library of the test was not found)" >>"$log"
            rc=1
        fi
        # A test that runs several tests itself (the guest suite: each script in each guest)
        # prints one "SUBTEST PASS|SKIP|FAIL name detail" line per test, each counted here; the
        # test itself counts only when it failed with no failing subtest (e.g. a guest not booting).
        if grep -qE '^SUBTEST (PASS|SKIP|FAIL) ' "$log"; then
            local res name rest nf=0
            while read -r _ res name rest; do
                case $res in
                PASS) pass=$((pass + 1)) ;;
                SKIP) skip=$((skip + 1)) ;;
                *) fail=$((fail + 1)) nf=$((nf + 1)); failed_names+=("$suite/$name") ;;
                esac
                echo "$res $suite/$name $rest"
            done < <(grep -E '^SUBTEST (PASS|SKIP|FAIL) ' "$log")
            if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ $nf -eq 0 ]; then
                fail=$((fail + 1)); failed_names+=("$suite/$(basename "$t")")
                echo "FAIL $suite/$(basename "$t") (exit $rc, ${took}s); last lines of $log:"
                tail -n 25 "$log" | sed 's/^/    /'
            else
                echo "(${took}s for $suite/$(basename "$t"), exit $rc; log $log)"
            fi
            continue
        fi
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
