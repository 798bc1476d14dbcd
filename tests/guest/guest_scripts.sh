#!/bin/bash
# SPDX-License-Identifier: MIT
# The project's own integration scripts (tests/integration/$GUEST_SCRIPTS) run inside the guest,
# per cgroup layout in $GUEST_SCRIPT_LAYOUTS, with the host's bash, python3, cc and the rest
# shared read-only over virtiofs (docs/TESTING-GUESTS.md). Defaults: ctr_limits in the pure v2
# guest (about 3 minutes under TCG here). Each script must pass or skip with
# its reason; `make guest GUEST_SCRIPTS='ctr_* sec_*' GUEST_SCRIPT_LAYOUTS='v2 v1 hybrid'` runs
# the container and security suites in full (hours under TCG).
set -u -f # GUEST_SCRIPTS holds globs for the guest
. "$BERTH_SRC/tests/guest/lib_guest.sh"
scripts=${GUEST_SCRIPTS:-ctr_limits}
bad=0
for layout in ${GUEST_SCRIPT_LAYOUTS:-v2}; do
    case $layout in
    v2) args="cgroup_no_v1=all berth.cgroup=v2" ;;
    v1) args="systemd.unified_cgroup_hierarchy=0 berth.cgroup=v1" ;;
    hybrid) args="systemd.unified_cgroup_hierarchy=0 berth.cgroup=hybrid" ;;
    *) fail "GUEST_SCRIPT_LAYOUTS: unknown layout '$layout' (v2, v1, hybrid)" ;;
    esac
    GUEST_SUITES=$(echo $scripts | tr ' ' ,) GUEST_TIMEOUT_S=${GUEST_TIMEOUT_S:-1800} \
        guest_run "$layout" "$args"
    results=$(tr -d '\r' <"$GUEST_LOG" | grep -a '^GUEST-SUITE \(PASS\|SKIP\|FAIL\) ')
    [ -n "$results" ] || { bad=$((bad + 1)); echo "guest $layout: no script ran"; continue; }
    p=$(echo "$results" | grep -c ' PASS ') s=$(echo "$results" | grep -c ' SKIP ')
    f=$(echo "$results" | grep -c ' FAIL ')
    echo "guest $layout scripts: $p passed, $s skipped, $f failed, ${GUEST_TOOK}s"
    bad=$((bad + f))
done
[ $bad -eq 0 ] || fail "$bad script(s) failed or did not run in the guests"
