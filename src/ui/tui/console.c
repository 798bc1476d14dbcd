/* SPDX-License-Identifier: MIT */
/* The console key: hand the terminal to the selection's console (VM serial console, container
 * attach) and take it back intact. SIGTERM or SIGHUP meanwhile quits the dashboard after. */
#include "ui/tui/tui.h"

#include <curses.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <term.h>

#include "ui/rawterm.h"

static volatile sig_atomic_t attach_quit;

static void
attach_handler(int sig)
{
    if (sig != SIGINT)
        attach_quit = 1;
}

/* Clear the caller's terminal (curses is suspended): its clear sequence, or ANSI's. */
static void
console_clear(void)
{
    const char *cl = tigetstr((char *)(uintptr_t) "clear");
    if (cl && cl != (char *)-1)
        putp(cl); /* with its padding, if any */
    else
        fputs("\033[H\033[2J", stdout);
    fflush(stdout);
}

/* Hand the terminal to the selection's console, and take it back intact. */
unsigned
tui_console(struct tui *t)
{
    struct inst *in = tui_view_selected(t, NULL);
    struct provider *p = in ? app_provider_for(&t->app, in) : NULL;
    if (!in || !p || !p->ops->attach) {
        tui_status(t, true, in ? "no console for '%s'" : "nothing selected", in ? in->name : "");
        return REDRAW_STATUS;
    }
    char id[256], name[256];
    snprintf(id, sizeof(id), "%s", in->id);
    snprintf(name, sizeof(name), "%s", in->name);
    bool vm = in->kind == INST_KIND_VM;
    def_prog_mode();
    endwin();
    /* A clean screen (no earlier console's output, no shell behind the dashboard), then how
     * to come back: the VM console's escape key, or the end of the container's shell. */
    console_clear();
    printf("berth: console of %s '%s' (%s)\n", vm ? "vm" : "container", name,
           vm ? "Ctrl-] returns to the dashboard"
              : "a shell in the container: exit or Ctrl-D returns to the dashboard");
    fflush(stdout);
    /* before the handlers below: its first use installs its own restoring ones */
    bool raw = ui_rawterm_enter();
    struct sigaction sa = {.sa_handler = attach_handler}, old[3];
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    sigaction(SIGHUP, &sa, &old[2]);
    sigset_t prev;
    pthread_sigmask(SIG_UNBLOCK, &t->loop_sigset, &prev);
    cleanup_err struct err *e = NULL;
    int rc = p->ops->attach(p->self, id, &e);
    pthread_sigmask(SIG_SETMASK, &prev, NULL);
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    sigaction(SIGHUP, &old[2], NULL);
    if (raw)
        ui_rawterm_leave();
    console_clear(); /* the console's output stays behind neither the dashboard nor its exit */
    reset_prog_mode();
    refresh();
    if (rc < 0)
        tui_status(t, true, "console '%s': %s", name, err_msg(e));
    else
        tui_status(t, false, "console '%s' closed", name);
    if (attach_quit)
        t->quit = true;
    tui_child_reap(t);
    return REDRAW_LAYOUT | REDRAW_FULL | REDRAW_VIEW | REDRAW_ALL;
}
