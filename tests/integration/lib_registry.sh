# SPDX-License-Identifier: MIT
# Shared set-up for the registry tests (sourced after lib_ctr.sh, not a test): a real registry
# (Debian's docker-registry, the CNCF distribution registry) on 127.0.0.1 on a free port, with
# its own config and storage under $BERTH_ROOT, killed on exit; test images made by umoci from a
# busybox rootfs and pushed with skopeo.

for t in docker-registry skopeo umoci openssl curl; do
    command -v "$t" >/dev/null || skip "$t is not installed (scripts/install-deps.sh test)"
done
REG_PIDS=""
reg_cleanup() {
    for p in $REG_PIDS; do kill "$p" 2>/dev/null; done
    for p in $REG_PIDS; do wait "$p" 2>/dev/null; done
    ctr_cleanup
}
trap reg_cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# reg_start NAME [YAML...]: a registry on 127.0.0.1:$REG_PORT (extra top-level YAML lines, e.g.
# auth:, and http.tls through REG_TLS_CERT/REG_TLS_KEY). Sets REG_PORT, REG_DIR.
reg_start() {
    REG_DIR=$BERTH_ROOT/reg-$1
    shift
    REG_PORT=$(free_port)
    mkdir -p "$REG_DIR/data"
    {
        echo "version: 0.1"
        echo "log: {level: error, accesslog: {disabled: true}}"
        echo "storage: {filesystem: {rootdirectory: $REG_DIR/data}, delete: {enabled: true}}"
        echo "http:"
        echo "  addr: 127.0.0.1:$REG_PORT"
        [ -n "${REG_TLS_CERT:-}" ] && echo "  tls: {certificate: $REG_TLS_CERT, key: $REG_TLS_KEY}"
        for l in "$@"; do echo "$l"; done
    } >"$REG_DIR/config.yml"
    # (the registry reads REGISTRY_* variables as configuration: REGISTRY_AUTH_FILE is not its)
    env -u REGISTRY_AUTH_FILE docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
    REG_PIDS="$REG_PIDS $!"
    for _ in $(seq 100); do
        curl -sk -o /dev/null "http${REG_TLS_CERT:+s}://127.0.0.1:$REG_PORT/v2/" && return 0
        sleep 0.1
    done
    cat "$REG_DIR/log" >&2
    fail "the registry did not start on port $REG_PORT"
}

# img_build LAYOUT TAG [MiB of random data] [ARCH]: an OCI layout image made by umoci: a busybox
# rootfs layer, then a second layer with a changed file and a random file of that size.
img_build() {
    local lay=$1 tag=$2 mib=${3:-0} arch=${4:-amd64} bun
    bun=$(mktemp -d "$BERTH_ROOT/bundle.XXXXXX")
    [ -d "$lay" ] || umoci init --layout "$lay" || fail "umoci init"
    umoci new --image "$lay:$tag" || fail "umoci new"
    umoci config --image "$lay:$tag" --architecture "$arch" --os linux \
        --config.cmd /bin/sh || fail "umoci config"
    umoci unpack --rootless --image "$lay:$tag" "$bun/b" >/dev/null || fail "umoci unpack"
    cp -a "$ROOTFS/." "$bun/b/rootfs/"
    umoci repack --image "$lay:$tag" "$bun/b" || fail "umoci repack"
    rm -rf "$bun/b" # umoci diffs against the unpack: a new one makes the next repack a new layer
    umoci unpack --rootless --image "$lay:$tag" "$bun/b" >/dev/null || fail "umoci unpack 2"
    echo "$tag $arch" >"$bun/b/rootfs/etc/image-tag"
    [ "$mib" -gt 0 ] && head -c "$((mib * 1048576))" /dev/urandom >"$bun/b/rootfs/random.bin"
    umoci repack --image "$lay:$tag" "$bun/b" || fail "umoci repack 2"
    rm -rf "$bun"
}

# img_push LAYOUT TAG NAME:TAG [skopeo options]: copy to the registry over plain HTTP.
img_push() {
    local lay=$1 tag=$2 dst=$3
    shift 3
    skopeo copy -q --dest-tls-verify=false "$@" "oci:$lay:$tag" \
        "docker://127.0.0.1:$REG_PORT/$dst" || fail "skopeo copy to $dst"
}

# img_index LAYOUT TAG TAG1 TAG2...: an image index TAG in the layout listing those images with
# the platform of each one's config (push it with img_push ... --all).
img_index() {
    python3 - "$@" <<'PY' || fail "img_index"
import hashlib, json, os, sys
lay, tag, parts = sys.argv[1], sys.argv[2], sys.argv[3:]
idx = json.load(open(f"{lay}/index.json"))
def blob(d): return json.load(open(f"{lay}/blobs/sha256/{d[7:]}"))
ents = []
for t in parts:
    m = [m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == t][0]
    cfg = blob(blob(m["digest"])["config"]["digest"])
    ents.append({"mediaType": m["mediaType"], "digest": m["digest"], "size": m["size"],
                 "platform": {"os": cfg["os"], "architecture": cfg["architecture"]}})
data = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": ents}).encode()
d = hashlib.sha256(data).hexdigest()
open(f"{lay}/blobs/sha256/{d}", "wb").write(data)
idx["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                         "digest": "sha256:" + d, "size": len(data),
                         "annotations": {"org.opencontainers.image.ref.name": tag}})
json.dump(idx, open(f"{lay}/index.json", "w"))
PY
}

# reg_blob_file NAME:TAG: the registry's storage file of the image's last layer blob.
reg_last_layer() {
    curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        "http://127.0.0.1:$REG_PORT/v2/${1%%:*}/manifests/${1#*:}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][-1]["digest"][7:])'
}

# slow_proxy DIR: a TCP forwarder on 127.0.0.1:$PROXY_PORT to the registry that sends the
# registry's answers at 256 KiB/s while DIR/slow exists, and logs the requests' Range headers
# to DIR/ranges (a real server in between, so that a pull can be killed half-way).
slow_proxy() {
    local dir=$1
    PROXY_PORT=$(free_port)
    python3 - "$PROXY_PORT" "$REG_PORT" "$dir" <<'PY' &
import os, socket, sys, threading, time
port, reg, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def pump(a, b, up):
    try:
        while True:
            data = a.recv(65536 if up else 16384)
            if not data:
                break
            if up:
                for line in data.split(b"\r\n"):
                    if line.lower().startswith(b"range:"):
                        open(d + "/ranges", "ab").write(line + b"\n")
            elif os.path.exists(d + "/slow"):
                time.sleep(len(data) / (256 * 1024))
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(16)
while True:
    c, _ = ls.accept()
    r = socket.create_connection(("127.0.0.1", reg))
    threading.Thread(target=pump, args=(c, r, True), daemon=True).start()
    threading.Thread(target=pump, args=(r, c, False), daemon=True).start()
PY
    REG_PIDS="$REG_PIDS $!"
    for _ in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:$PROXY_PORT/v2/" && return 0
        sleep 0.1
    done
    fail "the proxy did not start"
}
