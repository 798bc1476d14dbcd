/* SPDX-License-Identifier: MIT */
/* The backends' functions shared between v1, v2 and hybrid (v1.c, v2.c, hybrid.c only). */
#pragma once

#include "ctr/cgroup/cgroup.h"

int ctr_cg_v1_create(const char *path, const struct ctr_limits *lim, struct err **err);
int ctr_cg_v1_attach(const char *path, pid_t pid, struct err **err);
int ctr_cg_v1_freeze(const char *path, bool frozen, struct err **err);
uint64_t ctr_cg_v1_oom_kills(const char *path);
void ctr_cg_v1_kill_all(const char *path, int sig);
int ctr_cg_v1_destroy(const char *path, struct err **err);
void ctr_cg_v1_stats_open(const char *path, struct ctr_cgfds *f);
void ctr_cg_v1_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o);
void ctr_cg_v1_stats_parse(const struct ctr_cgtext *t, struct ctr_cgstats *o);

/* A v2 group under base (the v2 mount), without controllers: made, joined, removed. */
int ctr_cg_v2_group_create(const char *base, const char *path, struct err **err);
int ctr_cg_v2_group_attach(const char *base, const char *path, pid_t pid, struct err **err);
int ctr_cg_v2_group_destroy(const char *base, const char *path, struct err **err);
