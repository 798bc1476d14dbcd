/* SPDX-License-Identifier: MIT */
/* Relaying the caller's terminal (fds given by the ui, which owns its mode) to a container's pty
 * (exec -t) or attach socket (attach): input, output, window size, the detach keys. */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY_CTRL_P 0x10
#define KEY_CTRL_Q 0x11

struct relay {
    int in, out; /* the caller's terminal (its mode is the caller's) */
    int fd;
    int stop_fd; /* readable: stop (the process exited), -1 for none */
    bool framed, detach_keys;
    bool saw_ctrl_p;
    struct winsize ws;
};

static int
send_bytes(struct relay *r, const char *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (!r->framed)
        return write(r->fd, buf, n) == (ssize_t)n ? 0 : -1;
    char msg[4097];
    msg[0] = CTR_FRAME_DATA;
    memcpy(msg + 1, buf, n);
    return send(r->fd, msg, n + 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void
send_winsize(struct relay *r)
{
    struct winsize ws;
    if (ioctl(r->in, TIOCGWINSZ, &ws) < 0)
        return;
    if (ws.ws_row == r->ws.ws_row && ws.ws_col == r->ws.ws_col)
        return;
    r->ws = ws;
    if (!r->framed) {
        ioctl(r->fd, TIOCSWINSZ, &ws);
        return;
    }
    char msg[5] = {CTR_FRAME_WINSZ};
    memcpy(msg + 1, &ws.ws_row, 2);
    memcpy(msg + 3, &ws.ws_col, 2);
    send(r->fd, msg, sizeof(msg), MSG_NOSIGNAL);
}

/* Input from the user; returns 1 on the detach keys, -1 when the peer is gone. */
static int
from_user(struct relay *r, const char *buf, size_t n)
{
    char out[4096];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (r->detach_keys && r->saw_ctrl_p) {
            r->saw_ctrl_p = false;
            if (c == KEY_CTRL_Q)
                return 1;
            out[k++] = KEY_CTRL_P;
        }
        if (r->detach_keys && c == KEY_CTRL_P) {
            r->saw_ctrl_p = true;
            continue;
        }
        out[k++] = c;
        if (k >= sizeof(out) - 1) {
            if (send_bytes(r, out, k) < 0)
                return -1;
            k = 0;
        }
    }
    return send_bytes(r, out, k) < 0 ? -1 : 0;
}

/* The process exited: copy what its terminal still holds, without waiting for anyone else who
 * keeps the pty open. */
static void
drain(struct relay *r)
{
    char buf[4096];
    for (int i = 0; i < 256; i++) {
        struct pollfd p = {r->fd, POLLIN, 0};
        if (poll(&p, 1, 0) != 1)
            return;
        ssize_t got = read(r->fd, buf, sizeof(buf));
        if (got <= 0 || write(r->out, buf, (size_t)got) < 0)
            return;
    }
}

static int
relay_loop(struct relay *r)
{
    char buf[4096];
    bool in_open = true;
    for (;;) {
        struct pollfd p[3] = {
            {in_open ? r->in : -1, POLLIN, 0}, {r->fd, POLLIN, 0}, {r->stop_fd, POLLIN, 0}};
        int n = poll(p, 3, 500);
        if (n < 0 && errno != EINTR)
            return -1;
        send_winsize(r);
        if (n <= 0)
            continue;
        if (p[1].revents) {
            ssize_t got =
                r->framed ? recv(r->fd, buf, sizeof(buf), 0) : read(r->fd, buf, sizeof(buf));
            if (got <= 0)
                return 0;
            if (write(r->out, buf, (size_t)got) < 0)
                return 0;
        }
        if (p[0].revents) {
            ssize_t got = read(r->in, buf, sizeof(buf));
            if (got <= 0) {
                in_open = false;
                continue;
            }
            int rc = from_user(r, buf, (size_t)got);
            if (rc != 0)
                return rc > 0 ? 1 : 0;
        }
        if (p[2].revents) {
            drain(r);
            return 0;
        }
    }
}

int
ctr_term_relay(int in, int out, int fd, bool detach_keys, bool framed, int stop_fd,
               struct err **err)
{
    struct relay r = {in, out, fd, stop_fd, framed, detach_keys, false, {0}};
    send_winsize(&r);
    int rc = relay_loop(&r);
    if (rc < 0)
        return err_set(err, errno, "terminal relay");
    return rc;
}
