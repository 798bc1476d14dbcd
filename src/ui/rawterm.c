/* SPDX-License-Identifier: MIT */
/* Raw mode for the caller's terminal, restored on every way out. */
#include "ui/rawterm.h"

#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static struct termios rawterm_saved;
static volatile sig_atomic_t rawterm_active;

void
ui_rawterm_leave(void)
{
    if (rawterm_active)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &rawterm_saved);
    rawterm_active = 0;
}

static void
rawterm_on_signal(int sig)
{
    if (rawterm_active)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &rawterm_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

bool
ui_rawterm_enter(void)
{
    static bool hooked;
    if (rawterm_active || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &rawterm_saved) < 0)
        return false;
    struct termios raw = rawterm_saved;
    cfmakeraw(&raw);
    if (!hooked) {
        static const int sigs[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            signal(sigs[i], rawterm_on_signal);
        atexit(ui_rawterm_leave);
        hooked = true;
    }
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return false;
    rawterm_active = 1;
    return true;
}
