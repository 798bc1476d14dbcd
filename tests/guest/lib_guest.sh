# SPDX-License-Identifier: MIT
# Shared part of the guest tests (sourced, not a test): builds the guest image
# (tests/guest/image/build.sh), boots it under QEMU with a kernel command line choosing the
# cgroup layout, the user and the state file system, reads the results the guest prints on its
# serial console and asserts on them. See docs/TESTING-GUESTS.md.
BERTH_SRC=${BERTH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BERTH_BIN=${BERTH_BIN:-$BERTH_SRC/berth}
. "$BERTH_SRC/tests/integration/lib.sh"

command -v qemu-system-x86_64 >/dev/null ||
    skip "qemu-system-x86_64 not installed (scripts/install-deps.sh test: pkgs_test_guest)"
[ -x "$BERTH_BIN" ] || fail "no berth binary at $BERTH_BIN"
GUEST_WORK=$(mktemp -d /tmp/berth-guest.XXXXXX)
QEMU_PID=
guest_cleanup() {
    [ -z "$QEMU_PID" ] || kill -9 "$QEMU_PID" 2>/dev/null
    [ -z "$VFSD_PID" ] || kill "$VFSD_PID" 2>/dev/null
    rm -rf "$GUEST_WORK"
}
trap guest_cleanup EXIT
trap 'exit 1' INT TERM

img=$("$BERTH_SRC/tests/guest/image/build.sh")
case $? in 0) ;; 77) skip "$(echo "$img" | tail -1 | sed 's/^SKIP: //')" ;; *) fail "building the guest image failed" ;; esac
eval "$img"

# guest_share: virtiofsd serving the host's /usr and /etc and this source tree, read-only
# (recursive read-only binds in a mount namespace of its own), on $GUEST_WORK/vfs.sock.
VFSD_PID=
guest_share() {
    local d=/usr/lib/qemu/virtiofsd s=$GUEST_WORK/share
    [ -x "$d" ] || skip "no $d (qemu-system-common) to share the host's tools with the guest"
    [ "$(id -u)" = 0 ] || skip "virtiofsd needs root"
    mkdir -p "$s/usr" "$s/etc" "$s/src" || fail "mkdir $s"
    unshare -m --propagation private sh -c "mount --rbind -o ro=recursive /usr $s/usr &&
        mount --rbind -o ro=recursive /etc $s/etc && mount --rbind -o ro=recursive $BERTH_SRC $s/src &&
        exec $d --socket-path=$GUEST_WORK/vfs.sock -o source=$s -o cache=auto -o sandbox=chroot" \
        >"$GUEST_WORK/virtiofsd.log" 2>&1 &
    VFSD_PID=$!
    for _ in $(seq 50); do [ -S "$GUEST_WORK/vfs.sock" ] && return 0; sleep 0.2; done
    cat "$GUEST_WORK/virtiofsd.log"
    fail "virtiofsd did not start"
}

# guest_run LAYOUT "KERNEL ARGS" [ext4]: boots the guest, waits for GUEST-DONE (at most
# GUEST_TIMEOUT_S, default 480 s), leaves the console log in $GUEST_LOG.
guest_run() {
    local layout=$1 args=$2 disk=() acc=tcg start=$SECONDS
    GUEST_LOG=$GUEST_WORK/console.log
    if [ "${3:-}" = ext4 ]; then
        truncate -s 1G "$GUEST_WORK/state.img" &&
            mkfs.ext4 -q -F -L berthstate "$GUEST_WORK/state.img" || fail "mkfs.ext4"
        disk=(-drive "file=$GUEST_WORK/state.img,if=virtio,format=raw")
    fi
    if [ -n "${GUEST_SUITES:-}" ]; then
        guest_share
        disk+=(-object "memory-backend-memfd,id=mem,size=1024M,share=on" -numa node,memdev=mem
            -chardev "socket,id=vfs,path=$GUEST_WORK/vfs.sock"
            -device vhost-user-fs-pci,chardev=vfs,tag=hostshare)
        args="$args berth.suites=$GUEST_SUITES"
    fi
    [ -w /dev/kvm ] && [ "${BERTH_TEST_FORCE_NO_KVM:-0}" != 1 ] && acc=kvm
    echo "guest $layout: booting ($KFROM, $acc): $args"
    qemu-system-x86_64 -accel "$acc" -m 1024 -smp 1 -nographic -no-reboot -monitor none \
        -kernel "$KERNEL" -initrd "$INITRD" "${disk[@]}" \
        -append "console=ttyS0 quiet panic=-1 $args" >"$GUEST_LOG" 2>&1 </dev/null &
    QEMU_PID=$!
    local limit=${GUEST_TIMEOUT_S:-480}
    while kill -0 "$QEMU_PID" 2>/dev/null && [ $((SECONDS - start)) -lt "$limit" ]; do
        grep -aq '^GUEST-DONE' "$GUEST_LOG" && break
        sleep 1
    done
    # The guest powers itself off after GUEST-DONE.
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$QEMU_PID" 2>/dev/null
    wait "$QEMU_PID" 2>/dev/null
    QEMU_PID=
    if [ -n "$VFSD_PID" ]; then
        kill "$VFSD_PID" 2>/dev/null
        wait "$VFSD_PID" 2>/dev/null
        VFSD_PID=
        rm -f "$GUEST_WORK/vfs.sock"
    fi
    GUEST_TOOK=$((SECONDS - start))
    tr -d '\r' <"$GUEST_LOG" | grep -a '^GUEST-' | sed 's/^/  /'
    grep -aq '^GUEST-DONE' "$GUEST_LOG" || {
        tail -n 30 "$GUEST_LOG"
        fail "guest $layout: no GUEST-DONE within ${limit}s"
    }
}

# guest_assert LAYOUT ALLOWED_SKIPS...: every check reported once, none failed, a skip only for
# a check named in ALLOWED_SKIPS (with its reason printed); a SUBTEST line per check.
guest_assert() {
    local layout=$1 c line pass=0 skip=0 bad=0
    shift
    local want="run clone-cgroup start limit-memory limit-cpu limit-pids stats exec pause stop restart-kill rm-cgroup oom pids-enforced userns cleaned"
    for c in $want; do
        line=$(tr -d '\r' <"$GUEST_LOG" | grep -a "^GUEST-RESULT $c " | head -1)
        # One SUBTEST line per check: scripts/run-tests.sh counts each as a test.
        case $line in
        *" PASS "*) pass=$((pass + 1)); echo "SUBTEST PASS guest_$layout/$c ${line#* PASS }" ;;
        *" SKIP "*)
            case " $* " in
            *" $c "*) skip=$((skip + 1)); echo "SUBTEST SKIP guest_$layout/$c ${line#* SKIP }" ;;
            *) echo "unexpected skip: $line"; bad=$((bad + 1))
                echo "SUBTEST FAIL guest_$layout/$c skipped where it must run: ${line#* SKIP }" ;;
            esac ;;
        "") echo "not reported: $c"; bad=$((bad + 1)); echo "SUBTEST FAIL guest_$layout/$c not reported" ;;
        *) echo "failed: $line"; bad=$((bad + 1)); echo "SUBTEST FAIL guest_$layout/$c ${line#* FAIL }" ;;
        esac
    done
    if tr -d '\r' <"$GUEST_LOG" | grep -a '^GUEST-RESULT .* FAIL' | grep -vq "$(echo $want | sed 's/ /\\|/g')"; then
        echo "other failures:"; tr -d '\r' <"$GUEST_LOG" | grep -a '^GUEST-RESULT .* FAIL'
        bad=$((bad + 1))
    fi
    echo "guest $layout: $pass passed, $skip skipped, $bad failed, ${GUEST_TOOK}s"
    [ $bad -eq 0 ] || fail "guest $layout: $bad check(s) failed"
}
