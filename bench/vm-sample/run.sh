#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/vm-sample: the cost of one refresh of VM figures.
#  1. libvirt's test driver with 1, 100 and 1000 running domains (test:///<file> node XML made
#     here): berth's provider sample() vs the one bulk call it makes
#     (virConnectGetAllDomainStats) vs per-domain polling as virt-top does
#     (virConnectListAllDomains + one virDomainGetInfo per domain); median of REPS refreshes each,
#     all in one process (vmsample.c, linked with build/libberth.a).
#  2. The real libvirtd (qemu:///system, scripts/libvirtd-setup.sh) with RDOMS defined domains, one
#     of them a running guest: the same three timed, and the RPCs each sends per refresh, counted
#     from libvirt's client log (RPC_CLIENT_MSG_TX_QUEUE: one line per message the client sends).
# usage: bench/vm-sample/run.sh [REPS]   (REPS default 50; RDOMS=10 SIZES="1 100 1000")
# Output: plain lines for docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/../.."
REPS=${1:-50}
RDOMS=${RDOMS:-10}
SIZES=${SIZES-1 100 1000} # SIZES="" skips the test driver
OUT=$PWD/build/bench/vm-sample
mkdir -p "$OUT"

make -j2 --no-print-directory build/libberth.a >&2
PKGS="libvirt json-c ncursesw libseccomp"
# shellcheck disable=SC2046 # pkg-config output is a word list
cc -O2 -std=gnu11 -Isrc -D_GNU_SOURCE $(pkg-config --cflags $PKGS) -o "$OUT/vmsample" \
    bench/vm-sample/vmsample.c build/libberth.a $(pkg-config --libs $PKGS) -pthread -lm -lutil

# node_xml N FILE: a test-driver host with N running 1-vCPU, 64 MiB domains.
node_xml() {
    local n=$1 f=$2 i
    {
        echo "<node>"
        echo "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>"
        echo "    <active>2</active><mhz>2000</mhz><model>x86_64</model></cpu>"
        echo "  <memory>67108864</memory>"
        for i in $(seq "$n"); do
            printf '  <domain type="test"><name>bench-%04d</name>' "$i"
            printf '<uuid>%08x-0000-4000-8000-%012x</uuid>' "$i" "$i"
            echo '<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>'
        done
        echo "</node>"
    } >"$f"
}

echo "== machine: $(nproc) CPUs, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//'),"\
    "$(uname -r), libvirt $(pkg-config --modversion libvirt), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== test driver: median / min ms per refresh over $REPS refreshes (method domains median min)"
for n in $SIZES; do
    node_xml "$n" "$OUT/node-$n.xml"
    "$OUT/vmsample" "test://$OUT/node-$n.xml" "$REPS" berth bulk poll
done

# ---- the real libvirtd ----
if [ "$(id -u)" -ne 0 ] || ! scripts/libvirtd-setup.sh >/dev/null 2>&1; then
    echo "== real libvirtd: skipped (scripts/libvirtd-setup.sh cannot start libvirtd here)"
    exit 0
fi
eval "$(scripts/build-guest.sh 2>/dev/null)"
URI=qemu:///system
names=()
cleanup() {
    local d
    for d in "${names[@]+"${names[@]}"}"; do
        virsh -q -c "$URI" destroy "$d" >/dev/null 2>&1 || true
        virsh -q -c "$URI" undefine "$d" >/dev/null 2>&1 || true
    done
}
trap cleanup EXIT
for i in $(seq "$RDOMS"); do
    d=berth-bench-$$-$i
    names+=("$d")
    cat >"$OUT/dom.xml" <<EOF
<domain type='$(scripts/libvirtd-setup.sh accel)'><name>$d</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type><kernel>$KERNEL</kernel><initrd>$INITRD</initrd>
<cmdline>console=ttyS0 berth.mode=idle</cmdline></os>
<devices><serial type='pty'/><console type='pty'/><memballoon model='virtio'/></devices></domain>
EOF
    virsh -q -c "$URI" define "$OUT/dom.xml" >/dev/null
done
virsh -q -c "$URI" start "${names[0]}" >/dev/null
sleep 5 # let the guest boot
total=$(virsh -q -c "$URI" list --all --name | sed '/^$/d' | wc -l)
echo "== real libvirtd ($URI, $total domains, 1 running): median / min ms per refresh over $REPS refreshes"
"$OUT/vmsample" "$URI" "$REPS" berth bulk poll

# rpcs METHOD REFRESHES: messages the client sent (keepalive excluded) in a run of REFRESHES
# timed refreshes (+1 warm-up, + connection set-up); the per-procedure counts go to a file.
rpcs() {
    local log=$OUT/rpc-$1-$2.log
    rm -f "$log"
    LIBVIRT_LOG_OUTPUTS="2:file:$log" LIBVIRT_LOG_FILTERS="2:rpc.netclient" \
        "$OUT/vmsample" "$URI" "$2" "$1" >/dev/null
    # prog 536903814 = 0x20008086, the remote program; keepalive is another program.
    grep 'RPC_CLIENT_MSG_TX_QUEUE' "$log" | grep -c 'prog=536903814 '
    grep 'RPC_CLIENT_MSG_TX_QUEUE' "$log" | grep 'prog=536903814 ' |
        sed 's/.* proc=\([0-9]*\) .*/\1/' | sort -n | uniq -c >"$OUT/rpc-$1-$2.procs"
}
echo "== RPCs per refresh against $URI ($total domains): (messages in 21 refreshes - in 1) / 20"
for m in berth bulk poll; do
    a=$(rpcs "$m" 1)
    b=$(rpcs "$m" 21)
    echo "$m rpcs_per_refresh $(((b - a) / 20)) (run of 1: $a messages, run of 21: $b)"
    echo "   procedures in the run of 21 (count proc): $(tr -s ' \n' ' ' <"$OUT/rpc-$m-21.procs")"
done
