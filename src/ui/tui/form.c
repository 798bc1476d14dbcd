/* SPDX-License-Identifier: MIT */
/*
 * The new container / new VM forms: their fields, keys and drawing. A form builds an argv and
 * runs berth's own CLI as a child (`/proc/self/exe ctr create ...`), so the dashboard does
 * exactly what the CLI does.
 */
#include "ui/tui/tui.h"

#include "ui/tui/shellwords.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>

#define ARGV_MAX 48

enum { F_NAME, F_ROOTFS, F_CMD, F_MEM, F_CPUS, F_PIDS, F_NET, F_VOLUMES, F_RESTART };
enum { V_NAME, V_MEM, V_VCPUS, V_DISK, V_VIRT, V_CPU, V_IMAGE, V_SSH_KEY };

void
tui_form_open(struct tui *t, bool vm)
{
    static const char *const ctr_labels[] = {
        "name", "rootfs",  "command",          "memory",        "CPUs",
        "pids", "network", "volumes (-v ...)", "restart policy"};
    /* virt type and CPU: empty = berth vm create's defaults (from the host's capabilities) */
    static const char *const vm_labels[] = {"name", "memory", "vCPUs", "disk, ISO or size",
                                            "virt type (kvm|qemu)", "CPU (host-model|...)",
                                            /* a cloud image: --image FILE --cloud-init */
                                            "cloud image (file)", "SSH key for it (file)"};
    struct tui_form *f = &t->form;
    memset(f, 0, sizeof(*f));
    f->vm = vm;
    f->nfields = vm ? 8 : 9;
    for (int i = 0; i < f->nfields; i++)
        f->labels[i] = vm ? vm_labels[i] : ctr_labels[i];
    if (vm) {
        snprintf(f->values[V_MEM], TUI_FIELD_MAX, "256M");
        snprintf(f->values[V_VCPUS], TUI_FIELD_MAX, "1");
    } else {
        /* Runs without a terminal (the form's container has none; a bare /bin/sh would read
         * EOF and exit at once) and shows something in the log view. */
        snprintf(f->values[F_CMD], TUI_FIELD_MAX, "/bin/sh -c 'while :; do date; sleep 5; done'");
        snprintf(f->values[F_MEM], TUI_FIELD_MAX, "64M");
        snprintf(f->values[F_NET], TUI_FIELD_MAX, "none");
        snprintf(f->values[F_RESTART], TUI_FIELD_MAX, "no");
    }
    t->mode = TUI_MODE_FORM;
}

static void
add_opt(char **argv, int *n, const char *opt, char *val)
{
    if (!*val || *n + 2 >= ARGV_MAX)
        return;
    argv[(*n)++] = (char *)(uintptr_t)opt;
    argv[(*n)++] = val;
}

static bool
looks_like_size(const char *s)
{
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s) || *s == '.')
        s++;
    return *s && strchr("KkMmGgTt", *s) &&
           (!s[1] || strcasecmp(s + 1, "B") == 0 || strcasecmp(s + 1, "iB") == 0);
}

/* The first libvirt connection's URI, for `berth -c URI vm create`. */
static const char *
vm_uri(struct tui *t)
{
    for (size_t i = 0; i < t->nconns; i++) {
        if (t->conns[i].state == CONN_STATE_CONNECTED)
            return t->conns[i].uri;
    }
    return t->nconns ? t->conns[0].uri : NULL;
}

static int
form_argv_vm(struct tui *t, struct tui_form *f, char **argv)
{
    int n = 0;
    argv[n++] = (char *)(uintptr_t) "berth";
    const char *uri = vm_uri(t);
    if (uri) {
        argv[n++] = (char *)(uintptr_t) "-c";
        argv[n++] = (char *)(uintptr_t)uri;
    }
    argv[n++] = (char *)(uintptr_t) "vm";
    argv[n++] = (char *)(uintptr_t) "create";
    argv[n++] = f->values[V_NAME];
    add_opt(argv, &n, "--memory", f->values[V_MEM]);
    add_opt(argv, &n, "--vcpus", f->values[V_VCPUS]);
    char *d = f->values[V_DISK];
    size_t dl = strlen(d);
    const char *opt = dl > 4 && strcasecmp(d + dl - 4, ".iso") == 0 ? "--iso"
                      : looks_like_size(d)                          ? "--disk-size"
                                                                    : "--disk";
    add_opt(argv, &n, opt, d);
    add_opt(argv, &n, "--virt-type", f->values[V_VIRT]);
    add_opt(argv, &n, "--cpu", f->values[V_CPU]);
    if (f->values[V_IMAGE][0]) { /* the disk field's size, if any, is the overlay's */
        add_opt(argv, &n, "--image", f->values[V_IMAGE]);
        argv[n++] = (char *)(uintptr_t) "--cloud-init";
        add_opt(argv, &n, "--ssh-key", f->values[V_SSH_KEY]);
    }
    argv[n] = NULL;
    return n;
}

/* words: where the split command's words go (TUI_FIELD_MAX bytes). */
static int
form_argv_ctr(struct tui_form *f, char **argv, char *words, struct err **err)
{
    int n = 0;
    argv[n++] = (char *)(uintptr_t) "berth";
    argv[n++] = (char *)(uintptr_t) "ctr";
    argv[n++] = (char *)(uintptr_t) "create";
    argv[n++] = f->values[F_NAME];
    add_opt(argv, &n, "--rootfs", f->values[F_ROOTFS]);
    add_opt(argv, &n, "--memory", f->values[F_MEM]);
    add_opt(argv, &n, "--cpus", f->values[F_CPUS]);
    add_opt(argv, &n, "--pids", f->values[F_PIDS]);
    add_opt(argv, &n, "--net", f->values[F_NET]);
    add_opt(argv, &n, "--restart", f->values[F_RESTART]);
    /* volumes: -v values separated by spaces (split in place: f is the caller's copy) */
    for (char *v = strtok(f->values[F_VOLUMES], " \t"); v; v = strtok(NULL, " \t"))
        add_opt(argv, &n, "-v", v);
    if (f->values[F_CMD][0]) {
        argv[n++] = (char *)(uintptr_t) "--";
        int nw = shellwords_split(f->values[F_CMD], words, TUI_FIELD_MAX, argv + n,
                                  ARGV_MAX - n - 1, err);
        if (nw < 0)
            return -1;
        n += nw;
    }
    argv[n] = NULL;
    return n;
}

static unsigned
form_submit(struct tui *t)
{
    struct tui_form *f = &t->form;
    if (!f->values[0][0]) {
        tui_status(t, true, "the name is required");
        f->cur = 0;
        return REDRAW_ALL;
    }
    struct tui_form copy = *f; /* argv points into it while spawning */
    char *argv[ARGV_MAX];
    char what[160];
    snprintf(what, sizeof(what), "create %s '%.100s'", f->vm ? "vm" : "container", f->values[0]);
    char words[TUI_FIELD_MAX];
    cleanup_err struct err *e = NULL;
    if (f->vm) {
        form_argv_vm(t, &copy, argv);
    } else if (form_argv_ctr(&copy, argv, words, &e) < 0) {
        tui_status(t, true, "%s", err_msg(e));
        f->cur = F_CMD;
        return REDRAW_ALL;
    }
    if (tui_child_spawn(t, argv, what, f->vm ? NULL : f->values[0], &e) < 0)
        tui_status(t, true, "%s: %s", what, err_msg(e));
    else
        tui_status(t, false, "%s…", what);
    t->mode = TUI_MODE_NORMAL;
    return REDRAW_ALL;
}

unsigned
tui_form_key(struct tui *t, int key)
{
    struct tui_form *f = &t->form;
    if (key == KEYS_ESC) {
        t->mode = TUI_MODE_NORMAL;
        tui_status(t, false, "cancelled");
    } else if (key == '\n') {
        return form_submit(t);
    } else if (key == '\t' || key == KEY_DOWN) {
        f->cur = (f->cur + 1) % f->nfields;
    } else if (key == KEY_BTAB || key == KEY_UP) {
        f->cur = (f->cur + f->nfields - 1) % f->nfields;
    } else {
        lineedit_key(f->values[f->cur], TUI_FIELD_MAX, key);
    }
    return REDRAW_ALL;
}

void
tui_form_draw(struct tui *t, const struct rect *body)
{
    struct tui_form *f = &t->form;
    int w = body->w > 70 ? 64 : body->w - 4, h = f->nfields + 4;
    struct rect r = {body->y + (body->h - h) / 2, (body->w - w) / 2, h, w};
    if (r.h > body->h)
        r.h = body->h;
    tui_overlay_line(t, &r, 0, THEME_ROLE_TITLE,
                     f->vm ? "new VM (berth vm create)"
                           : "new container (berth ctr create, then start)");
    for (int i = 0; i < f->nfields; i++) {
        char line[512];
        bool cur = i == f->cur;
        snprintf(line, sizeof(line), "%-18s %s%s", f->labels[i], f->values[i], cur ? "_" : "");
        tui_overlay_line(t, &r, i + 1, cur ? THEME_ROLE_SELECTED : THEME_ROLE_NORMAL, line);
    }
    tui_overlay_line(t, &r, f->nfields + 1, THEME_ROLE_NORMAL, "");
    tui_overlay_line(t, &r, f->nfields + 2, THEME_ROLE_DIM,
                     "Tab/arrows move, Enter creates, Esc cancels, C-u clears");
}
