# SPDX-License-Identifier: MIT
# Helpers for the VM shell tests (sourced; not a test itself), on top of lib.sh (fail, skip,
# need_root, pyjson):
#   - vm_test_*.sh against libvirt's test driver (no daemon): vm_node_file, run, expect, and
#     silent_daemon / silent_stop (a stand-in for a hung libvirtd). These tests keep their own
#     $tmp directory and EXIT trap.
#   - vmreal_*.sh against a real libvirtd (scripts/libvirtd-setup.sh) and the tiny guest
#     (scripts/build-guest.sh): call vm_setup first. Every domain a test makes is named
#     berth-test-$$-<suffix>, registered with vm_name, and destroyed + undefined by the EXIT trap
#     (vm_cleanup), which also resumes a SIGSTOPped libvirtd and ends the test's background
#     processes (bg).
. "$BERTH_SRC/tests/integration/lib.sh"

URI=qemu:///system

note() { echo "# $*"; }

# ======== libvirt's test driver (vm_test_*) ========

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

# ======== a real libvirtd (vmreal_*) ========

virsh_() { timeout 60 virsh -q -c "$URI" "$@"; }
berth() { "$BERTH_BIN" -c "$URI" "$@"; }

libvirtd_pid() {
    local pid
    pid=$(tr -dc 0-9 </run/libvirtd.pid 2>/dev/null)
    [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = libvirtd ] && echo "$pid"
}

# Resume libvirtd if a test stopped it (state T); harmless otherwise.
libvirtd_cont() {
    local pid
    pid=$(libvirtd_pid) && kill -CONT "$pid" 2>/dev/null
    return 0
}

vm_cleanup() {
    local rc=$? p n
    trap - EXIT
    libvirtd_cont
    for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
        # `bg berth ...` runs the berth() function in a subshell: its pid is the subshell's,
        # and berth is its child, which would outlive a kill of the subshell alone
        pkill -TERM -P "$p" 2>/dev/null
        kill "$p" 2>/dev/null
    done
    for n in "${VM_NAMES[@]+"${VM_NAMES[@]}"}"; do
        timeout 60 virsh -q -c "$URI" destroy "$n" >/dev/null 2>&1
        timeout 60 virsh -q -c "$URI" undefine --snapshots-metadata "$n" >/dev/null 2>&1
        rm -f "/var/log/libvirt/qemu/$n-serial0.log" # vm create's serial log (left by remove)
        if timeout 30 virsh -q -c "$URI" dominfo "$n" >/dev/null 2>&1; then
            echo "cleanup: domain $n is still defined" >&2
            [ $rc -eq 0 ] && rc=1
        fi
    done
    rm -rf "$VM_TMP"
    exit $rc
}

# The first call of every vmreal_* test: set -u, the test's VM_TMP directory and the EXIT trap
# (vm_cleanup), then start libvirtd and build the guest; skip only when libvirtd cannot run on
# this machine. Sets KERNEL and INITRD.
vm_setup() {
    local out rc
    set -u
    VM_NAMES=()
    BG_PIDS=()
    VM_TMP=$(mktemp -d /tmp/berth-vmreal.XXXXXX)
    chmod 755 "$VM_TMP" # QEMU runs as libvirt-qemu and must reach disk images kept here
    trap vm_cleanup EXIT
    trap 'exit 130' INT TERM HUP
    out=$("$BERTH_SRC"/scripts/libvirtd-setup.sh 2>&1)
    rc=$?
    [ $rc -eq 77 ] && skip "libvirtd cannot run here: ${out##*SKIP: }"
    [ $rc -eq 0 ] || fail "scripts/libvirtd-setup.sh failed (exit $rc): $out"
    note "$(echo "$out" | tail -1)"
    # The domain type the setup script decided (a KVM boot probe, else TCG): VM_ACCEL.
    VM_ACCEL=$(echo "$out" | sed -n "s/.*guests use domain type '\([a-z]*\)'.*/\1/p" | tail -1)
    [ -n "$VM_ACCEL" ] || fail "scripts/libvirtd-setup.sh did not say the domain type: $out"
    out=$("$BERTH_SRC"/scripts/build-guest.sh 2>"$VM_TMP/build-guest.err")
    rc=$?
    [ $rc -eq 77 ] && skip "cannot build the test guest: ${out##*SKIP: }"
    [ $rc -eq 0 ] || fail "scripts/build-guest.sh failed (exit $rc): $(cat "$VM_TMP/build-guest.err")"
    eval "$out"
    [ -r "${KERNEL:-}" ] && [ -r "${INITRD:-}" ] || fail "build-guest.sh gave no kernel/initrd: $out"
    [ -x "$BERTH_BIN" ] || fail "BERTH_BIN '$BERTH_BIN' is not executable"
}

# vm_private_pool: a transient directory storage pool berth-test-<pid>-pool on $VM_TMP/pool, its
# name in POOL; the EXIT trap destroys it before vm_cleanup (the files go with VM_TMP).
vm_private_pool() {
    POOL=berth-test-$$-pool
    mkdir -m 755 "$VM_TMP/pool" || fail "mkdir $VM_TMP/pool"
    virsh_ pool-create-as "$POOL" dir --target "$VM_TMP/pool" >/dev/null || fail "pool-create-as $POOL failed"
    trap vm_pool_cleanup EXIT
}
vm_pool_cleanup() {
    local rc=$?
    timeout 60 virsh -q -c "$URI" pool-destroy "$POOL" >/dev/null 2>&1
    (exit $rc)
    vm_cleanup
}

# vm_name VAR SUFFIX: set VAR to a unique domain name, registered for clean-up (not in $(...):
# the registration must happen in the test's own shell).
vm_name() {
    printf -v "$1" '%s' "berth-test-$$-$2"
    VM_NAMES+=("berth-test-$$-$2")
}

# vm_create NAME MODE [extra berth vm create options...]: a 128 MiB, 1 vCPU guest of the type the
# setup script decided (VM_ACCEL); on KVM with CPU model qemu64, the one its boot probe proved.
vm_create() {
    local name=$1 mode=$2 cpu=()
    shift 2
    [ "${VM_ACCEL:-}" = kvm ] && cpu=(--cpu qemu64)
    berth vm create "$name" --memory 128M --vcpus 1 --kernel "$KERNEL" --initrd "$INITRD" \
        --cmdline "console=ttyS0 berth.mode=$mode" --network none --graphics none \
        ${VM_ACCEL:+--virt-type "$VM_ACCEL"} "${cpu[@]}" "$@" ||
        fail "berth vm create $name failed"
}

# ---- JSON ----

# json_get FILE EXPR: print the Python expression EXPR evaluated on the parsed JSON document j.
json_get() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"j": j})
print("null" if v is None else v)
EOF
}

# vm_info NAME > FILE: berth vm info --format json, failing the test when it fails.
vm_info() {
    berth vm info "$1" --format json || fail "berth vm info $1 --format json failed"
}

# vm_info_state NAME: the state berth vm info reports.
vm_info_state() {
    local f="$VM_TMP/info.$BASHPID.json"
    vm_info "$1" >"$f"
    json_get "$f" 'j["state"]'
}

# batch_state NAME: the domain's state in one `berth --batch -f json -n 1` sample ("absent").
batch_state() {
    local f="$VM_TMP/batch.$BASHPID.json"
    berth --batch --no-containers -f json -n 1 >"$f" || fail "berth --batch -n 1 failed"
    python3 - "$f" "$1" <<'EOF'
import json, sys
line = open(sys.argv[1]).read().splitlines()[-1]
s = json.loads(line)
print(next((i["state"] for i in s["instances"] if i["name"] == sys.argv[2]), "absent"))
EOF
}

# virsh_state NAME: libvirt's own view, e.g. "running", "paused", "shut off".
virsh_state() { virsh_ domstate "$1" 2>/dev/null | head -1; }

# expect_state NAME STATE VIRSH_STATE: berth (info and batch) and virsh agree on the state.
expect_state() {
    local name=$1 want=$2 vwant=$3 got
    got=$(vm_info_state "$name")
    [ "$got" = "$want" ] || fail "$name: berth vm info says '$got', expected '$want' (virsh: $(virsh_state "$name"))"
    got=$(batch_state "$name")
    [ "$got" = "$want" ] || fail "$name: berth --batch says '$got', expected '$want'"
    got=$(virsh_state "$name")
    [ "$got" = "$vwant" ] || fail "$name: virsh says '$got', expected '$vwant'"
    note "$name: $want (berth vm info, berth --batch) / $vwant (virsh)"
}

# wait_virsh_state NAME VIRSH_STATE SECONDS
wait_virsh_state() {
    local name=$1 want=$2 end=$((SECONDS + $3))
    while [ $SECONDS -lt $end ]; do
        [ "$(virsh_state "$name")" = "$want" ] && return 0
        sleep 0.5
    done
    fail "$name: not '$want' after $3 s (virsh says '$(virsh_state "$name")')"
}

# ---- pty ----

# ptyrun TRANSCRIPT STEP... -- COMMAND...: run COMMAND on a new pty and play the steps:
#   send:TEXT (\r, \x1d ... escapes), expect:TEXT:SECONDS (in the output after the last match),
#   poke:TEXT:SECONDS (expect, sending a carriage return every 2 s), sleep:SECONDS,
#   run:SHELL-COMMAND (must exit 0), exit:SECONDS (wait for COMMAND to end; prints
#   its exit status as "ptyrun: exit N"). Returns 0 when every step succeeded.
ptyrun() {
    python3 - "$@" <<'EOF'
import codecs, os, pty, select, subprocess, sys, time
args = sys.argv[1:]
transcript, args = args[0], args[1:]
sep = args.index("--")
steps, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf, pos, status = b"", 0, None
log = open(transcript, "wb")

def pump(t):
    global buf, status
    r, _, _ = select.select([fd], [], [], t)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b""
        if d:
            buf += d
            log.write(d)
            log.flush()
            return True
        return False
    return True

def done(msg, rc):
    print("ptyrun:", msg)
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    sys.exit(rc)

for st in steps:
    kind, _, arg = st.partition(":")
    if kind == "send":
        os.write(fd, codecs.escape_decode(arg.encode())[0])
    elif kind == "sleep":
        end = time.time() + float(arg)
        while time.time() < end and pump(max(0.0, end - time.time())):
            pass
    elif kind in ("expect", "poke"):
        text, _, t = arg.rpartition(":")
        want, end, nudge = text.encode(), time.time() + float(t), 0.0
        while want not in buf[pos:]:
            if kind == "poke" and time.time() >= nudge:
                os.write(fd, b"\r")
                nudge = time.time() + 2
            if time.time() > end or not pump(min(0.2, max(0.0, end - time.time()))):
                done("did not see %r within %s s" % (text, t), 1)
        pos = buf.index(want, pos) + len(want)
        print("ptyrun: saw %r" % text)
    elif kind == "run":
        rc = subprocess.call(arg, shell=True)
        if rc != 0:
            done("step %r exited %d" % (arg, rc), 1)
    elif kind == "exit":
        end = time.time() + float(arg)
        while time.time() < end:
            p, s = os.waitpid(pid, os.WNOHANG)
            if p:
                status = s
                break
            pump(0.1)
        if status is None:
            done("command still running after %s s" % arg, 1)
        while pump(0.05):
            pass
        print("ptyrun: exit", os.waitstatus_to_exitcode(status))
    else:
        done("unknown step %r" % st, 2)
if status is None:
    done("steps done", 0)
EOF
}

# vm_wait_ready NAME SECONDS: wait until the guest's shell answers on its serial console (read
# with virsh console, independent of berth).
vm_wait_ready() {
    ptyrun "$VM_TMP/ready.$1.log" expect:'Escape character:20' poke:'berth-guest#:'"$2" send:'\x1d' exit:10 -- \
        virsh -c "$URI" console --force "$1" >/dev/null ||
        fail "$1: guest shell not answering on the serial console within $2 s: $(tail -c 400 "$VM_TMP/ready.$1.log" | tr -d '\r')"
}

# bg COMMAND...: run in the background, ended by the EXIT trap. Sets BG_PID.
bg() {
    "$@" &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}
