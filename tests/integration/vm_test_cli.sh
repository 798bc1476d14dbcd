#!/bin/bash
# SPDX-License-Identifier: MIT
# `berth vm ...` against libvirt's test driver: listing, info, every action from the right and
# the wrong state, autostart, snapshots, create with good and bad input, usage errors.
# (Each berth process gets a fresh copy of the test driver's state, so each step starts from
# the node file: run1 running, off1 shut off, paused1 paused.)
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmcli-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
U=$(vm_node_file "$tmp")
B=(-c "$U")

# ls: the connection's state line and every domain, as a table and as JSON.
run "${B[@]}" vm ls
[ "$rc" -eq 0 ] || fail "vm ls exited $rc: $err"
echo "$out" | grep -q "^connection $U: connected$" || fail "no connection line in: $out"
echo "$out" | grep -Eq '^run1 +running ' || fail "run1 not running in: $out"
echo "$out" | grep -Eq '^off1 +stopped ' || fail "off1 not stopped in: $out"
echo "$out" | grep -Eq '^paused1 +paused ' || fail "paused1 not paused in: $out"
run "${B[@]}" vm ls --format json
[ "$rc" -eq 0 ] || fail "vm ls --format json exited $rc"
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["connections"]
assert len(c) == 1 and c[0]["state"] == "connected" and c[0]["reason"] is None, c
doms = {x["name"]: x for x in d["domains"]}
assert set(doms) == {"run1", "off1", "paused1"}, doms
assert doms["run1"]["state"] == "running" and doms["run1"]["vcpus"] == 1
assert doms["run1"]["mem_bytes"] == 128 << 20 and isinstance(doms["run1"]["cpu_ns"], int)
off = doms["off1"]
assert off["state"] == "stopped" and off["cpu_ns"] is None and off["mem_bytes"] is None, off
assert off["mem_limit_bytes"] == 128 << 20, off
assert doms["paused1"]["state"] == "paused"
' || fail "vm ls JSON is wrong: $out"
# the global -f json works too
run -f json "${B[@]}" vm ls
echo "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "-f json vm ls: $out"

# info
run "${B[@]}" vm info off1 --format json
[ "$rc" -eq 0 ] || fail "vm info exited $rc: $err"
echo "$out" | python3 -c '
import json, sys
i = json.load(sys.stdin)
assert i["name"] == "off1" and i["state"] == "stopped" and i["vcpus"] == 2, i
assert i["max_mem_bytes"] == 128 << 20 and i["persistent"] is True and i["cpu_ns"] is None, i
assert len(i["uuid"]) == 36 and i["virt_type"] == "test", i
' || fail "vm info JSON is wrong: $out"
run "${B[@]}" vm info run1
echo "$out" | grep -q '^State: *running' || fail "vm info table: $out"

# actions from a state where they apply...
for step in "start off1" "shutdown run1" "destroy run1" "reboot run1" "suspend run1" \
    "resume paused1" "destroy paused1" "rm off1" "autostart off1 on" "autostart run1 off" \
    "shutdown run1 -t 5"; do
    # shellcheck disable=SC2086
    run "${B[@]}" vm $step
    [ "$rc" -eq 0 ] || fail "vm $step: exit $rc ($err)"
done
# ...and from one where they do not: one line naming the domain and the reason, exit 1.
expect 1 "berth: vm start 'run1': domain is already running" "${B[@]}" vm start run1
expect 1 "berth: vm shutdown 'off1': domain is not running" "${B[@]}" vm shutdown off1
expect 1 "berth: vm destroy 'off1': domain is not running" "${B[@]}" vm destroy off1
expect 1 "berth: vm resume 'run1': domain is not paused" "${B[@]}" vm resume run1
expect 1 "berth: vm suspend 'paused1': domain is already paused" "${B[@]}" vm suspend paused1
expect 1 "berth: vm rm 'run1': domain is running (destroy it first)" "${B[@]}" vm rm run1
expect 1 "berth: vm start 'nosuch': domain not found" "${B[@]}" vm start nosuch
expect 1 "berth: vm info 'nosuch': domain not found" "${B[@]}" vm info nosuch
expect 1 "this function is not supported by the connection driver" "${B[@]}" vm console run1
[ "$(echo "$err" | wc -l)" -eq 1 ] || fail "console error is not one line: $err"
expect 1 "berth: vm console 'off1': domain is not running" "${B[@]}" vm console off1

# snapshots
run "${B[@]}" vm snapshot create off1 before-upgrade
[ "$rc" -eq 0 ] || fail "snapshot create: $err"
run "${B[@]}" vm snapshot ls off1 --format json
[ "$out" = "[]" ] || fail "snapshot ls of a fresh domain: $out"
expect 1 "snapshot 'nope' not found" "${B[@]}" vm snapshot revert off1 nope
expect 1 "snapshot 'nope' not found" "${B[@]}" vm snapshot rm off1 nope
expect 2 "snapshot create needs NAME and SNAP" "${B[@]}" vm snapshot create off1
expect 2 "snapshot: unknown command 'list'" "${B[@]}" vm snapshot list off1

# create: good input defines a domain; bad input is one line quoting the value
run "${B[@]}" vm create web-$$ --memory 256M --vcpus 2 --disk-size 1G
[ "$rc" -eq 0 ] || fail "create with --disk-size: $err"
[ "$out" = "defined web-$$" ] || fail "create output: $out"
touch "$tmp/vmlinuz" "$tmp/initrd"
run "${B[@]}" vm create k-$$ --memory 64M --kernel "$tmp/vmlinuz" --initrd "$tmp/initrd" \
    --cmdline "console=ttyS0 quiet" --network none --graphics none --machine pc
[ "$rc" -eq 0 ] || fail "create with --kernel: $err"
expect 1 "berth: vm create 'x': --vcpus 0: must be between 1 and 255" \
    "${B[@]}" vm create x --memory 64M --vcpus 0 --disk-size 1G
expect 1 "--disk '$tmp/missing.img': No such file or directory" \
    "${B[@]}" vm create x --memory 64M --disk "$tmp/missing.img"
expect 1 "--memory 64T: more than the host's" "${B[@]}" vm create x --memory 64T --disk-size 1G
expect 1 "invalid name 'a/b'" "${B[@]}" vm create a/b --memory 64M --disk-size 1G
expect 1 "a domain named 'run1' already exists" "${B[@]}" vm create run1 --memory 64M --disk-size 1G
expect 1 "nothing to boot" "${B[@]}" vm create x --memory 64M
expect 1 "--pool 'nopool': no such storage pool" \
    "${B[@]}" vm create x --memory 64M --disk-size 1G --pool nopool
expect 2 "--memory: invalid size '12Q'" "${B[@]}" vm create x --memory 12Q --disk-size 1G
expect 2 "--graphics 'spice': use none or vnc" "${B[@]}" vm create x --memory 64M --graphics spice
expect 2 "create: unknown option '--bogus'" "${B[@]}" vm create x --bogus
[ -z "$(ls "$tmp/pool")" ] || fail "a failed create left a volume: $(ls "$tmp/pool")"
# --xml
printf "<domain type='test'><name>fromxml</name><memory>65536</memory><os><type>hvm</type></os></domain>" >"$tmp/d.xml"
run "${B[@]}" vm create --xml "$tmp/d.xml"
[ "$rc" -eq 0 ] && [ "$out" = "defined fromxml from $tmp/d.xml" ] || fail "create --xml: $rc $out $err"
echo "<domain>" >"$tmp/bad.xml"
expect 1 "berth: vm create '$tmp/bad.xml': define:" "${B[@]}" vm create --xml "$tmp/bad.xml"

# usage errors: exit 2 with a hint
expect 2 "unknown command 'bogus'" "${B[@]}" vm bogus
expect 2 "start: missing NAME" "${B[@]}" vm start
expect 2 "ls: unexpected argument 'x'" "${B[@]}" vm ls x
expect 2 "autostart 'maybe': use on or off" "${B[@]}" vm autostart run1 maybe
expect 2 "invalid timeout 'soon'" "${B[@]}" vm shutdown run1 -t soon
expect 2 "--remove-storage is only for rm" "${B[@]}" vm start run1 --remove-storage
expect 2 "--format 'csv': use table or json" "${B[@]}" vm ls --format csv
run vm --help
[ "$rc" -eq 0 ] && echo "$out" | grep -q "snapshot ls|create|revert|rm" || fail "vm --help: $out"
echo "PASS"
