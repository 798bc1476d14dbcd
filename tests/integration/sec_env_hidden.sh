#!/bin/bash
# SPDX-License-Identifier: MIT
# --env values are not shown to other local users. Before: the monitor, forked from the CLI,
# kept the CLI's command line, and `ps` showed `--env DB_PASSWORD=...` to everyone. Now the
# monitor's /proc/PID/cmdline is "berth-monitor NAME", no process shows the value, config.json
# is 0600 in directories closed to others, and --env-file keeps values off every command line;
# the environment still reaches the container.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup
command -v setpriv >/dev/null || skip "setpriv missing"

secret="xyzS$$cret"
# cmdline_hits VALUE: pids whose command line contains VALUE (the value is passed in the
# environment, so the scanner's own command line does not hold it).
cmdline_hits() {
    V="$1" python3 -c '
import os
v = os.environ["V"].encode()
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            c = open("/proc/%s/cmdline" % p, "rb").read()
        except OSError:
            continue
        if v in c:
            print(p, c.replace(b"\0", b" ").decode(errors="replace"))'
}
state_field() {
    "$BERTH_BIN" ctr inspect "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['runtime']['$2'])"
}

n=$(sec_name env)
"$BERTH_BIN" ctr run -d "$n" --env SECRET="$secret" --rootfs "$ROOTFS" -- sleep 600 >/dev/null ||
    fail "run -d --env"
mon=$(state_field "$n" monitor_pid)
[ "$mon" -gt 0 ] || fail "no monitor pid"
title=$(tr '\0' ' ' </proc/"$mon"/cmdline | sed 's/ *$//')
echo "monitor $mon: $title"
hits=$(cmdline_hits "$secret")
[ -z "$hits" ] || fail "the --env value is in a command line: $hits"
expect "monitor's command line" "$title" "berth-monitor $n"
expect "SECRET in the container" "$("$BERTH_BIN" ctr exec "$n" -- sh -c 'echo "$SECRET"')" "$secret"

# config.json: 0600, in directories no one else may read; with the directories opened for
# traversal, another user still cannot read it.
def=$BERTH_ROOT/lib/containers/$n
expect "config.json mode" "$(stat -c %a "$def/config.json")" 600
for d in "$BERTH_ROOT/lib/containers" "$def"; do
    m=$(stat -c %a "$d")
    case "$m" in *[1-7]) fail "$d is mode $m: open to others" ;; esac
done
echo "ok: definition directories closed to others"
chmod o+x "$SEC_WORK" "$BERTH_ROOT" "$BERTH_ROOT/lib" "$BERTH_ROOT/lib/containers" "$def"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups cat "$def/config.json" 2>&1) &&
    fail "another user read config.json"
case "$out" in *"$secret"*) fail "another user read the secret" ;; esac
echo "ok: uid 65534 cannot read config.json: $out"
chmod o-x "$SEC_WORK" "$BERTH_ROOT" "$BERTH_ROOT/lib" "$BERTH_ROOT/lib/containers" "$def"

# --env-file: K=V lines, comments, K alone from the caller's environment.
n2=$(sec_name envfile)
printf '# a comment\n\nFILE_SECRET=%s-f\nFROM_CALLER\nNOT_SET_ANYWHERE\n' "$secret" >"$SEC_WORK/env"
FROM_CALLER="$secret-c" "$BERTH_BIN" ctr run -d "$n2" --env-file "$SEC_WORK/env" --rootfs "$ROOTFS" -- sleep 600 >/dev/null ||
    fail "run -d --env-file"
got=$("$BERTH_BIN" ctr exec "$n2" -- sh -c 'echo "$FILE_SECRET $FROM_CALLER ${NOT_SET_ANYWHERE-unset}"')
expect "--env-file values in the container" "$got" "$secret-f $secret-c unset"
hits=$(cmdline_hits "$secret")
[ -z "$hits" ] || fail "an --env-file value is in a command line: $hits"
echo "ok: no command line shows the values"
msg=$("$BERTH_BIN" ctr create "$(sec_name badenv)" --env-file "$SEC_WORK/nonexistent" --rootfs "$ROOTFS" 2>&1) &&
    fail "a missing env file was accepted"
[ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] || fail "missing env file: more than one line: $msg"
echo "ok: $msg"
echo "PASS"
