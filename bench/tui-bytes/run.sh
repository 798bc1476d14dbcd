#!/bin/bash
# SPDX-License-Identifier: MIT
# The dashboard's cost, side by side with htop and btop in the same tmux geometry:
#   1. bytes written to the terminal per second in steady state (50 instances, 1 s refresh):
#      each tool runs in a private tmux server; after a warm-up, `tmux pipe-pane` records what
#      the tool writes to its pty for DURATION seconds (what an SSH link would carry);
#   2. berth's resident memory (VmRSS, VmHWM) with 1000 instances;
#   3. berth's frame build time with 1000 instances ($BERTH_TUI_STATS: werase .. doupdate).
# Instances are libvirt test-driver domains from a generated node file (test:///path).
# Env: BERTH_BIN (default ./berth), DURATION (default 30), GEOM (default 120x40), OUT (a file
# for the key=value results, default build/bench/tui-bytes.txt).
set -eu
cd "$(dirname "$0")/../.."
BERTH_BIN=${BERTH_BIN:-$PWD/berth}
DURATION=${DURATION:-30}
GEOM=${GEOM:-120x40}
W=${GEOM%x*} H=${GEOM#*x}
OUT=${OUT:-$PWD/build/bench/tui-bytes.txt}
WARMUP=5
SOCK=berth-bench-$$
TMP=$(mktemp -d /tmp/berth-bench-tui.XXXXXX)
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT
mkdir -p "$(dirname "$OUT")"
: >"$OUT"

node_xml() { # N -> test:///path with N running domains
    local f=$TMP/node$1.xml i
    {
        echo "<node>"
        for i in $(seq 1 "$1"); do
            printf "<domain type='test'><name>dom%04d</name><memory unit='MiB'>%d</memory>" "$i" $((256 + i % 7 * 128))
            printf "<vcpu>%d</vcpu><os><type arch='x86_64'>hvm</type></os></domain>\n" $((1 + i % 4))
        done
        echo "</node>"
    } >"$f"
    echo "test://$f"
}

cpu_ticks() { # utime + stime of a process, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}

# Run a command in a fresh W x H tmux session; record its pty output for DURATION seconds after
# the warm-up; print bytes per second and the process's CPU use over the same window (% of one
# CPU).
measure_bytes() {
    local name=$1 cmd=$2 log=$TMP/$1.bytes pid c0 c1 hz
    tmux -L "$SOCK" -f /dev/null new-session -d -s "$name" -x "$W" -y "$H" \
        "exec env -i PATH=$PATH HOME=$TMP/home TERM=tmux-256color LANG=C.UTF-8 BERTH_CONFIG=/dev/null BERTH_THEMES=$PWD/themes $cmd"
    sleep "$WARMUP"
    pid=$(tmux -L "$SOCK" display -p -t "$name" '#{pane_pid}')
    hz=$(getconf CLK_TCK)
    : >"$log"
    c0=$(cpu_ticks "$pid")
    tmux -L "$SOCK" pipe-pane -o -t "$name" "cat >> $log"
    sleep "$DURATION"
    tmux -L "$SOCK" pipe-pane -t "$name"
    c1=$(cpu_ticks "$pid")
    tmux -L "$SOCK" kill-session -t "$name"
    echo "$(($(stat -c %s "$log") / DURATION)) $(awk -v t=$((c1 - c0)) -v hz="$hz" -v d="$DURATION" 'BEGIN { printf "%.2f", 100 * t / hz / d }')"
}

mkdir -p "$TMP/home/.config/btop"
printf 'update_ms = 1000\n' >"$TMP/home/.config/btop/btop.conf" # btop's default is 2000
uri50=$(node_xml 50)

echo "== bytes/s to the terminal and CPU use, ${W}x${H}, 1 s refresh, ${DURATION}s after ${WARMUP}s warm-up"
run_tool() { # name label command
    local r
    if ! command -v "${3%% *}" >/dev/null; then
        echo "$1: not installed (scripts/install-deps.sh bench)"
        return
    fi
    r=$(measure_bytes "$1" "$3")
    echo "$1 ($2): ${r% *} B/s, CPU ${r#* }% of one CPU"
    echo "$1_bytes_per_s=${r% *}" >>"$OUT"
    echo "$1_cpu_pct=${r#* }" >>"$OUT"
}
run_tool berth "50 instances" \
    "$BERTH_BIN --no-containers -c $uri50 -d 1"
run_tool htop "host processes" "htop -d 10"
run_tool btop "host processes" "btop"

echo "== berth with 1000 instances: resident memory and frame build time"
uri1000=$(node_xml 1000)
stats=$TMP/stats
tmux -L "$SOCK" -f /dev/null new-session -d -s big -x "$W" -y "$H" \
    "env -i PATH=$PATH HOME=$TMP/home TERM=tmux-256color LANG=C.UTF-8 BERTH_CONFIG=/dev/null BERTH_TUI_STATS=$stats BERTH_THEMES=$PWD/themes $BERTH_BIN --no-containers -c $uri1000 -d 1"
sleep "$WARMUP"
pid=$(pgrep -n -f "$BERTH_BIN --no-containers -c $uri1000") || { echo "berth did not start"; exit 1; }
# Keys that rebuild the view and redraw: scroll, sort by each column, filter.
for i in $(seq 1 20); do
    tmux -L "$SOCK" send-keys -t big j j j j j PageDown '>'
    sleep 0.25
done
tmux -L "$SOCK" send-keys -t big End Home / d o m 0 0 Escape
sleep 2
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
tmux -L "$SOCK" send-keys -t big q
for i in $(seq 50); do [ -s "$stats" ] && break; sleep 0.1; done
val() { awk -v k="$1" '$1 == k {print $2}' "$stats"; }
frames=$(val frames) n=$(val instances)
echo "resident memory: VmRSS $((rss / 1024)) MiB ($rss KiB), peak VmHWM $((hwm / 1024)) MiB"
echo "frames: $frames with $n instances; build (werase..wnoutrefresh) p50 $(($(val frame_ns_p50) / 1000)) us," \
    "p95 $(($(val frame_ns_p95) / 1000)) us, avg $(($(val frame_ns_avg) / 1000)) us, max $(($(val frame_ns_max) / 1000)) us;" \
    "doupdate avg $(($(val output_ns_avg) / 1000)) us"
{
    echo "rss_kib_1000=$rss"
    echo "hwm_kib_1000=$hwm"
    for k in frames frame_ns_p50 frame_ns_p95 frame_ns_avg frame_ns_max output_ns_avg instances; do
        echo "${k}_1000=$(val $k)"
    done
} >>"$OUT"

# For reference: the same 1000 domains without the dashboard (berth --batch), i.e. what the
# in-process libvirt test driver and the libraries weigh by themselves.
"$BERTH_BIN" --batch --no-containers -c "$uri1000" -n 4 -d 1 -f csv >/dev/null &
bpid=$!
sleep 3
brss=$(awk '/^VmRSS/ {print $2}' "/proc/$bpid/status")
wait "$bpid"
echo "berth --batch with the same 1000 domains: VmRSS $((brss / 1024)) MiB ($brss KiB);" \
    "the dashboard's own share: $(((rss - brss) / 1024)) MiB"
echo "batch_rss_kib_1000=$brss" >>"$OUT"
echo "results: $OUT"
