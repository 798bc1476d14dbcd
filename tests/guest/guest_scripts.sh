#!/bin/bash
# SPDX-License-Identifier: MIT
# The project's container and security scripts (tests/integration/$GUEST_SCRIPTS, default
# 'ctr_* sec_*') run inside a guest per set-up in $GUEST_SCRIPT_LAYOUTS (default the four of
# issue 19: v2 = cgroup v2 unified as root, v1 = v1 controllers only, rootless = uid 1000 in a
# delegated v2 subtree, ext4 = v2 with the scripts' /tmp (state, rootfs) on ext4; also hybrid),
# with the host's bash, python3, cc and the rest shared read-only over virtiofs
# (docs/TESTING-GUESTS.md). $GUEST_JOBS guests run at once (default: one per host core, at most
# 2). Every script in every guest is one test in run-tests.sh's totals (a "SUBTEST" line each);
# it must pass or skip with its reason.
# test-timeout: 5400
set -u -f # GUEST_SCRIPTS holds globs for the guest
. "$BERTH_SRC/tests/guest/lib_guest.sh"
scripts=${GUEST_SCRIPTS:-ctr_* sec_*}
layouts=${GUEST_SCRIPT_LAYOUTS:-v2 v1 rootless ext4}
jobs=${GUEST_JOBS:-$(nproc)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le 2 ] || jobs=2

# one LAYOUT: boots its guest in a work directory of its own, prints the console's result lines.
one() {
    local layout=$1 args
    case $layout in
    v2) args="cgroup_no_v1=all berth.cgroup=v2" ;;
    v1) args="systemd.unified_cgroup_hierarchy=0 berth.cgroup=v1" ;;
    hybrid) args="systemd.unified_cgroup_hierarchy=0 berth.cgroup=hybrid" ;;
    rootless) args="cgroup_no_v1=all berth.cgroup=v2 berth.user=rootless" ;;
    ext4) args="cgroup_no_v1=all berth.cgroup=v2 berth.state=ext4" ;; # /tmp on ext4
    *) fail "GUEST_SCRIPT_LAYOUTS: unknown layout '$layout' (v2, v1, hybrid, rootless, ext4)" ;;
    esac
    GUEST_WORK=$GUEST_WORK/$layout
    mkdir -p "$GUEST_WORK" || fail "mkdir $GUEST_WORK"
    trap guest_cleanup EXIT
    trap 'exit 1' INT TERM
    GUEST_SUITES=$(echo $scripts | tr ' ' ,) GUEST_TIMEOUT_S=${GUEST_TIMEOUT_S:-3000} \
        guest_run "$layout" "$args" "$([ "$layout" = ext4 ] && echo ext4)"
    echo "GUEST-TOOK $GUEST_TOOK"
}

# Up to $jobs guests at once, each writing to its own file; reported in the layouts' order.
out=$GUEST_WORK/out
mkdir -p "$out"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait; guest_cleanup' EXIT
for layout in $layouts; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    one "$layout" >"$out/$layout" 2>&1 &
    pids+=($!)
done
bad=0 i=0
for layout in $layouts; do
    wait "${pids[$i]}"
    rc=$?
    i=$((i + 1))
    cat "$out/$layout"
    results=$(grep -a '^  GUEST-SUITE \(PASS\|SKIP\|FAIL\) ' "$out/$layout" | sed 's/^  GUEST-SUITE //')
    took=$(sed -n 's/^GUEST-TOOK //p' "$out/$layout")
    if [ -z "$results" ]; then
        bad=$((bad + 1))
        echo "SUBTEST FAIL guest[$layout] no script ran in the guest (exit $rc)"
        continue
    fi
    # "PASS integration/x.sh (12s)", "SKIP integration/x.sh: reason", "FAIL integration/x.sh (...)"
    echo "$results" | sed -E "s#^(PASS|SKIP|FAIL) integration/([^ :]*)\.sh:?( SKIP:)?#SUBTEST \1 guest[$layout]/\2#"
    p=$(echo "$results" | grep -c '^PASS ') s=$(echo "$results" | grep -c '^SKIP ')
    f=$(echo "$results" | grep -c '^FAIL ')
    echo "guest $layout scripts: $p passed, $s skipped, $f failed, ${took:-?}s"
    bad=$((bad + f))
done
[ $bad -eq 0 ] || fail "$bad script(s) failed or did not run in the guests"
