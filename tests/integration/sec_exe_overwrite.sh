#!/bin/bash
# SPDX-License-Identifier: MIT
# The CVE-2019-5736 attack on `berth ctr exec`: the container's command is a script whose
# interpreter is /proc/self/exe, so the joining berth process would exec the host's berth binary
# inside the container, while a process in the container hunts /proc/*/exe and tries to open
# every exe it can reach for writing. The host binary must come out unchanged and no write-open
# may succeed. The attack runs against a copy of berth, so a failure damages only the copy.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

bin=$SEC_WORK/berth-copy
cp "$BERTH_BIN" "$bin"
before=$(sha256sum <"$bin")
printf '#!/proc/self/exe\n' >"$ROOTFS/bin/evil"
chmod 755 "$ROOTFS/bin/evil"

n=$(sec_name exe)
SEC_EXTRA_CLEANUP="'$bin' ctr rm -f '$n' >/dev/null 2>&1"
"$bin" ctr run -d "$n" --rootfs "$ROOTFS" -- probe exe-hunt 600 || fail "run -d"
sleep 0.5
evil_ran=0
for i in $(seq 1 15); do
    "$bin" ctr inspect "$n" | grep -q '"running"' || fail "the container stopped before the attack ended"
    timeout 20 "$bin" ctr exec "$n" -- /bin/evil >"$SEC_WORK/evil.out" 2>&1 && evil_ran=1
    timeout 20 "$bin" ctr exec "$n" -- sleep 0.3 >/dev/null 2>&1
done
echo "last /bin/evil exec: $(cat "$SEC_WORK/evil.out")"
# The attack is over: the hunter stops after its round (it hunts until told, not for a fixed
# time, so a slow machine, e.g. a TCG guest, cannot end it before the attack).
# The exec's own status is moot: the hunter is the container's pid 1, and once it sees the file
# it ends, which may kill the touch before the touch exits (seen in the TCG guests). Whether the
# hunter got the word shows below as its "hunt-done".
"$bin" ctr exec "$n" -- touch /tmp/hunt-stop >/dev/null 2>&1
# Wait for the hunter to finish its rounds (bounded).
for i in $(seq 1 80); do
    "$bin" ctr logs "$n" 2>/dev/null | grep -q hunt-done && break
    sleep 0.5
done
log=$("$bin" ctr logs "$n" 2>&1)
echo "$log" | sort | uniq -c | head -20
echo "$log" | grep -q hunt-done || fail "the hunter did not finish"
# The hunter did watch the exec'd processes (busybox's sleep), so it would have seen berth's.
echo "$log" | grep -q "seen-exe /bin/busybox" || fail "the hunter never saw an exec'd process"
if echo "$log" | grep -q WROTE-OPEN; then
    fail "a process in the container opened the runtime's exe for writing: $(echo "$log" | grep WROTE-OPEN | head -3)"
fi
if [ $evil_ran -eq 1 ] || echo "$log" | grep -q host-exe; then
    echo "note: the runtime's binary was reachable from inside; writing it was still refused"
else
    echo "ok: the #!/proc/self/exe script never ran the runtime's binary inside the container"
fi
after=$(sha256sum <"$bin")
expect "berth binary checksum" "$after" "$before"
echo "PASS"
