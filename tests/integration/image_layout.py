#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Build OCI image layouts for the image tests, including hostile ones that no real tool makes.
# usage: image_layout.py KIND DIR [ARG]
#   layers N      N small layers (file /lN in layer N, /bottom in the first): the many-layer case
#   traversal     a layer with an entry "../escaped"
#   abs-symlink   a symlink "lnk" -> ARG (an outside dir), then "lnk/pwned" written through it
#   hardlink-out  a hardlink "h" -> "../../outside"
#   bad-digest    a layer whose bytes do not match its digest
#   truncated     a gzip layer cut in half (digest and size made to match the cut bytes)
#   bad-diffid    a layer whose diff_id in the config is wrong
#   corrupt-json  index.json is not JSON
#   huge-size     the manifest gives a layer a size of 2^62
#   multiarch     index.json -> a nested index of linux/arm64 and linux/amd64 images (/arch says)
#   opaque        layer 1: /d/old; layer 2: /d opaque (.wh..wh..opq) with /d/new, /gone whiteout
import gzip, hashlib, io, json, os, sys, tarfile


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            ti.mode = e.get("mode", 0o644)
            data = e.get("data", b"")
            kind = e.get("type", "file")
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e["target"]
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = e["target"]
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def put(d, data):
    h = hashlib.sha256(data).hexdigest()
    with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h


def layout(d, layers, tamper=None):
    """layers: list of uncompressed tar bytes; gzip'd unless tamper says otherwise."""
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    descs, diff_ids = [], []
    for i, tb in enumerate(layers):
        diff_ids.append("sha256:" + hashlib.sha256(tb).hexdigest())
        gz = gzip.compress(tb, mtime=0)
        if tamper == "truncated" and i == len(layers) - 1:
            gz = gz[: len(gz) // 2]
        dg = put(d, gz)
        size = len(gz)
        if tamper == "bad-digest" and i == len(layers) - 1:
            p = os.path.join(d, "blobs", "sha256", dg[7:])
            with open(p, "r+b") as f:
                f.seek(len(gz) // 2)
                f.write(b"\x00\x01\x02")
        if tamper == "huge-size":
            size = 1 << 62
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": dg, "size": size})
    if tamper == "bad-diffid":
        diff_ids[-1] = "sha256:" + "0" * 64
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"Cmd": ["/bin/sh"]},
                      "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    cd = put(d, cfg)
    man = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": cd, "size": len(cfg)},
                      "layers": descs}).encode()
    md = put(d, man)
    idx = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
         "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}
    with open(os.path.join(d, "index.json"), "w") as f:
        if tamper == "corrupt-json":
            f.write('{"schemaVersion": 2, "manifests": [')
        else:
            json.dump(idx, f)


def main():
    kind, d = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else None
    base = [{"name": "etc", "type": "dir"}, {"name": "etc/hello", "data": b"hello\n"}]
    if kind == "layers":
        n = int(arg)
        layers = [tar_bytes(base + [{"name": "bottom", "data": b"bottom\n"}])]
        layers += [tar_bytes([{"name": "l%d" % i, "data": b"%d\n" % i}]) for i in range(2, n + 1)]
        layout(d, layers)
    elif kind == "traversal":
        layout(d, [tar_bytes(base + [{"name": "../escaped", "data": b"x"}])])
    elif kind == "abs-symlink":
        layout(d, [tar_bytes(base + [{"name": "lnk", "type": "symlink", "target": arg},
                                     {"name": "lnk/pwned", "data": b"x"}])])
    elif kind == "hardlink-out":
        layout(d, [tar_bytes(base + [{"name": "h", "type": "hardlink",
                                      "target": "../../outside"}])])
    elif kind in ("bad-digest", "truncated", "bad-diffid", "corrupt-json", "huge-size"):
        layout(d, [tar_bytes(base), tar_bytes([{"name": "x" * 10, "data": b"y" * 100000}])],
               tamper=kind)
    elif kind == "multiarch":
        entries = []
        for arch in ("arm64", "amd64"):
            layout(d, [tar_bytes([{"name": "arch", "data": arch.encode() + b"\n"}])])
            e = json.load(open(os.path.join(d, "index.json")))["manifests"][0]
            e["platform"] = {"os": "linux", "architecture": arch}
            del e["annotations"]
            entries.append(e)
        nested = json.dumps({"schemaVersion": 2, "manifests": entries}).encode()
        nd = put(d, nested)
        with open(os.path.join(d, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [
                {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": nd,
                 "size": len(nested)}]}, f)
    elif kind == "opaque":
        l1 = tar_bytes(base + [{"name": "d", "type": "dir"}, {"name": "d/old", "data": b"o"},
                               {"name": "gone", "data": b"g"}])
        l2 = tar_bytes([{"name": "d", "type": "dir"}, {"name": "d/.wh..wh..opq"},
                        {"name": "d/new", "data": b"n"}, {"name": ".wh.gone"}])
        layout(d, [l1, l2])
    else:
        sys.exit("unknown kind " + kind)


main()
