#!/bin/sh
# SPDX-License-Identifier: MIT
# Isolation as seen from inside: pid 1, own hostname, no host process, own mount table, only
# loopback; exec joins the same namespaces and cgroup; the rootfs DIR is never changed.
. "$(dirname "$0")/lib_ctr.sh"

script='echo "pid=$$"; echo "host=$(hostname)"; echo "etc=$(cat /etc/hostname)";
echo "procs=$(ls -d /proc/[0-9]* | wc -l)"; echo "comms=$(cat /proc/[0-9]*/comm | sort -u | tr "\n" ,)";
echo "mounts=$(grep -vc " /sys/fs/cgroup" /proc/mounts)"; echo "root=$(awk "\$2==\"/\"{print \$3}" /proc/mounts)";
echo "ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" ,)";
echo "lo=$(cat /sys/class/net/lo/operstate 2>/dev/null)"; grep -c "^" /proc/self/cgroup >/dev/null;
echo "cgroups=$(cut -d: -f3 /proc/self/cgroup | sort -u | tr "\n" ,)";
echo data > /written-inside'
sleep 300 &
hostsleep=$!
out=$(b ctr run --rm "$P-iso" --hostname inner-$$ --rootfs "$ROOTFS" -- /bin/sh -c "$script") ||
    fail "run failed: $out"
echo "$out" | sed 's/^/    /'
v() { echo "$out" | sed -n "s/^$1=//p"; }
[ "$(v pid)" = 1 ] || fail "the shell is not pid 1: $(v pid)"
ok "the container's process is pid 1"
[ "$(v host)" = "inner-$$" ] && [ "$(v etc)" = "inner-$$" ] || fail "hostname $(v host) / $(v etc)"
[ "$(hostname)" != "inner-$$" ] || fail "the host's hostname changed"
ok "own hostname (uname and /etc/hostname), host's unchanged"
kill "$hostsleep"
[ "$(v procs)" -le 5 ] || fail "$(v procs) processes visible inside (host processes leak)"
case "$(v comms)" in *sleep*) fail "a host process (sleep) is visible inside: $(v comms)" ;; esac
ok "only the container's own processes are visible ($(v procs): $(v comms))"
[ "$(v root)" = overlay ] || fail "root is $(v root), expected overlay"
echo "$out" | grep -q "/work\|/var/lib/docker" && fail "host mounts visible"
[ "$(v mounts)" -lt 30 ] || fail "$(v mounts) mounts inside: the host's table leaks"
ok "own mount table ($(v mounts) entries besides the cgroup view, overlay root)"
[ "$(v ifaces)" = "lo," ] || fail "interfaces inside: $(v ifaces)"
ok "network: only loopback"
[ "$(v cgroups)" = "/," ] || fail "cgroup namespace: paths $(v cgroups)"
ok "cgroup namespace: the container's cgroup is its /"
[ ! -e "$ROOTFS/written-inside" ] || { rm -f "$ROOTFS/written-inside"; fail "a write inside reached the rootfs DIR"; }
ok "writes go to the overlay upper layer, DIR unchanged"

# Host network when asked.
host_n=$(tail -n +3 /proc/net/dev | wc -l)
in_n=$(b ctr run --rm "$P-hn" --net host --rootfs "$ROOTFS" -- /bin/sh -c 'tail -n +3 /proc/net/dev | wc -l')
[ "$in_n" -eq "$host_n" ] || fail "--net host: $in_n interfaces inside, $host_n on the host"
ok "--net host sees the host's $host_n interfaces"

# exec joins the running container: same hostname, pid namespace, cgroup.
b ctr run -d "$P-ex" --hostname ex-$$ --rootfs "$ROOTFS" -- /bin/sleep 1000 >/dev/null || fail "run -d"
eout=$(b ctr exec "$P-ex" -- /bin/sh -c 'echo "$(hostname) $$ $(ls -d /proc/[0-9]* | wc -l) $(cut -d: -f3 /proc/self/cgroup | sort -u | tr "\n" ,)"')
set -- $eout
[ "$1" = "ex-$$" ] || fail "exec hostname $1"
[ "$2" -gt 1 ] && [ "$3" -le 6 ] || fail "exec pid $2, $3 processes visible"
[ "$4" = "/," ] || fail "exec is not in the container's cgroup: $4"
ok "exec: same uts/pid namespaces ($3 processes visible) and the container's cgroup"
st=0
b ctr exec "$P-ex" -- /bin/sh -c 'exit 5' || st=$?
[ "$st" -eq 5 ] || fail "exec exit status $st"
ok "exec returns the process's exit status"

# --inplace uses DIR itself: a copy of the rootfs sees the write.
cp -a "$ROOTFS" "$BERTH_ROOT/inplace-root"
b ctr run --rm "$P-ip" --inplace --rootfs "$BERTH_ROOT/inplace-root" -- /bin/sh -c 'echo x > /mark' ||
    fail "--inplace run"
[ -f "$BERTH_ROOT/inplace-root/mark" ] || fail "--inplace: the write did not land in DIR"
ok "--inplace writes into DIR"

# Environment, working directory, user.
out=$(b ctr run --rm "$P-env" --env FOO=bar --workdir /tmp --user 65534:65534 --rootfs "$ROOTFS" -- /bin/sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"')
[ "$out" = "bar /tmp 65534:65534" ] || fail "env/workdir/user: '$out'"
ok "--env, --workdir, --user applied ($out)"
echo PASS
