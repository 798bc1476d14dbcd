/* SPDX-License-Identifier: MIT */
/* Inside the libvirt provider: the process-wide part (global.c). Not for ui/. */
#pragma once

#include <stddef.h>

#include "common/err.h"

/*
 * One per process, below every connection: libvirt loaded (virt.c) and initialised, its error
 * printers (libvirt's and libxml2's) silenced, one thread running libvirt's event loop
 * (keepalive, close callbacks, lifecycle events, console streams), the lifecycle eventfd
 * (vm_events_fd in vm.h) and the time-outs (vm_set_timeout, vm_timeout_ms in vm.h). Calls no
 * other file of src/vm except virt.c.
 */

/* libvirt initialised, error printer replaced, event loop thread running. Idempotent; -1 when
 * libvirt cannot be loaded or the event loop cannot be set up. Every entry point into src/vm that
 * talks to libvirt calls it first. */
int vm_global_init(struct err **err);
/* Silence libxml2's error printer on the calling thread (its handler is per thread): drivers
 * that parse XML in this process (the test driver) would print parse errors to stderr. */
void vm_quiet_thread(void);
/* Signal the lifecycle eventfd (a domain or connection changed: refresh now). */
void vm_events_bump(void);

/* Time-outs in ms: one action (10 times vm_timeout_ms, at least 30 s). */
int vm_action_timeout_ms(void);
/* "no answer from libvirt within 3 s" */
void vm_timeout_text(int timeout_ms, char *buf, size_t len);

/* libvirt's last error message on one line (then reset). */
void vm_libvirt_message(char *buf, size_t len);
/* libvirt's last error as an err ("what: libvirt's message"). Returns -1. */
int vm_err_libvirt(struct err **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
