# SPDX-License-Identifier: MIT
# Helpers for the dashboard tests (sourced, not a test): the real berth in a private tmux
# server, driven with send-keys and read with capture-pane.
#   . "$BERTH_SRC/tests/tui/lib_tui.sh"
#   tui_start 120 40 -c test:///default     # berth runs inside a shell in the pane
#   tui_wait '^vm +test +running'            # wait for a regex in the pane (default 15 s)
#   tui_keys q; tui_wait_exit                # quit, wait for the shell's EXIT= line

: "${BERTH_BIN:?BERTH_BIN must point at the berth binary}"
: "${BERTH_SRC:?BERTH_SRC must point at the repository}"

TUI_SOCK=berth-test-$$
TUI_TMP=$(mktemp -d /tmp/berth-tui-test.XXXXXX)
TUI_T=t

fail() {
    echo "FAIL: $*" >&2
    if [ -n "${TUI_STARTED:-}" ]; then
        echo "--- screen:" >&2
        tui_cap >&2 || true
        echo "--- (the failure above the screen: $*)" >&2
    fi
    exit 1
}

skip() {
    echo "SKIP: $*"
    exit 77
}

tui_cleanup() {
    tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true
    rm -rf "$TUI_TMP" 2>/dev/null || { sleep 0.5; rm -rf "$TUI_TMP"; }
}
trap tui_cleanup EXIT

# For a dashboard test with real containers: root, berth's containers available, then
# tests/integration/lib_ctr.sh (BERTH_ROOT, ROOTFS, P, ctr_cleanup) with this library's
# fail/skip kept (they show the screen), and a trap that cleans up both.
tui_ctr_setup() {
    [ "$(id -u)" = 0 ] || skip "needs root (containers use namespaces and cgroups)"
    local out tui_skip tui_fail
    out=$("$BERTH_BIN" ctr ls 2>&1) || skip "berth ctr is not available in this build: $out"
    tui_skip=$(declare -f skip) tui_fail=$(declare -f fail)
    . "$BERTH_SRC/tests/integration/lib_ctr.sh"
    eval "$tui_skip"
    eval "$tui_fail"
    trap 'tui_cleanup; ctr_cleanup' EXIT
}

command -v tmux >/dev/null || skip "tmux is not installed"

# Start a shell in a W x H pane, then berth with the given arguments in it. The shell prints
# EXIT=<status> when berth ends. Environment: a private empty config, the repository's themes,
# UTF-8 unless TUI_LANG says otherwise, TERM from TUI_TERM (default tmux's "screen").
tui_start() {
    local w=$1 h=$2
    shift 2
    : >"$TUI_TMP/config"
    tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_T" -x "$w" -y "$h" \
        "env -i PATH=$PATH HOME=$TUI_TMP TERM=${TUI_TERM:-screen} LANG=${TUI_LANG:-C.UTF-8} \
        BERTH_CONFIG=${TUI_CONFIG:-$TUI_TMP/config} BERTH_THEMES=$BERTH_SRC/themes \
        ${TUI_ENV:-} PS1='$ ' bash --norc --noprofile -i" || fail "tmux did not start"
    tmux -L "$TUI_SOCK" set -g window-size manual >/dev/null
    tmux -L "$TUI_SOCK" set -g remain-on-exit on >/dev/null
    TUI_STARTED=1
    local args="" a
    for a in "$@"; do args="$args '$a'"; done
    tmux -L "$TUI_SOCK" send-keys -t "$TUI_T" \
        "stty -a > $TUI_TMP/stty.before; $BERTH_BIN$args 2>$TUI_TMP/stderr; echo EXIT=\$?" Enter
}

tui_cap() {
    tmux -L "$TUI_SOCK" capture-pane -p -t "$TUI_T"
}

# With colour and attribute escape sequences.
tui_cap_e() {
    tmux -L "$TUI_SOCK" capture-pane -p -e -t "$TUI_T"
}

tui_keys() {
    tmux -L "$TUI_SOCK" send-keys -t "$TUI_T" "$@"
}

# Literal bytes, e.g. a mouse report.
tui_raw() {
    tmux -L "$TUI_SOCK" send-keys -t "$TUI_T" -l "$1"
}

tui_resize() {
    tmux -L "$TUI_SOCK" resize-window -t "$TUI_T" -x "$1" -y "$2"
}

tui_display() {
    tmux -L "$TUI_SOCK" display -p -t "$TUI_T" "$1"
}

# Wait until the pane shows a line matching the extended regex; fail after the time-out.
tui_wait() {
    local re=$1 secs=${2:-15} i
    for i in $(seq $((secs * 10))); do
        tui_cap | grep -Eq -- "$re" && return 0
        sleep 0.1
    done
    fail "timed out after ${secs}s waiting for /$re/"
}

# Wait until no line matches.
tui_wait_gone() {
    local re=$1 secs=${2:-15} i
    for i in $(seq $((secs * 10))); do
        tui_cap | grep -Eq -- "$re" || return 0
        sleep 0.1
    done
    fail "timed out after ${secs}s waiting for /$re/ to go away"
}

# The line of the list that shows instance NAME.
tui_row() {
    tui_cap | grep -E "^(vm|ctr) +$1 " | head -1
}

# Wait for berth to end; its exit status in TUI_EXIT.
tui_wait_exit() {
    tui_wait '^EXIT=[0-9]+' "${1:-10}"
    TUI_EXIT=$(tui_cap | grep -Eo '^EXIT=[0-9]+' | tail -1 | cut -d= -f2)
}

# The screen shows the dashboard's frame: header, column titles, F-key bar.
tui_check_frame() {
    local s
    s=$(tui_cap)
    echo "$s" | head -1 | grep -q '^ berth' || fail "header line missing ($1)"
    echo "$s" | grep -Eq '^ *KIND +NAME|^ *NAME' || fail "column titles missing ($1)"
    echo "$s" | grep -q 'F1Help' || fail "F-key bar missing ($1)"
    [ "$(echo "$s" | grep -c '^ berth')" -eq 1 ] || fail "header drawn twice ($1)"
}

# libvirt's test driver through berth: skip (with the reason) when this build has no libvirt
# provider yet.
need_test_driver() {
    local out
    # The exit status is not used: a sanitizer build may report a leak at exit.
    out=$("$BERTH_BIN" --batch --no-containers -c test:///default -f json -n 1 -d 0.1 2>&1)
    echo "$out" | grep -q '"name": *"test"' ||
        skip "berth --batch shows no 'test' domain on test:///default: $(echo "$out" | tail -1)"
}

# Write a libvirt test-driver node file with the given domains ("name:memMiB:vcpus" each) and
# print its test:/// URI. The domains start running.
tui_node_xml() {
    local f=$TUI_TMP/node.xml spec name mem vcpus
    {
        echo "<node>"
        for spec in "$@"; do
            IFS=: read -r name mem vcpus <<<"$spec"
            cat <<XML
  <domain type='test'>
    <name>$name</name>
    <memory unit='MiB'>$mem</memory>
    <currentMemory unit='MiB'>$mem</currentMemory>
    <vcpu>$vcpus</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
XML
        done
        echo "</node>"
    } >"$f"
    echo "test://$f"
}
