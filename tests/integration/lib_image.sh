# SPDX-License-Identifier: MIT
# Shared set-up for the image tests (sourced after lib_ctr.sh): a test image built by umoci from
# the busybox rootfs in three layers (changed, deleted and added files, an emptied directory,
# hardlinks, symlinks, an xattr, a setuid file) and a tree comparison.

command -v umoci >/dev/null || skip "umoci is not installed (scripts/install-deps.sh test)"
command -v skopeo >/dev/null || skip "skopeo is not installed (scripts/install-deps.sh test)"
LAYOUT_PY=$BERTH_SRC/tests/integration/image_layout.py

# mk_test_image DIR TAG: an OCI layout at DIR with the image TAG.
mk_test_image() {
    d=$1 tag=$2 w=$BERTH_ROOT/umoci-work-$2
    umoci init --layout "$d" >/dev/null 2>&1 || return 1
    umoci new --image "$d:$tag" || return 1
    umoci unpack --image "$d:$tag" "$w" >/dev/null || return 1
    cp -a "$ROOTFS/." "$w/rootfs/"
    echo 'app:x:1000:1000:app:/home/app:/bin/sh' >>"$w/rootfs/etc/passwd"
    echo 'app:x:1000:' >>"$w/rootfs/etc/group"
    echo one >"$w/rootfs/etc/hello"
    mkdir -p "$w/rootfs/data/sub" "$w/rootfs/gone"
    echo old >"$w/rootfs/data/sub/old"
    echo bye >"$w/rootfs/gone/file"
    umoci repack --refresh-bundle --image "$d:$tag" "$w" >/dev/null || return 1
    echo two >"$w/rootfs/etc/hello"
    rm -rf "$w/rootfs/gone"
    echo a >"$w/rootfs/data/a"
    ln "$w/rootfs/data/a" "$w/rootfs/data/a.hl"
    ln -s a "$w/rootfs/data/l"
    ln -s /etc/hello "$w/rootfs/data/abs"
    cp "$ROOTFS/bin/busybox" "$w/rootfs/data/suid" && chmod 4755 "$w/rootfs/data/suid"
    chown 1000:1000 "$w/rootfs/data/a"
    python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.test", b"v")' "$w/rootfs/data/a" ||
        return 1
    umoci repack --refresh-bundle --image "$d:$tag" "$w" >/dev/null || return 1
    rm -rf "$w/rootfs/data/sub" && mkdir "$w/rootfs/data/sub" && echo new >"$w/rootfs/data/sub/new"
    umoci repack --refresh-bundle --image "$d:$tag" "$w" >/dev/null || return 1
    umoci config --image "$d:$tag" --config.env GREETING=hi --config.workingdir /data \
        --config.user app --config.cmd /bin/sh --config.cmd -c \
        --config.cmd 'echo from-cmd $GREETING $(id -un) $(pwd)' >/dev/null 2>&1 || return 1
    rm -rf "$w"
}

# same_tree A B: the two trees hold the same names, types, modes, owners, contents, link
# targets and user xattrs (mtimes aside). Prints the first difference.
same_tree() {
    python3 - "$1" "$2" <<'PY'
import hashlib, os, stat, sys
def walk(top):
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, top)
            info = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid]
            if stat.S_ISREG(st.st_mode):
                info.append(hashlib.sha256(open(p, "rb").read()).hexdigest())
            if stat.S_ISLNK(st.st_mode):
                info.append(os.readlink(p))
            else:
                info.append(sorted((x, os.getxattr(p, x)) for x in os.listxattr(p)
                                   if x.startswith("user.")))
            out[rel] = info
    return out
a, b = walk(sys.argv[1]), walk(sys.argv[2])
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        print("differs: %s: %s vs %s" % (k, a.get(k), b.get(k)))
        sys.exit(1)
print("same: %d entries" % len(a))
PY
}

# lower_dirs REF: the image's layer directories, top first, joined with ':'.
lower_dirs() {
    b image inspect "$1" | python3 -c 'import json,sys
print(":".join(reversed(json.load(sys.stdin)["LayerDirs"])))'
}

store_snapshot() {
    (cd "$BERTH_ROOT/lib/images" 2>/dev/null && find . -path ./tmp -prune -o -print | sort |
        md5sum && cat index.json 2>/dev/null | md5sum)
}
