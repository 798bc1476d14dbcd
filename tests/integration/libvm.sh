# SPDX-License-Identifier: MIT
# Helpers for the vm_test_* shell tests (sourced; not a test itself).

# Write a test-driver node file with three domains (run1 running, off1 shut off, paused1 paused)
# and a storage pool under dir $1; print its test:/// URI.
vm_node_file() {
    local dir=$1
    mkdir -p "$dir/pool"
    cat >"$dir/node.xml" <<XML
<node>
  <cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes>
    <sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>
  <memory>8388608</memory>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>run1</name><memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>off1</name><memory>131072</memory><vcpu>2</vcpu><os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>paused1</name><memory>262144</memory><vcpu>1</vcpu><os><type>hvm</type></os>
    <test:runstate>3</test:runstate>
  </domain>
  <pool type='dir'><name>default</name><target><path>$dir/pool</path></target></pool>
</node>
XML
    echo "test://$dir/node.xml"
}

# Run berth, keeping stdout, stderr and the exit status in $out, $err, $rc.
run() {
    out=$("$BERTH_BIN" "$@" 2>"$tmp/stderr" </dev/null)
    rc=$?
    err=$(cat "$tmp/stderr")
}

# expect RC STDERR-SUBSTRING berth-args...: exit status and a one-line message.
expect() {
    local want_rc=$1 want_err=$2
    shift 2
    run "$@"
    [ "$rc" -eq "$want_rc" ] || fail "berth $*: exit $rc, expected $want_rc (stderr: $err)"
    case "$err" in *"$want_err"*) ;; *) fail "berth $*: stderr '$err' lacks '$want_err'" ;; esac
}

# silent_daemon SOCKET: a stand-in for a hung libvirtd (as one that is SIGSTOPped, or a remote
# host gone quiet behind a live socket): listens on the unix socket SOCKET, accepts every
# connection and never answers. Runs in the background; its pid is added to SILENT_PIDS (the
# caller kills them in its EXIT trap: silent_stop). Returns once the socket exists.
SILENT_PIDS=()
silent_daemon() {
    python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # never answer
PY
    SILENT_PIDS+=($!)
    local i
    for i in $(seq 50); do
        [ -S "$1" ] && return 0
        sleep 0.1
    done
    fail "the silent daemon on $1 did not start"
}

silent_stop() {
    local p
    for p in "${SILENT_PIDS[@]+"${SILENT_PIDS[@]}"}"; do
        kill "$p" 2>/dev/null
    done
    return 0
}
