#!/bin/sh
# SPDX-License-Identifier: MIT
# The OCI bundle crun and runc run in bench/ctr-start: runc's default spec, /bin/true, the given
# rootfs read-only, berth's namespaces (pid, network, ipc, uts, mount, cgroup).
#   bench/ctr-start/bundle.sh DIR ROOTFS
set -eu
mkdir -p "$1"
(cd "$1" && runc spec)
python3 - "$1/config.json" "$2" <<'PY'
import json, sys
path, root = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"] = {"path": root, "readonly": True}
c["linux"]["namespaces"] = [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount", "cgroup"]]
json.dump(c, open(path, "w"), indent=1)
PY
