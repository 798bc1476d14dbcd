#!/bin/bash
# SPDX-License-Identifier: MIT
# berth vm console on a real guest, driven through a pty: the guest's shell answers a command,
# a reboot while attached shows the guest's boot banner (BERTH-GUEST-READY), Ctrl-] detaches
# with exit status 0 and the terminal's modes restored.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

vm_name dom con
vm_create "$dom" idle
berth vm start "$dom" || fail "berth vm start failed"
vm_wait_ready "$dom" 120

# The command under the pty records the terminal modes before and after berth.
wrapper="stty -g >'$VM_TMP/stty.before'; '$BERTH_BIN' -c '$URI' vm console '$dom';
 echo console-exit=\$?; stty -g >'$VM_TMP/stty.after'"
ptyrun "$VM_TMP/console.log" \
    expect:'Ctrl-]:20' \
    poke:'berth-guest#:30' \
    send:'echo BERTH-$((40+2))-OK\r' expect:'BERTH-42-OK:20' \
    run:"'$BERTH_BIN' -c '$URI' vm reboot '$dom'" \
    expect:'BERTH-GUEST-READY mode=idle:120' \
    poke:'berth-guest#:30' \
    send:'\x1d' expect:'console-exit=0:15' exit:10 \
    -- sh -c "$wrapper" >"$VM_TMP/ptyrun.out" 2>&1
rc=$?
cat "$VM_TMP/ptyrun.out"
if [ $rc -ne 0 ]; then
    echo "--- console transcript (last 1500 bytes):"
    tail -c 1500 "$VM_TMP/console.log" | tr -d '\r'
    fail "berth vm console session did not go as expected"
fi
grep -q 'ptyrun: exit 0' "$VM_TMP/ptyrun.out" || fail "the pty's shell did not exit 0"
[ -s "$VM_TMP/stty.before" ] && [ -s "$VM_TMP/stty.after" ] || fail "terminal modes not recorded"
cmp -s "$VM_TMP/stty.before" "$VM_TMP/stty.after" ||
    fail "terminal modes not restored: before $(cat "$VM_TMP/stty.before") after $(cat "$VM_TMP/stty.after")"
[ "$(virsh_state "$dom")" = running ] || fail "detaching changed the domain: $(virsh_state "$dom")"

# A console on a domain that is not running: one-line error, non-zero exit.
berth vm destroy "$dom" || fail "berth vm destroy failed"
if berth vm console "$dom" </dev/null >"$VM_TMP/c2.out" 2>"$VM_TMP/c2.err"; then
    fail "berth vm console on a shut-off domain exited 0"
fi
[ "$(wc -l <"$VM_TMP/c2.err")" -ge 1 ] || fail "no error for console on a shut-off domain"
note "console on a shut-off domain: $(cat "$VM_TMP/c2.err")"
echo "PASS: console: shell answers, reboot banner seen, Ctrl-] detaches with status 0, modes restored"
