# SPDX-License-Identifier: MIT
# Helpers for the container isolation tests (tests/integration/sec_*.sh); sourced, not a test.
# sec_setup gives each test its own BERTH_ROOT, a private copy of the busybox rootfs with a
# static probe binary at /bin/probe, and a trap that removes every container and mount.

. "$BERTH_SRC/tests/integration/lib.sh"

SEC_CONTAINERS=()

sec_cleanup() {
    local c
    [ -z "${SEC_EXTRA_CLEANUP:-}" ] || eval "$SEC_EXTRA_CLEANUP"
    # BERTH_ROOT is this test's own: every container in it is ours (names made in subshells
    # by $(sec_name ...) included).
    for c in "${SEC_CONTAINERS[@]+"${SEC_CONTAINERS[@]}"}" $(ls "${BERTH_ROOT:-/nonexistent}/lib/containers" 2>/dev/null); do
        "$BERTH_BIN" ctr rm -f "$c" >/dev/null 2>&1
    done
    if [ -n "${SEC_WORK:-}" ] && [ -d "$SEC_WORK" ]; then
        # Anything still mounted below the work dir (a failed run): detach it first.
        findmnt -rn -o TARGET | grep -F "$SEC_WORK" | sort -r | while read -r m; do
            umount -l "$m" 2>/dev/null
        done
        rm -rf "$SEC_WORK"
    fi
}

# A unique container name, removed at exit.
sec_name() {
    local n="sec-$1-$$"
    SEC_CONTAINERS+=("$n")
    echo "$n"
}

# The probe: one static binary that issues the syscalls busybox cannot and prints the outcome
# ("ok" or the errno name), so the tests compare words, not exit codes.
sec_build_probe() {
    cat >"$SEC_WORK/probe.c" <<'C'
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int report(long rc)
{
    if (rc >= 0) { puts("ok"); return 0; }
    const char *n = errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : errno == EACCES ? "EACCES"
        : errno == ETXTBSY ? "ETXTBSY" : errno == ENOENT ? "ENOENT" : errno == EINVAL ? "EINVAL"
        : errno == EAFNOSUPPORT ? "EAFNOSUPPORT" : errno == EROFS ? "EROFS" : NULL;
    if (n) puts(n); else printf("errno%d\n", errno);
    return 1;
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    long a = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
    if (!strcmp(c, "keyctl")) return report(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3, 0, 0, 0));
    if (!strcmp(c, "add_key")) return report(syscall(SYS_add_key, "user", "k", "v", 1, -3));
    if (!strcmp(c, "mount")) return report(mount("none", argc > 2 ? argv[2] : "/mnt", "tmpfs", 0, NULL));
    if (!strcmp(c, "unshare")) return report(unshare(a ? (int)a : CLONE_NEWUSER));
    if (!strcmp(c, "setns")) { int fd = open("/proc/1/ns/net", O_RDONLY); return report(setns(fd, 0)); }
    if (!strcmp(c, "clone-ns")) { long r = syscall(SYS_clone, CLONE_NEWNS | 17 /* SIGCHLD */, 0, 0, 0, 0); if (r == 0) _exit(0); return report(r); }
    if (!strcmp(c, "clone3")) return report(syscall(SYS_clone3, NULL, 0));
    if (!strcmp(c, "socket")) { long r = syscall(SYS_socket, a, argc > 3 ? atoi(argv[3]) : 1, 0); return report(r); }
    if (!strcmp(c, "personality")) return report(syscall(SYS_personality, a));
    if (!strcmp(c, "io_uring")) { long r = syscall(SYS_io_uring_setup, 1, NULL); return report(r < 0 && errno == EFAULT ? 0 : r); }
    if (!strcmp(c, "bpf")) return report(syscall(SYS_bpf, 0, NULL, 0));
    if (!strcmp(c, "open-write")) return report(open(argv[2], O_WRONLY));
    if (!strcmp(c, "fds")) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) printf("%s ", e->d_name);
        puts("");
        return 0;
    }
    /* CVE-2019-5736: until /tmp/hunt-stop exists (at most N seconds), watch every other
     * process and try to open its exe for writing. */
    if (!strcmp(c, "exe-hunt")) {
        int self = getpid();
        time_t end = time(NULL) + (a ? a : 10);
        while (time(NULL) < end && access("/tmp/hunt-stop", F_OK) != 0) {
            DIR *d = opendir("/proc");
            struct dirent *e;
            while (d && (e = readdir(d))) {
                int pid = atoi(e->d_name);
                if (pid <= 1 || pid == self) continue;
                char p[64];
                snprintf(p, sizeof(p), "/proc/%d/exe", pid);
                int fd = open(p, O_PATH);
                if (fd < 0) continue;
                /* A file of the container itself (same inode at the path the link names) may
                 * be written by its root: only other files, the runtime's binary, count. */
                char target[512];
                struct stat a, b;
                ssize_t tl = readlink(p, target, sizeof(target) - 1);
                if (tl > 0) target[tl] = 0;
                if (tl > 0 && fstat(fd, &a) == 0 && stat(target, &b) == 0 && a.st_dev == b.st_dev &&
                    a.st_ino == b.st_ino) {
                    printf("seen-exe %s\n", target);
                    fflush(stdout);
                    close(fd);
                    continue;
                }
                printf("host-exe %s\n", tl > 0 ? target : p);
                fflush(stdout);
                char w[64];
                snprintf(w, sizeof(w), "/proc/self/fd/%d", fd);
                for (int k = 0; k < 200; k++) {
                    int wfd = open(w, O_WRONLY);
                    if (wfd >= 0) { printf("WROTE-OPEN %s\n", p); fflush(stdout); close(wfd); break; }
                    if (errno != ETXTBSY) break;
                    usleep(1000);
                }
                close(fd);
            }
            if (d) closedir(d);
            usleep(500);
        }
        puts("hunt-done");
        return 0;
    }
    fprintf(stderr, "probe: unknown command '%s'\n", c);
    return 2;
}
C
    cc_cached "$SEC_WORK/probe" "$SEC_WORK/probe.c" -static -O1 || fail "cannot build the static probe (libc6-dev)"
}

# sec_setup: work dir, BERTH_ROOT, rootfs copy with /bin/probe; sets SEC_WORK and ROOTFS.
sec_setup() {
    need_root "containers need root"
    command -v cc >/dev/null || skip "no C compiler for the static probe"
    SEC_WORK=$(mktemp -d "/tmp/berth-sec-$(basename "$0" .sh).XXXXXX")
    trap sec_cleanup EXIT
    export BERTH_ROOT=$SEC_WORK/root
    local base
    base=$("$BERTH_SRC/scripts/build-rootfs.sh" "${BERTH_ROOTFS_CACHE:-$BERTH_SRC/build/rootfs/busybox}") ||
        skip "cannot build the busybox rootfs (busybox-static)"
    ROOTFS=$SEC_WORK/rootfs
    cp -a "$base" "$ROOTFS"
    sec_build_probe
    cp "$SEC_WORK/probe" "$ROOTFS/bin/probe"
}

# sec_run NAME [create options] -- CMD...: run --rm in the foreground; stdout+stderr to stdout.
sec_run() {
    local name=$1
    shift
    "$BERTH_BIN" ctr run --rm "$name" --rootfs "$ROOTFS" "$@" 2>&1
}

# sec_run_userns NAME [create options] -- CMD...: sec_run, with root's --userns range read from a
# private /etc/subuid and /etc/subgid (root:100000:65536), bound in a mount namespace of berth's
# own: --userns reads root's range there, and other tests on this machine may change the host's.
sec_run_userns() {
    local name=$1
    shift
    [ -f "$SEC_WORK/subid" ] || printf 'root:100000:65536\n' >"$SEC_WORK/subid"
    unshare -m sh -c 'mount --bind "$1" /etc/subuid && mount --bind "$1" /etc/subgid && shift && exec "$@"' \
        sh "$SEC_WORK/subid" "$BERTH_BIN" ctr run --rm "$name" --rootfs "$ROOTFS" "$@" 2>&1
}

# sec_userns_usable: whether --userns can start here; if berth refuses it for want of id-mapped
# mounts on the rootfs's file system (tmpfs before Linux 6.3, as in the guest suite's tmpfs
# set-ups: docs/TESTING-GUESTS.md), says so in one line so the caller skips its --userns case.
sec_userns_usable() {
    local out
    out=$(sec_run_userns "$(sec_name uok)" --userns -- /bin/true) && return 0
    case $out in *"needs id-mapped mounts"*) ;; *) return 0 ;; esac # other errors: the case fails
    echo "skip: the --userns case: $out"
    return 1
}

# expect WHAT GOT WANT
expect() {
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
    echo "ok: $1 = '$3'"
}

# status_field TEXT FIELD: the value of "Field:" in /proc/self/status text.
status_field() {
    printf '%s\n' "$1" | awk -v f="$2:" '$1 == f { print $2 }'
}
