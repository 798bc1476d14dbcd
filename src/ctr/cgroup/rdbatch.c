/* SPDX-License-Identifier: MIT */
/* Batched reads of small stat files through io_uring (raw system calls), pread when unavailable. */
#include "ctr/cgroup/rdbatch.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/xalloc.h"

#include "ctr/cgroup/cgroup.h"

/* Reads per io_uring_enter; the completion queue is twice as large, so it never overflows. */
#define RDB_ENTRIES 1024u

struct rdb_slot {
    int fd;
    bool done;
    char *buf;
    size_t size;
    ssize_t *res;
};

struct ctr_rdbatch {
    int ring; /* -1: no io_uring, add() reads at once */
    void *sq_map, *cq_map;
    size_t sq_len, cq_len;
    struct io_uring_sqe *sqes;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
    unsigned queued;
    struct rdb_slot slot[RDB_ENTRIES];
};

static void
rdb_unmap(struct ctr_rdbatch *b)
{
    if (b->sqes && b->sqes != MAP_FAILED)
        munmap(b->sqes, RDB_ENTRIES * sizeof(struct io_uring_sqe));
    if (b->cq_map && b->cq_map != MAP_FAILED && b->cq_map != b->sq_map)
        munmap(b->cq_map, b->cq_len);
    if (b->sq_map && b->sq_map != MAP_FAILED)
        munmap(b->sq_map, b->sq_len);
    if (b->ring >= 0)
        close(b->ring);
    b->ring = -1;
    b->sqes = NULL;
    b->sq_map = b->cq_map = NULL;
}

static void *
rdb_mmap(int fd, size_t len, off_t off)
{
    return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);
}

/* Set up the rings (the layout of io_uring_setup(2)); false leaves the pread fallback. */
static bool
rdb_setup(struct ctr_rdbatch *b)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof(p));
    b->ring = (int)syscall(SYS_io_uring_setup, RDB_ENTRIES, &p);
    if (b->ring < 0 || p.sq_entries != RDB_ENTRIES)
        return false;
    b->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    b->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP) {
        b->sq_len = b->cq_len = b->sq_len > b->cq_len ? b->sq_len : b->cq_len;
        b->sq_map = b->cq_map = rdb_mmap(b->ring, b->sq_len, IORING_OFF_SQ_RING);
    } else {
        b->sq_map = rdb_mmap(b->ring, b->sq_len, IORING_OFF_SQ_RING);
        b->cq_map = rdb_mmap(b->ring, b->cq_len, IORING_OFF_CQ_RING);
    }
    b->sqes = rdb_mmap(b->ring, RDB_ENTRIES * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
    if (b->sq_map == MAP_FAILED || b->cq_map == MAP_FAILED || b->sqes == MAP_FAILED)
        return false;
    char *sq = b->sq_map, *cq = b->cq_map;
    b->sq_head = (unsigned *)(sq + p.sq_off.head);
    b->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    b->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    b->sq_array = (unsigned *)(sq + p.sq_off.array);
    b->cq_head = (unsigned *)(cq + p.cq_off.head);
    b->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    b->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    b->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    return true;
}

struct ctr_rdbatch *
ctr_rdbatch_new(void)
{
    struct ctr_rdbatch *b = xcalloc(1, sizeof(*b));
    b->ring = -1;
    const char *off = getenv("BERTH_NO_URING");
    if ((!off || !*off || strcmp(off, "0") == 0) && !rdb_setup(b))
        rdb_unmap(b);
    return b;
}

void
ctr_rdbatch_free(struct ctr_rdbatch *b)
{
    if (!b)
        return;
    ctr_rdbatch_run(b);
    rdb_unmap(b);
    free(b);
}

bool
ctr_rdbatch_uring(const struct ctr_rdbatch *b)
{
    return b->ring >= 0;
}

/* Store one completion like ctr_pread1() would have; false when io_uring cannot read that file
 * (a kernel without IORING_OP_READ): the caller falls back to pread for good. */
static bool
rdb_complete(struct ctr_rdbatch *b, const struct io_uring_cqe *c)
{
    struct rdb_slot *s = &b->slot[c->user_data];
    if (c->res == -EINVAL || c->res == -EOPNOTSUPP)
        return false; /* left not done: read again with pread */
    s->buf[c->res > 0 ? c->res : 0] = 0;
    *s->res = c->res < 0 ? -1 : c->res;
    s->done = true;
    return true;
}

/* Reap what has completed; returns how many. */
static unsigned
rdb_reap(struct ctr_rdbatch *b, bool *usable)
{
    unsigned head = *b->cq_head, n = 0;
    unsigned tail = atomic_load_explicit((_Atomic unsigned *)b->cq_tail, memory_order_acquire);
    for (; head != tail; head++, n++) {
        if (!rdb_complete(b, &b->cqes[head & *b->cq_mask]))
            *usable = false;
    }
    atomic_store_explicit((_Atomic unsigned *)b->cq_head, head, memory_order_release);
    return n;
}

/*
 * Submit the queued reads and wait for every submitted one. Should io_uring_enter fail for good
 * (it does not with a valid ring), the entries it did not take are withdrawn from the queue and,
 * like reads io_uring refused, done with pread; the ring is then given up.
 */
static void
rdb_flush(struct ctr_rdbatch *b)
{
    unsigned inflight = 0, to_submit = b->queued;
    bool usable = true;
    while (to_submit > 0 || inflight > 0) {
        long r = syscall(SYS_io_uring_enter, b->ring, to_submit, inflight + to_submit,
                         IORING_ENTER_GETEVENTS, NULL, 0);
        if (r < 0 && errno != EINTR && errno != EAGAIN && errno != EBUSY) {
            if (to_submit == 0)
                abort(); /* reads in flight into buffers we cannot wait for */
            atomic_store_explicit(
                (_Atomic unsigned *)b->sq_tail,
                atomic_load_explicit((_Atomic unsigned *)b->sq_head, memory_order_acquire),
                memory_order_release);
            to_submit = 0;
            usable = false;
        }
        if (r > 0) {
            to_submit -= (unsigned)r;
            inflight += (unsigned)r;
        }
        inflight -= rdb_reap(b, &usable);
    }
    for (unsigned i = 0; i < b->queued; i++) {
        struct rdb_slot *s = &b->slot[i];
        if (!s->done)
            *s->res = ctr_pread1(s->fd, s->buf, s->size);
    }
    b->queued = 0;
    if (!usable)
        rdb_unmap(b);
}

void
ctr_rdbatch_add(struct ctr_rdbatch *b, int fd, char *buf, size_t size, ssize_t *res)
{
    if (b->ring < 0 || fd < 0) {
        *res = fd < 0 ? -1 : ctr_pread1(fd, buf, size);
        if (fd < 0)
            buf[0] = 0;
        return;
    }
    if (b->queued == RDB_ENTRIES)
        rdb_flush(b);
    unsigned tail = *b->sq_tail, idx = tail & *b->sq_mask;
    struct io_uring_sqe *e = &b->sqes[idx];
    memset(e, 0, sizeof(*e));
    e->opcode = IORING_OP_READ;
    e->fd = fd;
    e->addr = (uint64_t)(uintptr_t)buf;
    e->len = (uint32_t)(size - 1);
    e->off = 0;
    e->user_data = b->queued;
    b->sq_array[idx] = idx;
    b->slot[b->queued++] = (struct rdb_slot){fd, false, buf, size, res};
    atomic_store_explicit((_Atomic unsigned *)b->sq_tail, tail + 1, memory_order_release);
}

void
ctr_rdbatch_run(struct ctr_rdbatch *b)
{
    if (b->ring >= 0 && b->queued > 0)
        rdb_flush(b);
}
