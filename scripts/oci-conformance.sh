#!/bin/bash
# `make oci-conformance`: the OCI runtime-tools validation suite (../shared/oci-runtime-tools, or
# $OCI_SUITE) against berth-oci, then against crun and runc when installed, for comparison.
# Prints each runtime's per-test lines and "N passed, N failed"; a summary at the end.
#   scripts/oci-conformance.sh [RUNTIME...]   (default: berth crun runc)
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
suite=${OCI_SUITE:-$src/../shared/oci-runtime-tools}
[ -x "$suite/run.sh" ] || suite=/work/shared/oci-runtime-tools
[ -x "$suite/run.sh" ] || { echo "oci-conformance: no runtime-tools suite (set OCI_SUITE)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "oci-conformance: needs root" >&2; exit 1; }
work=${OCI_WORK:-/var/tmp/oci-runtime-tools}
bin=$(mktemp -d /tmp/berth-oci-conf.XXXXXX)
trap 'rm -rf "$bin"' EXIT
ln -s "$src/berth" "$bin/berth-oci"
# crun refuses the hybrid cgroup layout: run it with the v2 mount hidden (a private mount
# namespace where /sys/fs/cgroup/unified is an empty tmpfs), as the suite's README says.
cat >"$bin/crun-hidden-v2" <<'EOS'
#!/bin/sh
exec unshare -m sh -c 'mountpoint -q /sys/fs/cgroup/unified && mount -t tmpfs none /sys/fs/cgroup/unified; exec crun "$@"' crun "$@"
EOS
chmod +x "$bin/crun-hidden-v2"
# berth's containers of the run under a root of their own, not the dashboard's.
export BERTH_ROOT=$bin/root
summary=""
for rt in "${@:-berth crun runc}"; do
    for r in $rt; do
        case $r in
        berth) path=$bin/berth-oci ;;
        crun) path=$bin/crun-hidden-v2; command -v crun >/dev/null || continue ;;
        runc) path=$(command -v runc) || continue ;;
        *) path=$r ;;
        esac
        echo "== $r ($path)"
        start=$(date +%s)
        "$suite/run.sh" "$path" "$work" | tee "$bin/$r.out"
        secs=$(($(date +%s) - start))
        summary="$summary$r: $(tail -n1 "$bin/$r.out") in ${secs}s
"
        mkdir -p "$work/results" && cp "$bin/$r.out" "$work/results/$r.txt"
        rm -rf "$work/results/$r-logs" && cp -r "$work/logs" "$work/results/$r-logs"
    done
done
printf '== summary\n%s' "$summary"
