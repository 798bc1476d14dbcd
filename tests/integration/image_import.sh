#!/bin/bash
# SPDX-License-Identifier: MIT
# berth image import: an OCI layout made by umoci, its oci-archive and docker-archive made by
# skopeo, a rootfs tarball; the layers, merged by overlayfs, give exactly the tree `umoci unpack`
# gives; layers are shared; hostile and broken input is refused in one line, writes nothing
# outside the store and leaves the store as it was.
. "$(dirname "$0")/lib_ctr.sh"
. "$(dirname "$0")/lib_image.sh"

W=$BERTH_ROOT/work
mkdir -p "$W" "$W/mnt"
mk_test_image "$W/oci" t1 || fail "umoci could not build the test image"

digest=$(b image import "$W/oci" "$P/img:1") || fail "import of the umoci layout"
case "$digest" in sha256:*) ok "import printed $digest" ;; *) fail "import printed '$digest'" ;; esac
b image ls | grep -q "^$P/img:1 " || fail "image ls does not show $P/img:1"
n=$(b image ls --format json | python3 -c 'import json,sys; l=json.load(sys.stdin)
print(l[0]["layers"], l[0]["containers"], l[0]["id"])')
[ "$n" = "3 0 $digest" ] || fail "image ls --json: '$n'"
ok "image ls (table and json)"

# The tree: overlay of the layers == umoci unpack.
umoci unpack --image "$W/oci:t1" "$W/bundle" >/dev/null || fail "umoci unpack"
# layers_like_umoci REF: the image's layers, merged read-only by overlayfs, equal umoci's rootfs.
layers_like_umoci() {
    mount -t overlay -o "ro,lowerdir=$(lower_dirs "$1")" none "$W/mnt" || fail "mount $1's layers"
    res=$(same_tree "$W/bundle/rootfs" "$W/mnt")
    rc=$?
    umount "$W/mnt"
    [ $rc -eq 0 ] || fail "$1's layers differ from umoci unpack: $res"
}
layers_like_umoci "$P/img:1"
ok "merged layers equal umoci unpack ($res)"

# The same image as docker-archive and oci-archive: no new layer, the same tree.
layers_before=$(ls "$BERTH_ROOT/lib/images/layers" | wc -l)
skopeo copy -q "oci:$W/oci:t1" "docker-archive:$W/d.tar:$P/dock:2" || fail "skopeo docker-archive"
skopeo copy -q "oci:$W/oci:t1" "oci-archive:$W/o.tar:t1" || fail "skopeo oci-archive"
b image import "$W/d.tar" >/dev/null || fail "import docker-archive"
b image import "$W/o.tar" "$P/ociarch" >/dev/null || fail "import oci-archive"
b image ls | grep -q "docker.io/$P/dock:2" || fail "docker-archive's RepoTags not used as name"
b image ls | grep -q "$P/ociarch:latest" || fail "oci-archive not named"
[ "$(ls "$BERTH_ROOT/lib/images/layers" | wc -l)" = "$layers_before" ] ||
    fail "an archive of the same image added layers"
layers_like_umoci "$P/dock:2"
layers_like_umoci "$P/ociarch"
ok "docker-archive and oci-archive share the layers (short name $P/dock:2 works)"

# A rootfs tarball, gzip'd: one layer.
tar -C "$ROOTFS" -czf "$W/rootfs.tgz" . || fail "tar"
b image import --rootfs-tar "$W/rootfs.tgz" "$P/plain" >/dev/null || fail "import --rootfs-tar"
[ "$(b image inspect "$P/plain" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["LayerDirs"]))')" = 1 ] ||
    fail "rootfs tarball is not one layer"
ok "rootfs tarball imported as one layer"

# tag and rm: a second name, removing one name keeps the image.
b image tag "$P/img:1" "$P/img:other" || fail "tag"
b image rm "$P/img:other" >/dev/null || fail "rm of a name"
b image ls | grep -q "^$P/img:1 " || fail "rm of one name removed the image"
ok "tag and rm of a name"

# Two imports of one layout at once: one image, no error, no leftovers.
mk_test_image "$W/oci2" t2 || fail "second image"
b image import "$W/oci2" "$P/race" >/dev/null &
p1=$!
b image import "$W/oci2" "$P/race" >/dev/null &
p2=$!
wait $p1 || fail "first of two parallel imports"
wait $p2 || fail "second of two parallel imports"
[ "$(b image ls | grep -c "^$P/race:latest ")" = 1 ] || fail "parallel imports: not one image"
[ -z "$(ls "$BERTH_ROOT/lib/images/tmp")" ] || fail "parallel imports left tmp/ work"
ok "two parallel imports of one image"

# An import killed at some point: the image is either whole in the index or absent, and the
# next change of the store deletes the killed import's tmp/ work.
python3 "$LAYOUT_PY" layers "$W/killme" 300 || fail "build 300 layers"
b image import "$W/killme" "$P/killed" >/dev/null 2>&1 &
kp=$!
sleep 0.3
kill -9 $kp 2>/dev/null
wait $kp 2>/dev/null
n=$(b image ls --format json | python3 -c 'import json,sys,os
l=[i for i in json.load(sys.stdin) if "'"$P"'/killed:latest" in i["names"]]
print(len(l) and l[0]["layers"])')
[ "$n" = 0 ] || [ "$n" = 300 ] || fail "a killed import left a partial image ($n layers)"
b image tag "$P/img:1" "$P/sweep" || fail "tag after the kill"
[ -z "$(ls "$BERTH_ROOT/lib/images/tmp")" ] || fail "the killed import's tmp/ work was not swept"
b image rm "$P/sweep" >/dev/null
[ "$n" = 300 ] && { b image rm "$P/killed" >/dev/null || fail "rm killed"; }
ok "a killed import leaves no partial image, and its work is swept ($n of 300 layers listed)"

# A full disk: one line, no image, no work left.
mkdir -p "$BERTH_ROOT/small"
mount -t tmpfs -o size=1m tmpfs "$BERTH_ROOT/small" || fail "mount a small tmpfs"
expect_err "full disk" env BERTH_ROOT="$BERTH_ROOT/small" "$BERTH_BIN" image import "$W/oci" "$P/full"
echo "$LAST_ERR" | grep -q "No space left" || fail "the error does not say the disk is full"
left=$(find "$BERTH_ROOT/small/lib/images/tmp" "$BERTH_ROOT/small/lib/images/layers" -mindepth 1 -maxdepth 1 | wc -l)
full_ls=$(BERTH_ROOT="$BERTH_ROOT/small" "$BERTH_BIN" image ls --format json)
umount "$BERTH_ROOT/small"
[ "$left" = 0 ] || fail "a full disk left $left entries in tmp/ or layers/"
[ "$full_ls" = "[]" ] || fail "a full disk left an image: $full_ls"
ok "a full disk: one line, nothing stored"

# Bad input: one line, store unchanged, nothing outside.
mkdir -p "$W/outside"
before=$(store_snapshot)
for k in traversal abs-symlink hardlink-out bad-digest truncated bad-diffid corrupt-json huge-size; do
    python3 "$LAYOUT_PY" "$k" "$W/bad-$k" "$W/outside" || fail "build $k"
    expect_err "$k" b image import "$W/bad-$k" "$P/bad"
done
python3 "$LAYOUT_PY" layers "$W/good" 2 || fail "build"
expect_err "name with ../" b image import "$W/good" "../x"
expect_err "name with //" b image import "$W/good" "a//b"
expect_err "upper-case name" b image import "$W/good" "Abc"
expect_err "long tag" b image import "$W/good" "a:$(printf 't%.0s' $(seq 1 200))"
expect_err "no such path" b image import "$W/nope"
printf 'not a tar' >"$W/junk.tar"
expect_err "not a tar" b image import "$W/junk.tar"
head -c 20000 "$W/d.tar" >"$W/short.tar"
expect_err "truncated docker-archive" b image import "$W/short.tar" "$P/short"
expect_err "rootfs tarball without name" b image import --rootfs-tar "$W/rootfs.tgz"
expect_err "rm of an unknown image" b image rm "$P/none"
expect_err "inspect of an unknown image" b image inspect "$P/none"
[ "$(store_snapshot)" = "$before" ] || fail "refused imports changed the store"
[ -z "$(ls -A "$W/outside")" ] || fail "a hostile layer wrote outside: $(ls -A "$W/outside")"
[ ! -e "$BERTH_ROOT/escaped" ] && [ ! -e "$BERTH_ROOT/lib/images/escaped" ] ||
    fail "'../escaped' was written"
[ -z "$(ls "$BERTH_ROOT/lib/images/tmp")" ] || fail "refused imports left tmp/ work"
ok "bad input refused, store unchanged"

# Opaque directories and whiteouts of a hand-made layer.
python3 "$LAYOUT_PY" opaque "$W/opq" || fail "build opaque"
b image import "$W/opq" "$P/opq" >/dev/null || fail "import opaque"
mount -t overlay -o "ro,lowerdir=$(lower_dirs "$P/opq")" none "$W/mnt" || fail "mount"
got=$(cd "$W/mnt" && find . | sort | tr '\n' ' ')
umount "$W/mnt"
[ "$got" = ". ./d ./d/new ./etc ./etc/hello " ] || fail "opaque/whiteout: got '$got'"
ok "OCI whiteouts and opaque directories become overlay ones"

# A multi-platform index (nested): the host's platform is taken.
if [ "$(uname -m)" = x86_64 ]; then
    python3 "$LAYOUT_PY" multiarch "$W/multi" || fail "build multiarch"
    b image import "$W/multi" "$P/multi" >/dev/null || fail "import multiarch"
    d=$(lower_dirs "$P/multi")
    [ "$(cat "$d/arch")" = amd64 ] || fail "multiarch: took '$(cat "$d/arch")'"
    b image rm "$P/multi" >/dev/null || fail "rm multi"
    ok "a nested multi-platform index resolves to linux/amd64"
fi

# rm of the whole image: its blobs and unshared layers go.
b image rm "$P/opq" >/dev/null || fail "rm"
[ "$(store_snapshot)" = "$before" ] || fail "rm did not restore the store"
ok "rm removes the blobs and layers nobody else uses"
