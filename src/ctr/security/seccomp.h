/* SPDX-License-Identifier: MIT */
/* seccomp: berth's default profile, Docker/OCI profile conversion, compiling an OCI
 * linux.seccomp section to BPF with libseccomp, the compiled-filter cache, and loading. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <linux/filter.h>

#include "common/err.h"

/* A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
struct seccomp_prog {
    struct sock_filter *insns; /* owned */
    size_t len;                /* instructions */
    unsigned int flags;        /* SECCOMP_FILTER_FLAG_* from the section's "flags" */
};

/* The Docker-format template of berth's default profile (new reference): Docker's default
 * allow-list with io_uring removed and AF_ALG/AF_VSOCK sockets refused. */
json_object *seccomp_default_template(void);

/* The OCI linux.seccomp section of berth's default profile for a container whose bounding
 * set is caps (entries that depend on capabilities follow Docker's rules). New reference. */
int seccomp_default_oci(uint64_t caps, json_object **out, struct err **err);

/* Convert a profile file's JSON, Docker format (archMap, includes/excludes, "name") or OCI
 * format, to an OCI linux.seccomp section for this host's architecture and bounding set caps.
 * Validates actions, operators, architectures; unknown syscall names are kept (ignored at
 * compile time, as they may exist on other architectures). */
int seccomp_profile_to_oci(json_object *profile, uint64_t caps, json_object **out,
                           struct err **err);

/* Compile an OCI linux.seccomp section. */
int seccomp_compile(json_object *oci, struct seccomp_prog *out, struct err **err);

/* Compile through the cache: the key is the section's canonical text, the libseccomp version
 * and the native architecture; the file name is a hash of it and the file holds the key, so a
 * hash collision can never load another profile's filter. cache_dir NULL = no cache; a cache
 * that cannot be used (missing, foreign owner, writable by others, corrupt) is bypassed.
 * *hit (may be NULL) tells whether the filter came from the cache. */
int seccomp_compile_cached(json_object *oci, const char *cache_dir, struct seccomp_prog *out,
                           bool *hit, struct err **err);

/* Where the cache lives: $BERTH_SECCOMP_CACHE ("off" disables it), else
 * <runtime state dir>/.seccomp-cache (/run/berth, $BERTH_ROOT/run, $XDG_RUNTIME_DIR/berth).
 * Returns false when there is none. */
bool seccomp_cache_dir(char *buf, size_t size);

/* Load the filter into the calling thread (needs no_new_privs or CAP_SYS_ADMIN). */
int seccomp_prog_install(const struct seccomp_prog *p, struct err **err);

void seccomp_prog_done(struct seccomp_prog *p);
