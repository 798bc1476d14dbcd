#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages berth needs, only those missing.
# usage: scripts/install-deps.sh [build|run|test|bench|fuzz]...   (default: build run)
set -eu

pkgs_build="gcc make pkg-config libncurses-dev libvirt-dev libseccomp-dev libjson-c-dev scdoc"
pkgs_run="libvirt0 libvirt-clients busybox-static genisoimage"
pkgs_test="libcmocka-dev tmux python3 clang-format libvirt-daemon-system libvirt-daemon-driver-qemu
 qemu-system-x86 qemu-utils busybox-static cpio gzip iproute2 procps util-linux kmod psmisc
 man-db strace zsh"
# One line per area (images, networks, the OCI command line, the guest tests), added to the
# build and test groups below.
pkgs_build_image="libarchive-dev libssl-dev libcurl4-openssl-dev"
pkgs_build_net="libnl-route-3-dev libnftables-dev"
pkgs_test_image="umoci skopeo docker-registry apache2-utils openssl curl"
pkgs_test_net="nftables iproute2"
pkgs_test_oci="podman conmon crun runc golang-go"
pkgs_test_guest="qemu-system-x86 qemu-system-common busybox-static cpio gzip e2fsprogs util-linux"
pkgs_build_vm="libssl-dev"
pkgs_test_cloud="genisoimage qemu-utils e2fsprogs"
pkgs_build="$pkgs_build $pkgs_build_image $pkgs_build_net $pkgs_build_vm"
pkgs_test="$pkgs_test $pkgs_test_image $pkgs_test_net $pkgs_test_oci $pkgs_test_guest $pkgs_test_cloud"
pkgs_fuzz="clang libclang-rt-14-dev"
pkgs_bench="crun runc htop btop podman hyperfine"

[ $# -gt 0 ] || set -- build run
want=""
for group in "$@"; do
    case "$group" in
    build) want="$want $pkgs_build" ;;
    run) want="$want $pkgs_run" ;;
    test) want="$want $pkgs_build $pkgs_run $pkgs_test" ;;
    fuzz) want="$want $pkgs_fuzz" ;;
    bench) want="$want $pkgs_bench" ;;
    *) echo "install-deps: unknown group '$group' (build, run, test, fuzz, bench)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $want; do
    case " $missing " in *" $p "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: missing packages:$missing (run as root, or install sudo)" >&2
        exit 1
    fi
else
    SUDO=
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An old package list may not know the packages yet: refresh it once when needed.
if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing; then
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
fi
