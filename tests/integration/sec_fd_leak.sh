#!/bin/bash
# SPDX-License-Identifier: MIT
# Host file descriptors never reach the container (the CVE-2024-21626 class): with extra fds
# open in the calling shell (a host directory among them), the container's init and an exec'd
# process see only 0-2; --workdir /proc/self/fd/N cannot put the process in a host directory.
set -u
. "$BERTH_SRC/tests/integration/lib_sec.sh"
sec_setup

hostdir=$SEC_WORK/hostdir
mkdir -p "$hostdir"
echo secret >"$hostdir/host-marker"
# Extra fds, inherited by berth unless it closes them: a file, a directory, a pipe.
exec 7<"$hostdir/host-marker" 8<"$hostdir" 9< <(sleep 600)

out=$(sec_run "$(sec_name fds)" -- probe fds)
expect "init fds" "$(echo $out)" "0 1 2"

n=$(sec_name execfds)
"$BERTH_BIN" ctr run -d "$n" --rootfs "$ROOTFS" -- sleep 600 || fail "run -d"
out=$("$BERTH_BIN" ctr exec "$n" -- probe fds)
expect "exec fds" "$(echo $out)" "0 1 2"
out=$("$BERTH_BIN" ctr exec "$n" -- sh -c 'ls /proc/1/fd | tr "\n" " "')
expect "init's fds seen from exec" "$(echo $out)" "0 1 2"

# --workdir through a leaked fd number: refused, or at worst a directory inside the container;
# never the host directory with the marker.
for fd in 3 4 5 6 7 8 9 10 11 12; do
    out=$(sec_run "$(sec_name wd$fd)" --workdir /proc/self/fd/$fd -- sh -c 'pwd; ls -a' 2>&1)
    rc=$?
    case "$out" in *host-marker*) fail "--workdir /proc/self/fd/$fd reached the host: $out" ;; esac
    if [ $rc -eq 0 ]; then
        echo "ok: --workdir /proc/self/fd/$fd ran inside: $(echo $out | head -c 80)"
    else
        echo "ok: --workdir /proc/self/fd/$fd refused: $(echo "$out" | head -1)"
    fi
done
for wd in /proc/1/cwd /proc/self/cwd /proc/1/root/..; do
    out=$(sec_run "$(sec_name wdp)" --workdir "$wd" -- sh -c 'ls -a' 2>&1)
    case "$out" in *host-marker*) fail "--workdir $wd reached the host" ;; esac
    echo "ok: --workdir $wd stays inside"
done
exec 7<&- 8<&- 9<&-
echo "PASS"
