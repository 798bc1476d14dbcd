/* SPDX-License-Identifier: MIT */
/* Relaying the caller's terminal to a container's pty (exec -t) or attach socket (attach). */
#include "ctr/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define KEY_CTRL_P 0x10
#define KEY_CTRL_Q 0x11

struct relay {
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
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
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
        if (got <= 0 || write(STDOUT_FILENO, buf, (size_t)got) < 0)
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
            {in_open ? STDIN_FILENO : -1, POLLIN, 0}, {r->fd, POLLIN, 0}, {r->stop_fd, POLLIN, 0}};
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
            if (write(STDOUT_FILENO, buf, (size_t)got) < 0)
                return 0;
        }
        if (p[0].revents) {
            ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
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
ctr_term_relay(int fd, bool detach_keys, bool framed, int stop_fd, struct err **err)
{
    struct relay r = {fd, stop_fd, framed, detach_keys, false, {0}};
    struct termios saved, raw;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    send_winsize(&r);
    int rc = relay_loop(&r);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (rc < 0)
        return err_set(err, errno, "terminal relay");
    return rc;
}

int
ctr_fd_send(int sock, char tag, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = {&tag, 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

ssize_t
ctr_fd_recv(int sock, char *buf, size_t len, int *fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {buf, len};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    *fd = -1;
    ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    }
    return n;
}

/* A pty of the devpts mounted at /dev/pts (the container's, after setns or pivot_root): the
 * slave becomes stdio and the controlling terminal; the master is returned. */
int
ctr_pty_inside(int *slave_out, char *name, size_t len, struct err **err)
{
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return err_set(err, errno, "open /dev/ptmx in the container");
    if (unlockpt(m) < 0 || ptsname_r(m, name, len) != 0) {
        close(m);
        return err_set(err, errno, "set up the pseudo-terminal");
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        close(m);
        return err_set(err, errno, "open '%s'", name);
    }
    *slave_out = s;
    return m;
}
