/* SPDX-License-Identifier: MIT */
/* The process-wide libvirt part: libvirt loaded and initialised once, its error printers
 * silenced, the event loop thread, the lifecycle eventfd, the time-outs, libvirt's error text. */
#include "vm/global.h"
#include "vm/vm.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vm/virt.h"

#define DEFAULT_TIMEOUT_MS 3000
#define MIN_ACTION_TIMEOUT_MS 30000

static int timeout_ms = -1; /* -1: not set yet */
static int events_fd = -1;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static char global_error[256];

static void
error_ignore(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

typedef void (*xml_error_fn)(void *ctx, const char *msg, ...);

static void
xml_error_ignore(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void
vm_quiet_thread(void)
{
    /* libxml2 is loaded with libvirt; looked up at run time so that berth does not link it */
    void (*set)(void *, xml_error_fn) =
        (void (*)(void *, xml_error_fn))dlsym(RTLD_DEFAULT, "xmlSetGenericErrorFunc");
    if (set)
        set(NULL, xml_error_ignore);
}

static void *
event_loop(void *arg)
{
    (void)arg;
    vm_quiet_thread();
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            usleep(100000);
    }
    return NULL;
}

static void
global_init_once(void)
{
    /* libvirt's own log messages go to stderr unless told otherwise: keep them off the screen
     * (LIBVIRT_LOG_OUTPUTS set by the user wins). */
    setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
    events_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* libvirt (and with it libxml2) is loaded here, before libxml2 is looked up below */
    struct err *e = NULL;
    if (virt_load(&e) < 0) {
        snprintf(global_error, sizeof(global_error), "%s", err_msg(e));
        err_free(e);
        return;
    }
    /* libxml2's lazy set-up is not safe when threads race into it: do it here, first */
    void (*xml_init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "xmlInitParser");
    if (xml_init)
        xml_init();
    if (virInitialize() < 0) {
        snprintf(global_error, sizeof(global_error), "cannot initialise libvirt");
        return;
    }
    virSetErrorFunc(NULL, error_ignore);
    void (*thr_def)(void *, xml_error_fn) =
        (void (*)(void *, xml_error_fn))dlsym(RTLD_DEFAULT, "xmlThrDefSetGenericErrorFunc");
    if (thr_def)
        thr_def(NULL, xml_error_ignore); /* the default for threads made from now on */
    vm_quiet_thread();
    if (virEventRegisterDefaultImpl() < 0) {
        snprintf(global_error, sizeof(global_error), "cannot set up libvirt's event loop");
        return;
    }
    pthread_t t;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &ta, event_loop, NULL) != 0)
        snprintf(global_error, sizeof(global_error), "cannot start libvirt's event thread");
    pthread_attr_destroy(&ta);
}

int
vm_global_init(struct err **err)
{
    pthread_once(&global_once, global_init_once);
    if (global_error[0])
        return err_set(err, 0, "%s", global_error);
    return 0;
}

int
vm_events_fd(void)
{
    pthread_once(&global_once, global_init_once);
    return events_fd;
}

void
vm_events_bump(void)
{
    uint64_t one = 1;
    if (events_fd >= 0 && write(events_fd, &one, sizeof(one)) < 0) {
        /* counter full: readers are already due to wake */
    }
}

void
vm_set_timeout(int ms)
{
    __atomic_store_n(&timeout_ms, ms > 0 ? ms : DEFAULT_TIMEOUT_MS, __ATOMIC_RELAXED);
}

int
vm_timeout_ms(void)
{
    int t = __atomic_load_n(&timeout_ms, __ATOMIC_RELAXED);
    if (t > 0)
        return t;
    const char *env = getenv("BERTH_VM_TIMEOUT_MS");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v <= 3600000 ? (int)v : DEFAULT_TIMEOUT_MS;
}

int
vm_action_timeout_ms(void)
{
    int t = vm_timeout_ms() * 10;
    return t < MIN_ACTION_TIMEOUT_MS ? MIN_ACTION_TIMEOUT_MS : t;
}

void
vm_timeout_text(int ms, char *buf, size_t len)
{
    snprintf(buf, len, "no answer from libvirt within %g s", ms / 1000.0);
}

/* ---- libvirt's errors as text ---- */

void
vm_libvirt_message(char *buf, size_t len)
{
    virErrorPtr e = virGetLastError();
    snprintf(buf, len, "%s", e && e->message ? e->message : "unknown libvirt error");
    for (char *p = buf; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    virResetLastError();
}

int
vm_err_libvirt(struct err **err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    char msg[512];
    vm_libvirt_message(msg, sizeof(msg));
    return err_set(err, 0, "%s: %s", what, msg);
}
