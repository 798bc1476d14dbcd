#!/bin/bash
# SPDX-License-Identifier: MIT
# Lifecycle events reach berth's libvirt provider without waiting for a refresh: a guest is
# started, paused, resumed and destroyed behind berth's back (with virsh), and a small program
# linked with libberth.a, which never samples on a timer but only when vm_events_fd() wakes it,
# sees each change within a few seconds. (vmreal_events_batch.sh checks berth --batch.)
. "$BERTH_SRC"/tests/integration/lib_vm.sh
vm_setup

lib=$BERTH_SRC/${B:-build}/libberth.a
[ -f "$lib" ] || fail "$lib missing (make builds it)"
cat >"$VM_TMP/evwatch.c" <<'EOF'
/* Print the domain's state each time berth's event fd wakes up; never sample on a timer. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common/model.h"
#include "vm/vm.h"

static const char *state_of(struct provider *p, const char *dom) {
    static char buf[32];
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    snprintf(buf, sizeof(buf), "absent");
    if (p->ops->sample(p->self, &l, &e) == 0)
        for (size_t i = 0; i < l.n; i++)
            if (strcmp(l.v[i].name, dom) == 0)
                snprintf(buf, sizeof(buf), "%s", inst_state_name(l.v[i].state));
    err_free(e);
    inst_list_done(&l);
    return buf;
}

int main(int argc, char **argv) {
    struct provider p;
    struct err *e = NULL;
    if (argc != 4 || vm_provider_new(argv[1], &p, &e) < 0 ||
        vm_wait_connected(vm_provider_get(&p), 10000, &e) < 0) {
        fprintf(stderr, "evwatch: %s\n", err_msg(e));
        return 1;
    }
    int fd = vm_events_fd(), limit_s = atoi(argv[3]);
    uint64_t v;
    printf("ready %s\n", state_of(&p, argv[2]));
    fflush(stdout);
    while (read(fd, &v, sizeof(v)) == sizeof(v)) /* drain wake-ups from connecting */
        ;
    time_t end = time(NULL) + limit_s;
    while (time(NULL) < end) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 1000) <= 0)
            continue;
        while (read(fd, &v, sizeof(v)) == sizeof(v))
            ;
        printf("wake %s\n", state_of(&p, argv[2]));
        fflush(stdout);
    }
    p.ops->close(p.self);
    return 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config output is a word list
# The sanitizer build's library needs its runtime linked in as well.
sanflags=
case $lib in *build-san*) sanflags="-fsanitize=address,undefined" ;; esac
cc -std=gnu11 -D_GNU_SOURCE $sanflags -I"$BERTH_SRC"/src $(pkg-config --cflags libvirt json-c) \
    -o "$VM_TMP/evwatch" "$VM_TMP/evwatch.c" "$lib" \
    $(pkg-config --libs libvirt json-c ncursesw libseccomp) -pthread -lm -lutil ||
    fail "cannot build the event watcher against $lib"

vm_name dom ev
vm_create "$dom" idle

# wait_in FILE PATTERN SECONDS WHAT
wait_in() {
    local end=$((SECONDS + $3))
    while ! grep -q "$2" "$1"; do
        [ $SECONDS -lt $end ] || fail "$4: nothing matching '$2' within $3 s: $(tr '\n' '|' <"$1" | head -c 600)"
        sleep 0.1
    done
}

# ---- 1: the provider's event fd ----
ev=$VM_TMP/evwatch.out
: >"$ev"
bg "$VM_TMP/evwatch" "$URI" "$dom" 120 >>"$ev" 2>"$VM_TMP/evwatch.err" # O_APPEND: truncated below
wait_in "$ev" '^ready stopped$' 20 "event watcher start"
for step in "start:running" "suspend:paused" "resume:running" "destroy:stopped"; do
    t=$(date +%s%N)
    virsh_ "${step%%:*}" "$dom" >/dev/null || fail "virsh ${step%%:*} failed"
    wait_in "$ev" "^wake ${step#*:}\$" 10 "provider event after virsh ${step%%:*}"
    note "virsh ${step%%:*}: berth's provider woke with $dom ${step#*:} after $((($(date +%s%N) - t) / 1000000)) ms"
    : >"$ev"
done
echo "PASS: lifecycle events wake berth's provider, whose next sample shows the change"

