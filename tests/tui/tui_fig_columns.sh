#!/bin/bash
# SPDX-License-Identifier: MIT
# The optional VM-vs-container list columns (docs/VM-VS-CONTAINER.md): `columns =` in the config
# turns on START, READY, OVERHD, DISK and KERNEL; a running container shows real figures in them
# (its start and first-output times, its kernel memory, its upper layer, the shared kernel),
# libvirt's test-driver VM "own" as its kernel; `s` sorts by them; on a narrower terminal they
# are dropped (KERNEL first) before any default column.
. "$BERTH_SRC/tests/tui/lib_tui.sh"

tui_ctr_setup # BERTH_ROOT, ROOTFS, P, ctr_cleanup

a=${P}fca
"$BERTH_BIN" ctr run -d "$a" --rootfs "$ROOTFS" -- /bin/sh -c 'echo hello; sleep 1000' >/dev/null ||
    fail "ctr run $a"
for _ in $(seq 100); do
    "$BERTH_BIN" ctr logs "$a" 2>/dev/null | grep -q hello && break
    sleep 0.2
done

need_test_driver
printf 'columns = kind,name,state,cpu,start,ready,overhead,disk,kernel\n' >"$TUI_TMP/cols.conf"
TUI_CONFIG=$TUI_TMP/cols.conf TUI_ENV="BERTH_ROOT=$BERTH_ROOT" tui_start 100 30 -c test:///default
tui_wait "^ *KIND +NAME[^ ]* +STATE +CPU% +START +READY +OVERHD +DISK +KERNEL *$"
num='[0-9.]+'
tui_wait "^ctr +$a +running +$num +$num(ms|s) +$num(ms|s) +$num[BKMG]? +$num[BKMG]? +shared *$" 20
tui_wait "^vm +test +running .* own *$"
row=$(tui_row "$a")
echo "    $row"
# The figures are the ones batch JSON gives for the same container.
"$BERTH_BIN" --batch --no-vms -f json -n 1 >"$TUI_TMP/batch.json" 2>/dev/null ||
    fail "berth --batch failed"
python3 - "$TUI_TMP/batch.json" "$a" "$row" <<'PY' || fail "the columns differ from the batch figures"
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
f = [i for i in d["instances"] if i["id"] == sys.argv[2]][0]["figures"]
cells = sys.argv[3].split()
def ms(t):
    return float(t[:-2]) if t.endswith("ms") else float(t[:-1]) * 1000
start, ready = ms(cells[4]), ms(cells[5])
# The list shows whole ms below a second, 3 significant digits above.
for got, want in ((start, f["start_exec_ns"] / 1e6), (ready, f["start_first_output_ns"] / 1e6)):
    if not (want - 10 <= got <= want + 1 or abs(got - want) <= want * 0.01):
        sys.exit("column %.1f ms, batch %.1f ms" % (got, want))
if not (start <= ready):
    sys.exit("START %s after READY %s" % (cells[4], cells[5]))
PY

# Sorting by the new columns: s steps through the visible columns (name, state, cpu) to START,
# figures biggest first; the containers' rows are then in that order.
for _ in 1 2 3; do tui_keys s; done
tui_wait "START▼"
tui_cap | python3 -c '
import re, sys
v = [l.split()[4] for l in sys.stdin if re.match(r"ctr +\S+ +running", l)]
ms = [float(t[:-2]) if t.endswith("ms") else float(t[:-1]) * 1000 for t in v]
print("    START of the containers, in list order:", " ".join(v))
if len(ms) < 1 or ms != sorted(ms, reverse=True):
    sys.exit("not sorted by START, biggest first: %r" % v)' || fail "sort by START"

# Narrower: KERNEL, DISK, ... go before the default columns.
tui_resize 62 30
tui_wait_gone "KERNEL"
tui_wait "^ *KIND +NAME[^ ]* +STATE +CPU%"
tui_resize 100 30
tui_wait "KERNEL *$"

tui_keys q
tui_wait_exit
[ "$TUI_EXIT" = 0 ] || fail "exit status $TUI_EXIT"
echo "PASS: optional figure columns shown from the config with a container's real figures"
