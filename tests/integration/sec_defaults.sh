#!/bin/bash
# SPDX-License-Identifier: MIT
# A default container, seen from inside: seccomp filter mode, no_new_privs, Docker's 14
# capabilities, the blocked syscalls (keyctl, mount, unshare, setns, namespace clone, clone3,
# io_uring, bpf, AF_ALG/AF_VSOCK sockets, unusual personalities), masked and read-only /proc
# and /sys paths; and `berth ctr exec` getting exactly the same as the container's init.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

n=$(sec_name defaults)
out=$(sec_run "$n" -- sh -c 'cat /proc/self/status; echo ---
for c in keyctl add_key mount unshare setns clone-ns clone3 io_uring bpf; do
  echo "$c=$(probe $c)"; done
echo "alg=$(probe socket 38 5)"; echo "vsock=$(probe socket 40 1)"; echo "unix=$(probe socket 1 1)"
echo "inet=$(probe socket 2 2)"; echo "pers-linux=$(probe personality 0)"
echo "pers-query=$(probe personality 0xffffffff)"; echo "pers-noaslr=$(probe personality 0x0040000)"
echo "kcore=$(cat /proc/kcore 2>/dev/null | wc -c)"; echo "keys=$(cat /proc/keys | wc -c)"
echo "timer_list=$(cat /proc/timer_list | wc -c)"; echo "sched_debug=$(cat /proc/sched_debug 2>/dev/null | wc -c)"
echo "firmware=$(ls -A /sys/firmware | wc -l)"
echo "acpi=$(ls -A /proc/acpi 2>/dev/null | wc -l)"
echo "sysctl=$(probe open-write /proc/sys/kernel/domainname)"
echo "irq=$(probe open-write /proc/irq/default_smp_affinity)"
echo "sysrq=$(probe open-write /proc/sysrq-trigger)"')
echo "$out"
expect "Seccomp" "$(status_field "$out" Seccomp)" 2
expect "NoNewPrivs" "$(status_field "$out" NoNewPrivs)" 1
for f in CapEff CapPrm CapBnd; do expect "$f" "$(status_field "$out" $f)" 00000000a80425fb; done
for f in CapInh CapAmb; do expect "$f" "$(status_field "$out" $f)" 0000000000000000; done
val() { printf '%s\n' "$out" | sed -n "s/^$1=//p"; }
for c in keyctl add_key mount unshare setns clone-ns io_uring bpf alg vsock pers-noaslr; do
    expect "$c" "$(val $c)" EPERM
done
expect clone3 "$(val clone3)" ENOSYS
for c in unix inet pers-linux pers-query; do expect "$c" "$(val $c)" ok; done
for f in kcore keys timer_list sched_debug firmware acpi; do expect "$f bytes/entries" "$(val $f)" 0; done
expect "/proc/sys write" "$(val sysctl)" EROFS
expect "/proc/irq write" "$(val irq)" EROFS
case "$(val sysrq)" in EROFS | ENOENT) echo "ok: sysrq-trigger not writable ($(val sysrq))" ;;
*) fail "/proc/sysrq-trigger: $(val sysrq)" ;; esac

# exec: same filter, capabilities and no_new_privs as init.
n2=$(sec_name exec)
"$BERTH_BIN" ctr run -d "$n2" --rootfs "$ROOTFS" -- sleep 600 || fail "run -d"
init=$("$BERTH_BIN" ctr exec "$n2" -- sh -c 'grep -E "^(Seccomp|NoNewPrivs|Cap[A-Za-z]+):" /proc/1/status')
ex=$("$BERTH_BIN" ctr exec "$n2" -- sh -c 'grep -E "^(Seccomp|NoNewPrivs|Cap[A-Za-z]+):" /proc/self/status')
echo "init: $init"
echo "exec: $ex"
[ -n "$init" ] || fail "cannot read the init's status from exec"
expect "exec status = init status" "$ex" "$init"
expect "exec Seccomp" "$(status_field "$ex" Seccomp)" 2
expect "exec keyctl" "$("$BERTH_BIN" ctr exec "$n2" -- probe keyctl)" EPERM
expect "exec mount" "$("$BERTH_BIN" ctr exec "$n2" -- probe mount)" EPERM
expect "exec unshare" "$("$BERTH_BIN" ctr exec "$n2" -- probe unshare)" EPERM
echo "PASS"
