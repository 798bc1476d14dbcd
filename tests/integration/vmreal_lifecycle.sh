#!/bin/bash
# SPDX-License-Identifier: MIT
# Every state transition of a real guest on a real libvirtd, as berth vm info --format json,
# berth --batch -f json and virsh all see it: create, start, suspend, resume, reboot, shutdown
# (ACPI), start, destroy, rm.
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

vm_name dom life
vm_create "$dom" idle
expect_state "$dom" stopped "shut off"
berth vm ls --format json >"$VM_TMP/ls.json" || fail "berth vm ls --format json failed"
[ "$(json_get "$VM_TMP/ls.json" "[d['state'] for d in j['domains'] if d['name'] == '$dom']")" = "['stopped']" ] ||
    fail "berth vm ls does not list $dom as stopped: $(cat "$VM_TMP/ls.json")"

berth vm start "$dom" || fail "berth vm start failed"
expect_state "$dom" running running
vm_wait_ready "$dom" 120

berth vm suspend "$dom" || fail "berth vm suspend failed"
expect_state "$dom" paused paused
berth vm resume "$dom" || fail "berth vm resume failed"
expect_state "$dom" running running

# reboot: ACPI, the guest powers off, libvirt resets it; the domain stays running and libvirt
# emits a reboot event; the guest's shell answers again afterwards.
bg timeout 120 virsh -c "$URI" event --domain "$dom" --event reboot --timeout 100 >"$VM_TMP/reboot.ev" 2>&1
ev_pid=$BG_PID
sleep 1
berth vm reboot "$dom" || fail "berth vm reboot failed"
wait "$ev_pid"
grep -q "event 'reboot' for domain '$dom'" "$VM_TMP/reboot.ev" ||
    fail "no reboot event from libvirt after berth vm reboot: $(cat "$VM_TMP/reboot.ev")"
expect_state "$dom" running running
vm_wait_ready "$dom" 120

# shutdown: ACPI power button; berth waits (-t) and must not need to force it.
berth vm shutdown "$dom" -t 60 >"$VM_TMP/shutdown.out" 2>&1 || fail "berth vm shutdown failed: $(cat "$VM_TMP/shutdown.out")"
wait_virsh_state "$dom" "shut off" 60
expect_state "$dom" stopped "shut off"
reason=$(virsh_ domstate --reason "$dom")
[ "$reason" = "shut off (shutdown)" ] || fail "the guest was not shut down by ACPI: virsh says '$reason' ($(cat "$VM_TMP/shutdown.out"))"
json_reason=$(vm_info "$dom" >"$VM_TMP/i.json" && json_get "$VM_TMP/i.json" 'j["state_reason"]')
note "after shutdown: state_reason $json_reason"

berth vm start "$dom" || fail "second berth vm start failed"
expect_state "$dom" running running
berth vm destroy "$dom" || fail "berth vm destroy failed"
expect_state "$dom" stopped "shut off"
reason=$(virsh_ domstate --reason "$dom")
[ "$reason" = "shut off (destroyed)" ] || fail "after destroy virsh says '$reason'"

# rm refuses a running domain, then undefines a stopped one.
berth vm start "$dom" || fail "third berth vm start failed"
if berth vm rm "$dom" 2>"$VM_TMP/rm.err"; then
    fail "berth vm rm removed a running domain"
fi
note "rm of a running domain refused: $(cat "$VM_TMP/rm.err")"
[ "$(virsh_state "$dom")" = running ] || fail "refused rm changed the domain: $(virsh_state "$dom")"
berth vm destroy "$dom" || fail "berth vm destroy failed"
berth vm rm "$dom" || fail "berth vm rm failed"
if virsh_ dominfo "$dom" >/dev/null 2>&1; then fail "$dom still defined after berth vm rm"; fi
[ "$(batch_state "$dom")" = absent ] || fail "berth --batch still shows $dom after rm"
if berth vm info "$dom" --format json >/dev/null 2>"$VM_TMP/info.err"; then
    fail "berth vm info succeeded on a removed domain"
fi
note "info after rm: $(cat "$VM_TMP/info.err")"
echo "PASS: lifecycle create/start/suspend/resume/reboot/shutdown/destroy/rm"
