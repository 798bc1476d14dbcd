#!/bin/bash
# SPDX-License-Identifier: MIT
# Devices passed through, as a VM isolation fact (batch JSON figures.isolation, "devices ..."),
# against libvirt's test driver: a node file with a domain that has a <hostdev> of each kind
# (PCI, USB by address and by vendor/product, SCSI, a host block device), an SR-IOV VF interface,
# a SCSI LUN and an evdev input, and a domain without any ("devices none").
set -u
. "$BERTH_SRC/tests/integration/lib_vm.sh"
tmp=$(mktemp -d /tmp/berth-vmdevs-$$.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/node.xml" <<'XML'
<node>
  <domain type='test'>
    <name>pt</name>
    <memory unit='MiB'>64</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <hostdev mode='subsystem' type='pci' managed='yes'>
        <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source>
      </hostdev>
      <hostdev mode='subsystem' type='usb'>
        <source><address bus='1' device='5'/></source>
      </hostdev>
      <hostdev mode='subsystem' type='usb'>
        <source><vendor id='0x1234'/><product id='0xbeef'/></source>
      </hostdev>
      <hostdev mode='subsystem' type='scsi'>
        <source><adapter name='scsi_host0'/><address bus='0' target='0' unit='1'/></source>
      </hostdev>
      <hostdev mode='capabilities' type='storage'>
        <source><block>/dev/sdf1</block></source>
      </hostdev>
      <interface type='hostdev' managed='yes'>
        <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/></source>
      </interface>
      <disk type='block' device='lun'>
        <source dev='/dev/sdg'/>
        <target dev='sdb' bus='scsi'/>
      </disk>
      <input type='evdev'>
        <source dev='/dev/input/event3'/>
      </input>
    </devices>
  </domain>
  <domain type='test'>
    <name>plain</name>
    <memory unit='MiB'>64</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
  </domain>
</node>
XML
run -c "test://$tmp/node.xml" --batch --no-containers -f json -n 1
[ "$rc" -eq 0 ] || fail "berth --batch on the node file: exit $rc: $err"
echo "$out" | tail -1 >"$tmp/batch.json"
python3 - "$tmp/batch.json" <<'PY' || fail "devices wrong (above)"
import json, sys
d = json.loads(open(sys.argv[1]).read())
iso = {i["name"]: i["figures"]["isolation"] for i in d["instances"]}
print("    pt:", iso.get("pt"))
print("    plain:", iso.get("plain"))
want = ("devices pci 0000:01:00.1, usb bus 1 dev 5, usb 1234:beef, scsi scsi_host0:0:0:1, "
        "storage /dev/sdf1, net pci 0000:03:10.2, lun /dev/sdg, input /dev/input/event3")
if not (iso.get("pt") or "").endswith(want):
    sys.exit("pt: %r does not end with %r" % (iso.get("pt"), want))
if not (iso.get("plain") or "").endswith("devices none"):
    sys.exit("plain: %r does not end with 'devices none'" % iso.get("plain"))
PY
echo "ok - hostdevs (pci, usb, scsi, storage), a VF interface, a lun and an evdev input listed; none for a plain domain"
