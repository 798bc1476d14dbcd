#!/bin/bash
# SPDX-License-Identifier: MIT
# berth ctr run NAME IMAGE: the root is an overlay of the image's layers with the container's own
# upper layer (writes never reach the shared layers or another container); the image config gives
# the command, Env, WorkingDir and User (names through the image's /etc/passwd); 70 layers mount;
# image rm is refused while a container uses the image.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_image.sh"

W=$BERTH_ROOT/work
mkdir -p "$W"
mk_test_image "$W/oci" t1 || fail "umoci could not build the test image"
b image import "$W/oci" "$P/img" >/dev/null || fail "import"

out=$(b ctr run --rm "$P-a" "$P/img") || fail "run with the image's Cmd: $out"
[ "$out" = "from-cmd hi app /data" ] || fail "image config not applied: '$out'"
ok "Cmd, Env, User (a name) and WorkingDir from the image config"

out=$(b ctr run --rm -e GREETING=yo -u root -w / "$P-b" "$P/img" -- sh -c 'echo $GREETING $(id -u):$(id -g) $(pwd)')
[ "$out" = "yo 0:0 /" ] || fail "options over the config: '$out'"
out=$(b ctr run --rm -u app:app "$P-c" "$P/img" id)
case "$out" in "uid=1000(app) gid=1000(app)"*) ;; *) fail "-u app:app: '$out'" ;; esac
ok "-e, -u (names) and -w override the image; CMD after the image"

expect_err "unknown user" b ctr run --rm -u nobody2 "$P-d" "$P/img" true
expect_err "unknown image" b ctr run --rm "$P-d" "$P/none" true
echo "$LAST_ERR" | grep -q "$P/none" || fail "error does not name the image"
expect_err "--userns with an image" b ctr create "$P-d" --userns "$P/img"
expect_err "--inplace with an image" b ctr create "$P-d" --inplace "$P/img"
[ ! -e "$BERTH_ROOT/lib/containers/$P-d" ] || fail "a refused create stored something"

# Two containers of one image: writes land in each one's upper layer only.
layers=$(lower_dirs "$P/img")
sum_before=$(cd "$BERTH_ROOT/lib/images/layers" && find . -printf '%p %s %m\n' | sort | md5sum)
b ctr create "$P-x" "$P/img" -- sh -c 'echo x >/data/a; rm /etc/hello; echo new >/x' >/dev/null ||
    fail "create x"
b ctr create "$P-y" "$P/img" -- sh -c 'cat /data/a; cat /etc/hello; ls /x 2>&1 || true' \
    >/dev/null || fail "create y"
b ctr start "$P-x" >/dev/null && b ctr wait "$P-x" >/dev/null 2>&1
wait_for 10 is_status "$P-x" stopped || fail "x did not finish"
out=$(b ctr run --rm "$P-z" "$P/img" -- sh -c 'cat /data/a; cat /etc/hello')
[ "$out" = "$(printf 'a\ntwo')" ] || fail "another container sees x's writes: '$out'"
[ "$(cat "$BERTH_ROOT/lib/containers/$P-x/upper/data/a")" = x ] || fail "x's write not in its upper"
sum_after=$(cd "$BERTH_ROOT/lib/images/layers" && find . -printf '%p %s %m\n' | sort | md5sum)
[ "$sum_before" = "$sum_after" ] || fail "a container changed the image's layers"
ok "containers share the read-only layers, each writes its own upper layer"

# rm is refused while containers use the image; allowed after.
expect_err "rm of an image in use" b image rm "$P/img"
echo "$LAST_ERR" | grep -q "used by 2 containers" || fail "error does not count the users"
[ "$(b image ls --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["containers"])')" = 2 ] ||
    fail "image ls does not count 2 containers"
b ctr rm "$P-x" "$P-y" >/dev/null || fail "ctr rm"
b image rm "$P/img" >/dev/null || fail "image rm after the containers"
[ -z "$(ls "$BERTH_ROOT/lib/images/layers")" ] || fail "layers left after rm"
ok "image rm refused while used, then removes the layers"

# 70 layers: more than fit in one page of mount options with host paths.
python3 "$LAYOUT_PY" layers "$W/many" 70 || fail "build 70 layers"
b image import "$W/many" "$P/many" >/dev/null || fail "import 70 layers"
python3 "$LAYOUT_PY" layers "$W/bb" 1 || fail "build"
# The busybox tools come from a rootfs tarball image: copy its one layer under the 70.
tar -C "$ROOTFS" -cf "$W/rootfs.tar" . || fail "tar"
b image import --rootfs-tar "$W/rootfs.tar" "$P/bb" >/dev/null || fail "import rootfs tar"
bbl=$(lower_dirs "$P/bb")
# A 71-layer image: the busybox layer at the bottom of the 70 (its config lists the layers).
python3 - "$W/many" "$bbl" <<'PY' || fail "make the 71-layer image"
import hashlib, io, json, os, sys, tarfile, gzip
d, bbdir = sys.argv[1], sys.argv[2]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    t.add(bbdir, arcname=".", recursive=True)
tb = buf.getvalue()
gz = gzip.compress(tb, mtime=0)
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(d, "blobs/sha256", h), "wb").write(data)
    return "sha256:" + h
idx = json.load(open(os.path.join(d, "index.json")))
md = idx["manifests"][0]["digest"]
man = json.load(open(os.path.join(d, "blobs/sha256", md[7:])))
cfg = json.load(open(os.path.join(d, "blobs/sha256", man["config"]["digest"][7:])))
cfg["rootfs"]["diff_ids"].insert(0, "sha256:" + hashlib.sha256(tb).hexdigest())
cb = json.dumps(cfg).encode()
man["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cb), "size": len(cb)}
man["layers"].insert(0, {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(gz), "size": len(gz)})
mb = json.dumps(man).encode()
idx["manifests"][0].update({"digest": put(mb), "size": len(mb)})
json.dump(idx, open(os.path.join(d, "index.json"), "w"))
PY
b image import "$W/many" "$P/many71" >/dev/null || fail "import 71 layers"
out=$(b ctr run --rm "$P-m" "$P/many71" -- sh -c 'cat /bottom /l2 /l70; ls / | grep -c "^l[0-9]"')
[ "$out" = "$(printf 'bottom\n2\n70\n69')" ] || fail "71-layer root: '$out'"
ok "a container of a 71-layer image sees every layer"
