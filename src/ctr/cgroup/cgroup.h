/* SPDX-License-Identifier: MIT */
/*
 * The cgroup manager (src/ctr/cgroup/): one ops table per backend (v2.c, v1.c, hybrid.c, none.c),
 * picked by manager.c; common.c holds the helpers the backends share. Call order inside: manager.c
 * -> backends -> common.c; orphans.c uses manager.c. Below runtime/ and store/query.c: files
 * here call only src/common/ and store/paths.c (ctr_fmt, ctr_cgroup_parent). A container's group is
 * "<ctr_cgroup_parent()>/<name>" under ctr_cgroup_root(). Private to src/ctr/.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* ---- manager.c + v1.c, v2.c, hybrid.c, none.c: the backends ---- */
struct ctr_limits {
    int64_t mem;   /* bytes, -1 none */
    int64_t quota; /* us per period, -1 none */
    uint64_t period;
    int64_t pids; /* -1 none */
};

struct ctr_cgstats {
    uint64_t cpu_ns, mem, mem_limit, pids, rd, wr; /* INST_UNKNOWN when absent */
};

/* Open stat files of one cgroup (kept open, re-read with pread). */
struct ctr_cgfds {
    int cpu, mem, mem_limit, pids, io;
};

/* What those files held (read from offset 0, NUL-terminated); NULL when absent or unreadable. */
struct ctr_cgtext {
    const char *cpu, *mem, *mem_limit, *pids, *io;
};

struct cgroup_ops {
    const char *name; /* "v2", "v1", "hybrid" */
    int (*create)(const char *path, const struct ctr_limits *lim, struct err **err);
    int (*attach)(const char *path, pid_t pid, struct err **err);
    /* The group's directory (O_DIRECTORY) for clone3's CLONE_INTO_CGROUP, which puts the child
     * there as it is made (no attach after); -1 when it cannot be opened. NULL for backends
     * whose group spans several hierarchies (v1, hybrid) or is none. */
    int (*clone_dir)(const char *path);
    int (*freeze)(const char *path, bool frozen, struct err **err);
    /* Number of OOM kills in the group so far (0 when unknown). */
    uint64_t (*oom_kills)(const char *path);
    /* Send sig to every process in the group. */
    void (*kill_all)(const char *path, int sig);
    int (*destroy)(const char *path, struct err **err);
    void (*stats_open)(const char *path, struct ctr_cgfds *fds);
    void (*stats_read)(const struct ctr_cgfds *fds, struct ctr_cgstats *out);
    /* The figures from the files' contents, so that a caller can read many groups' files in one
     * batch (cgroup/rdbatch.h). NULL when the backend has no files (stats_read then). */
    void (*stats_parse)(const struct ctr_cgtext *text, struct ctr_cgstats *out);
};

extern const struct cgroup_ops ctr_cgroup_v1_ops;
extern const struct cgroup_ops ctr_cgroup_v2_ops;
extern const struct cgroup_ops ctr_cgroup_hybrid_ops;
/* Rootless without a delegated cgroup: no cgroup; limits and pause reported unavailable. */
extern const struct cgroup_ops ctr_cgroup_none_ops;

/* The manager for this host (/sys/fs/cgroup layout), or NULL with err. */
const struct cgroup_ops *ctr_cgroup_detect(struct err **err);
const struct cgroup_ops *ctr_cgroup_by_name(const char *name);
/* Root of the v1 controller / v2 mount; tests point it at recorded trees. */
void ctr_cgroup_set_root(const char *root);
const char *ctr_cgroup_root(void);

/* ---- delegate.c: the cgroup v2 subtree delegated to a rootless user ---- */
/* Its path relative to root ("" and -1 when root, not pure v2, or none is the user's), found
 * from the "0::PATH" line of self_cgroup: the highest ancestor of PATH owned by uid. */
int ctr_cgroup_delegated_at(const char *root, const char *self_cgroup, uid_t uid, char *out,
                            size_t len);
/* The same for this process (cached): where a rootless container's group goes. */
const char *ctr_cgroup_delegated(void);
/* ---- oci.c: an OCI bundle's linux.resources beyond berth's limits (v1 controllers) ---- */
struct json_object;
/* Write lin's resources (config.json linux.resources) into path's controllers, making cpuset,
 * devices, net_cls, net_prio and hugetlb groups as needed, and put pid in those. Nothing on a v2
 * host. */
int ctr_cgroup_oci_apply(const char *path, struct json_object *lin, pid_t pid, struct err **err);
/* Remove the groups ctr_cgroup_oci_apply made (the backend's destroy removes the rest). */
void ctr_cgroup_oci_destroy(const char *path);

/* ---- common.c: helpers shared by the backends ---- */
void ctr_cgfds_init(struct ctr_cgfds *f);
void ctr_cgfds_close(struct ctr_cgfds *f);
int ctr_cg_write(const char *dir, const char *file, const char *val, struct err **err);
uint64_t ctr_cg_read_u64(int fd);           /* one number; "max" -> INST_UNKNOWN */
uint64_t ctr_cg_text_u64(const char *text); /* same, of a file's text (NULL ok) */
/* stats_read for a backend with stats_parse: one pread per open file, then parse. */
void ctr_cg_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o,
                       void (*parse)(const struct ctr_cgtext *, struct ctr_cgstats *));
uint64_t ctr_cg_key_u64(const char *text, const char *key); /* "key N" line */
int ctr_cg_rmdir(const char *dir, struct err **err);
void ctr_cg_kill_procs(const char *dir, int sig);
/* Parsers of stat files (exposed for unit tests). */
void ctr_cg_parse_blkio_v1(const char *text, uint64_t *rd, uint64_t *wr);
void ctr_cg_parse_io_v2(const char *text, uint64_t *rd, uint64_t *wr);
/* One pread of a small stat file from offset 0, NUL-terminated; -1 on error. */
ssize_t ctr_pread1(int fd, char *buf, size_t size);

/* ---- orphans.c: a name's cgroups when no state tells of them ---- */
/* Up to max pids of the processes in name's cgroup (any hierarchy); *exists: a group is there.
 * Root only (0 for others: rootless containers have no cgroup of this name). */
size_t ctr_cg_orphan_procs(const char *name, pid_t *pids, size_t max, bool *exists);
/* Some process runs in name's cgroup. */
bool ctr_cg_orphan_populated(const char *name);
/* Kill what runs in name's cgroup and remove the group. The monitors (the parents of its
 * processes outside it, named berth-monitor) are waited for, then killed if they linger: none of
 * them may come back later to destroy a group of the same name. The caller must not hold the
 * container's lock (a monitor records the exit under it). */
void ctr_cg_orphan_kill(const char *name);
/* Visit the directories of every hierarchy's parent group (for listing orphans). */
size_t ctr_cg_orphan_bases(void);
void ctr_cg_orphan_base_dir(char *buf, size_t i);
