#!/bin/bash
# SPDX-License-Identifier: MIT
# The dashboard's resident memory with N (default 1000) instances when the domains live where
# they do in real use: in a real libvirtd (qemu:///system), not in berth's own process as with
# libvirt's test driver (bench/tui-bytes). N shut-off domains are defined (one virsh process for
# all), the dashboard runs in tmux with the key sequence of bench/tui-bytes (scroll, sort by
# every column, jump, filter), and VmRSS/VmHWM are read from /proc; then `berth --batch` on the
# same connection for the libraries' share, and virt-top is not compared (it is not in Debian
# 12). Every domain is undefined at the end. Needs root and a libvirtd that can run here
# (scripts/libvirtd-setup.sh).
#   N=1000 bench/tui-rss/run.sh
set -eu
cd "$(dirname "$0")/../.."
BERTH_BIN=${BERTH_BIN:-$PWD/berth}
N=${N:-1000}
W=120 H=40
URI=qemu:///system
SOCK=berth-bench-rss-$$
PREFIX=berth-bench-rss-$$-
TMP=$(mktemp -d /tmp/berth-bench-rss.XXXXXX)
[ "$(id -u)" = 0 ] || { echo "bench/tui-rss: needs root" >&2; exit 1; }

mem_split() { # anonymous and file-backed resident KiB, and the proportional share (Pss)
    awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "RssAnon %d KiB, RssFile %d KiB", a, f}' "/proc/$1/status"
    awk '/^Pss:/ {printf ", Pss %d KiB", $2}' "/proc/$1/smaps_rollup"
}

undefine_all() {
    virsh -q -c "$URI" list --all --name 2>/dev/null | grep "^$PREFIX" | sed 's/^/undefine /' |
        paste -sd';' | { read -r cmds && [ -n "$cmds" ] && virsh -q -c "$URI" "$cmds" >/dev/null; } || true
}
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; undefine_all; rm -rf "$TMP"' EXIT

# No libvirtd here (exit 77 of the set-up): nothing to measure, and `make bench` goes on.
rc=0
out=$(scripts/libvirtd-setup.sh 2>&1) || rc=$?
[ $rc -ne 77 ] || { echo "bench/tui-rss: skipped: libvirtd cannot run here: ${out##*SKIP: }"; exit 0; }
[ $rc -eq 0 ] || { echo "bench/tui-rss: scripts/libvirtd-setup.sh failed: $out" >&2; exit 1; }
emulator=$(command -v qemu-system-x86_64)
echo "== $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); defining $N domains in $URI"
t0=$(date +%s.%N)
for i in $(seq 1 "$N"); do
    f=$TMP/d$i.xml
    printf "<domain type='qemu'><name>%s%04d</name><memory unit='MiB'>%d</memory><vcpu>%d</vcpu>" \
        "$PREFIX" "$i" $((256 + i % 7 * 128)) $((1 + i % 4)) >"$f"
    printf "<os><type arch='x86_64'>hvm</type></os><devices><emulator>%s</emulator></devices></domain>\n" \
        "$emulator" >>"$f"
    echo "define $f"
done | paste -sd';' >"$TMP/cmds"
virsh -q -c "$URI" "$(cat "$TMP/cmds")" >/dev/null
echo "defined in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s;" \
    "$(virsh -q -c "$URI" list --all --name | grep -c "^$PREFIX") of ours present"

stats=$TMP/stats
tmux -L "$SOCK" -f /dev/null new-session -d -s big -x "$W" -y "$H" \
    "env -i PATH=$PATH HOME=$TMP TERM=tmux-256color LANG=C.UTF-8 BERTH_CONFIG=/dev/null BERTH_TUI_STATS=$stats BERTH_THEMES=$PWD/themes $BERTH_BIN --no-containers -c $URI -d 1"
sleep 5
pid=$(pgrep -n -f "$BERTH_BIN --no-containers -c $URI -d 1") || { echo "berth did not start"; exit 1; }
for i in $(seq 1 20); do
    tmux -L "$SOCK" send-keys -t big j j j j j PageDown '>'
    sleep 0.25
done
tmux -L "$SOCK" send-keys -t big End Home / r s s Escape
sleep 2
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
split=$(mem_split "$pid")
tmux -L "$SOCK" send-keys -t big q
for i in $(seq 50); do [ -s "$stats" ] && break; sleep 0.1; done
n=$(awk '$1 == "instances" {print $2}' "$stats")
echo "dashboard, $n instances: VmRSS $((rss / 1024)) MiB ($rss KiB), peak VmHWM $((hwm / 1024)) MiB ($hwm KiB); $split"

"$BERTH_BIN" --batch --no-containers -c "$URI" -n 4 -d 1 -f csv >/dev/null &
bpid=$!
sleep 3
brss=$(awk '/^VmRSS/ {print $2}' "/proc/$bpid/status")
bsplit=$(mem_split "$bpid")
wait "$bpid"
echo "berth --batch, same connection: VmRSS $((brss / 1024)) MiB ($brss KiB);" \
    "the dashboard's own share: $(((rss - brss) / 1024)) MiB; $bsplit"

# A libvirt client for comparison: an interactive virsh that listed the same domains.
tmux -L "$SOCK" -f /dev/null new-session -d -s virsh -x "$W" -y "$H" "virsh -c $URI"
sleep 1
tmux -L "$SOCK" send-keys -t virsh "list --all" Enter
sleep 3
vpid=$(tmux -L "$SOCK" display -p -t virsh '#{pane_pid}')
echo "virsh (interactive, after 'list --all' of the same domains): VmRSS" \
    "$(($(awk '/^VmRSS/ {print $2}' "/proc/$vpid/status") / 1024)) MiB; $(mem_split "$vpid")"
