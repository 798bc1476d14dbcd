/* SPDX-License-Identifier: MIT */
/* An OCI linux.seccomp section -> classic BPF with libseccomp; loading it with seccomp(2). */
#include "ctr/security/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"

static void
cleanup_ctxp(scmp_filter_ctx *c)
{
    if (*c)
        seccomp_release(*c);
}

static int
errno_ret(json_object *obj, const char *key, int *out, struct err **err)
{
    int64_t v = EPERM;
    json_object *j = NULL;
    if (json_object_object_get_ex(obj, key, &j) && j) {
        if (!json_object_is_type(j, json_type_int) || !jsonx_get_int64(obj, key, &v) || v < 0 ||
            v > 4095)
            return err_set(err, 0, "seccomp: \"%s\" must be an errno number (0-4095), not '%s'",
                           key, json_object_to_json_string(j));
    }
    *out = (int)v;
    return 0;
}

/* "SCMP_ACT_ERRNO" + errnoRet -> libseccomp action. */
static int
action_parse(json_object *obj, const char *key, const char *errno_key, uint32_t *out,
             struct err **err)
{
    const char *name = NULL;
    int e = EPERM;
    if (!jsonx_get_str(obj, key, &name))
        return err_set(err, 0, "seccomp: missing \"%s\"", key);
    if (errno_ret(obj, errno_key, &e, err) < 0)
        return -1;
    static const struct {
        const char *name;
        uint32_t act;
    } acts[] = {
        {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
        {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    };
    for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
        if (strcmp(name, acts[i].name) == 0) {
            *out = acts[i].act;
            return 0;
        }
    }
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
        *out = SCMP_ACT_ERRNO((uint16_t)e);
        return 0;
    }
    if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
        *out = SCMP_ACT_TRACE((uint16_t)e);
        return 0;
    }
    return err_set(err, 0, "seccomp: unsupported action '%s'", name);
}

static int
op_parse(const char *name, enum scmp_compare *out)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        if (strcmp(name, ops[i].name) == 0) {
            *out = ops[i].op;
            return 0;
        }
    }
    return -1;
}

static uint64_t
json_u64(json_object *o)
{
    if (!o)
        return 0;
    int64_t v = json_object_get_int64(o);
    return v < 0 ? (uint64_t)v : json_object_get_uint64(o);
}

static int
arg_parse(json_object *a, size_t idx, struct scmp_arg_cmp *out, struct err **err)
{
    int64_t index = -1;
    const char *op = NULL;
    json_object *v = NULL, *v2 = NULL;
    if (!json_object_is_type(a, json_type_object) || !jsonx_get_int64(a, "index", &index) ||
        index < 0 || index > 5)
        return err_set(err, 0, "seccomp: args[%zu]: \"index\" must be 0-5", idx);
    if (!jsonx_get_str(a, "op", &op) || op_parse(op, &out->op) < 0)
        return err_set(err, 0, "seccomp: args[%zu]: unknown operator '%s'", idx, op ? op : "");
    json_object_object_get_ex(a, "value", &v);
    json_object_object_get_ex(a, "valueTwo", &v2);
    if ((v && !json_object_is_type(v, json_type_int)) ||
        (v2 && !json_object_is_type(v2, json_type_int)))
        return err_set(err, 0, "seccomp: args[%zu]: values must be integers", idx);
    out->arg = (unsigned int)index;
    out->datum_a = json_u64(v);
    out->datum_b = json_u64(v2);
    return 0;
}

/* Add one rule exactly as written. Several comparisons of one argument mean "any of them"
 * (runc's rule), so they become separate rules. */
static int
rule_add_exact(scmp_filter_ctx ctx, uint32_t act, int nr, const struct scmp_arg_cmp *args, size_t n)
{
    bool repeated = false;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            repeated |= args[i].arg == args[j].arg;
    }
    if (!repeated)
        return seccomp_rule_add_exact_array(ctx, act, nr, (unsigned int)n, args);
    for (size_t i = 0; i < n; i++) {
        int rc = seccomp_rule_add_exact_array(ctx, act, nr, 1, &args[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A rule without argument checks goes through libseccomp's translation (on 32-bit x86 a
 * socket call becomes both its direct syscall and socketcall(2) with that operation). A rule
 * with checks is added exactly as written; where that is impossible (socket() on 32-bit x86,
 * whose socketcall form has its arguments in memory) it is left out on that architecture, so
 * the default action applies there: never widened. */
static int
rule_add(scmp_filter_ctx ctx, uint32_t act, int nr, const struct scmp_arg_cmp *args, size_t n)
{
    int rc = n == 0 ? seccomp_rule_add_array(ctx, act, nr, 0, NULL)
                    : rule_add_exact(ctx, act, nr, args, n);
    if (n > 0 && (rc == -EOPNOTSUPP || rc == -EDOM || rc == -EINVAL))
        return 0;
    return rc == -EEXIST ? 0 : rc;
}

static int
entry_add(scmp_filter_ctx ctx, uint32_t def, json_object *e, size_t idx, struct err **err)
{
    uint32_t act;
    struct scmp_arg_cmp args[6];
    json_object *names = jsonx_get_array(e, "names"), *jargs = NULL;
    if (json_object_object_get_ex(e, "args", &jargs) && jargs &&
        !json_object_is_type(jargs, json_type_array))
        return err_set(err, 0, "seccomp: syscalls[%zu].args: expected an array", idx);
    size_t n = jargs ? json_object_array_length(jargs) : 0;
    if (!names)
        return err_set(err, 0, "seccomp: syscalls[%zu]: missing \"names\" (an array)", idx);
    if (action_parse(e, "action", "errnoRet", &act, err) < 0)
        return err_wrap(err, "syscalls[%zu]", idx);
    if (n > ARRAY_SIZE(args))
        return err_set(err, 0, "seccomp: syscalls[%zu]: more than 6 args", idx);
    for (size_t i = 0; i < n; i++) {
        if (arg_parse(json_object_array_get_idx(jargs, i), i, &args[i], err) < 0)
            return -1;
    }
    if (act == def)
        return 0; /* libseccomp refuses rules that repeat the default action */
    for (size_t i = 0; i < json_object_array_length(names); i++) {
        json_object *jn = json_object_array_get_idx(names, i);
        if (!json_object_is_type(jn, json_type_string) || !*json_object_get_string(jn))
            return err_set(err, 0, "seccomp: syscalls[%zu].names[%zu]: expected a syscall name",
                           idx, i);
        const char *name = json_object_get_string(jn);
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
            continue; /* unknown here: profiles list syscalls of every architecture */
        int rc = rule_add(ctx, act, nr, args, n);
        if (rc < 0)
            return err_set(err, -rc, "seccomp: add rule for '%s'", name);
    }
    return 0;
}

static int
arch_resolve(const char *a, uint32_t *token, struct err **err)
{
    char lower[32];
    if (!a || strncmp(a, "SCMP_ARCH_", 10) != 0 || strlen(a + 10) >= sizeof(lower))
        return err_set(err, 0, "seccomp: unknown architecture '%s'", a ? a : "");
    for (size_t j = 0; j <= strlen(a + 10); j++)
        lower[j] = (char)(a[10 + j] >= 'A' && a[10 + j] <= 'Z' ? a[10 + j] + 32 : a[10 + j]);
    *token = seccomp_arch_resolve_name(lower);
    if (!*token)
        return err_set(err, 0, "seccomp: unknown architecture '%s'", a);
    return 0;
}

/* The rules of the section for one architecture, in a filter of its own. */
static scmp_filter_ctx
filter_for_arch(json_object *calls, uint32_t def, uint32_t arch, struct err **err)
{
    __attribute__((cleanup(cleanup_ctxp))) scmp_filter_ctx ctx = seccomp_init(def);
    if (!ctx) {
        err_set(err, 0, "seccomp: cannot create a filter with this default action");
        return NULL;
    }
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (arch != seccomp_arch_native() &&
        (seccomp_arch_add(ctx, arch) < 0 || seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)) {
        err_set(err, 0, "seccomp: cannot build a filter for architecture %u", arch);
        return NULL;
    }
    for (size_t i = 0; calls && i < json_object_array_length(calls); i++) {
        json_object *e = json_object_array_get_idx(calls, i);
        if (!json_object_is_type(e, json_type_object)) {
            err_set(err, 0, "seccomp: syscalls[%zu] must be an object", i);
            return NULL;
        }
        if (entry_add(ctx, def, e, i, err) < 0)
            return NULL;
    }
    return steal_pointer(&ctx);
}

/* The native architecture's filter merged with one per extra architecture. */
static scmp_filter_ctx
filter_build(json_object *oci, uint32_t def, struct err **err)
{
    json_object *calls = NULL, *arches = jsonx_get_array(oci, "architectures");
    json_object_object_get_ex(oci, "syscalls", &calls);
    if (calls && !json_object_is_type(calls, json_type_array)) {
        err_set(err, 0, "seccomp: \"syscalls\" must be an array");
        return NULL;
    }
    __attribute__((cleanup(cleanup_ctxp))) scmp_filter_ctx ctx =
        filter_for_arch(calls, def, seccomp_arch_native(), err);
    for (size_t i = 0; ctx && arches && i < json_object_array_length(arches); i++) {
        uint32_t token;
        const char *a = json_object_get_string(json_object_array_get_idx(arches, i));
        if (arch_resolve(a, &token, err) < 0)
            return NULL;
        if (token == seccomp_arch_native() || seccomp_arch_exist(ctx, token) == 0)
            continue;
        scmp_filter_ctx sub = filter_for_arch(calls, def, token, err);
        if (!sub)
            return NULL;
        int rc = seccomp_merge(ctx, sub);
        if (rc < 0) {
            seccomp_release(sub);
            err_set(err, -rc, "seccomp: add architecture '%s'", a);
            return NULL;
        }
    }
    return ctx ? steal_pointer(&ctx) : NULL;
}

/* ---- ENOSYS for syscalls newer than the profile ----
 * As runc and crun do: a syscall whose number is above the highest the profile names for its
 * architecture is one the profile's author could not know, so it gets ENOSYS (libc then falls
 * back, e.g. fchmodat2 -> fchmodat) instead of the default action; a known syscall the profile
 * leaves out still gets the default (EPERM). The stub runs before libseccomp's program. */

#define X32_BIT 0x40000000U

struct arch_max {
    uint32_t token; /* SCMP_ARCH_*, which is the AUDIT_ARCH_* value (x32 aside) */
    uint32_t max;   /* highest syscall number the profile names, 0 = none */
};

/* The highest number any name of the section resolves to on arch. */
static uint32_t
arch_max_nr(json_object *calls, uint32_t arch)
{
    uint32_t max = 0;
    for (size_t i = 0; calls && i < json_object_array_length(calls); i++) {
        json_object *names = jsonx_get_array(json_object_array_get_idx(calls, i), "names");
        for (size_t k = 0; names && k < json_object_array_length(names); k++) {
            const char *name = json_object_get_string(json_object_array_get_idx(names, k));
            int nr = name ? seccomp_syscall_resolve_name_arch(arch, name) : __NR_SCMP_ERROR;
            if (nr < 0)
                continue;
            if (arch == SCMP_ARCH_X86_64 && (uint32_t)nr >= X32_BIT)
                continue;
            if ((uint32_t)nr > max)
                max = (uint32_t)nr;
        }
    }
    return max;
}

static void
emit(struct sock_filter *v, size_t *n, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    v[*n] = (struct sock_filter){code, jt, jf, k};
    (*n)++;
}

/* The stub: for each architecture, number > max -> ERRNO(ENOSYS); anything else goes on to the
 * program. Every block ends in a jump both ways, so a block is entered only by its arch test. */
static size_t
enosys_stub(const struct arch_max *a, size_t na, struct sock_filter *v)
{
    size_t n = 0, fix[32], n_fix = 0;
    uint32_t x32_max = 0xffffffffU; /* no x32 filter: leave x32 numbers to the program */
    for (size_t i = 0; i < na; i++) {
        if (a[i].token == SCMP_ARCH_X32 && a[i].max)
            x32_max = a[i].max;
    }
    emit(v, &n, BPF_LD | BPF_W | BPF_ABS, 4, 0, 0); /* seccomp_data.arch */
    for (size_t i = 0; i < na; i++) {
        if (a[i].token == SCMP_ARCH_X32 || a[i].max == 0)
            continue;
        bool x86_64 = a[i].token == SCMP_ARCH_X86_64;
        emit(v, &n, BPF_JMP | BPF_JEQ | BPF_K, a[i].token, 0, x86_64 ? 4 : 2);
        emit(v, &n, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0); /* seccomp_data.nr */
        if (x86_64) {
            /* x32 numbers carry bit 30 under the same AUDIT_ARCH_X86_64 */
            emit(v, &n, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 1);
            fix[n_fix++] = n;
            emit(v, &n, BPF_JMP | BPF_JGT | BPF_K, x32_max, 0, 0);
        }
        fix[n_fix++] = n;
        emit(v, &n, BPF_JMP | BPF_JGT | BPF_K, a[i].max, 0, 0);
    }
    emit(v, &n, BPF_JMP | BPF_JA, 1, 0, 0);
    size_t enosys = n;
    emit(v, &n, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), 0, 0);
    for (size_t i = 0; i < n_fix; i++) {
        v[fix[i]].jt = (uint8_t)(enosys - fix[i] - 1);
        v[fix[i]].jf = (uint8_t)(enosys - fix[i]); /* the instruction after the return */
    }
    return n;
}

/* Prepend the stub for the filter's architectures to the exported program. */
static int
add_enosys_stub(json_object *calls, const uint32_t *arches, size_t n_arches, struct seccomp_prog *p,
                struct err **err)
{
    struct arch_max am[8];
    struct sock_filter stub[8 * 5 + 4];
    size_t na = 0;
    for (size_t i = 0; i < n_arches && na < ARRAY_SIZE(am); i++)
        am[na++] = (struct arch_max){arches[i], arch_max_nr(calls, arches[i])};
    size_t ns = enosys_stub(am, na, stub);
    if (p->len + ns > BPF_MAXINSNS)
        return err_set(err, 0, "seccomp: filter of %zu instructions is too large", p->len + ns);
    struct sock_filter *all = xcalloc(p->len + ns, sizeof(*all));
    memcpy(all, stub, ns * sizeof(*all));
    memcpy(all + ns, p->insns, p->len * sizeof(*all));
    free(p->insns);
    p->insns = all;
    p->len += ns;
    return 0;
}

static int
flags_parse(json_object *flags, unsigned int *out, struct err **err)
{
    *out = 0;
    for (size_t i = 0; flags && i < json_object_array_length(flags); i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(flags, i));
        if (f && strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
            *out |= SECCOMP_FILTER_FLAG_TSYNC;
        else if (f && strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
            *out |= SECCOMP_FILTER_FLAG_LOG;
        else if (f && strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
            *out |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        else
            return err_set(err, 0, "seccomp: unknown flag '%s'", f ? f : "");
    }
    return 0;
}

static int
export_bpf(scmp_filter_ctx ctx, struct seccomp_prog *out, struct err **err)
{
    cleanup_close int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return err_set(err, errno, "seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return err_set(err, -rc, "seccomp: export the filter");
    if (fstat(fd, &st) < 0)
        return err_set(err, errno, "seccomp: stat the filter");
    size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
    if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter))
        return err_set(err, 0, "seccomp: filter of %zu instructions is too large", n);
    out->insns = malloc((size_t)st.st_size);
    if (!out->insns)
        return err_set(err, ENOMEM, "seccomp: filter");
    if (pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
        free(steal_pointer(&out->insns));
        return err_set(err, errno, "seccomp: read the filter back");
    }
    out->len = n;
    return 0;
}

int
seccomp_compile(json_object *oci, struct seccomp_prog *out, struct err **err)
{
    uint32_t def;
    memset(out, 0, sizeof(*out));
    if (!json_object_is_type(oci, json_type_object))
        return err_set(err, 0, "seccomp: linux.seccomp must be an object");
    if (action_parse(oci, "defaultAction", "defaultErrnoRet", &def, err) < 0)
        return -1;
    unsigned int flags;
    if (flags_parse(jsonx_get_array(oci, "flags"), &flags, err) < 0)
        return -1;
    __attribute__((cleanup(cleanup_ctxp))) scmp_filter_ctx ctx = filter_build(oci, def, err);
    if (!ctx)
        return -1;
    if (export_bpf(ctx, out, err) < 0)
        return -1;
    if (def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG && def != SCMP_ACT_ERRNO(ENOSYS)) {
        static const uint32_t known[] = {SCMP_ARCH_X86_64,  SCMP_ARCH_X86,     SCMP_ARCH_X32,
                                         SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,     SCMP_ARCH_S390X,
                                         SCMP_ARCH_S390,    SCMP_ARCH_PPC64LE, SCMP_ARCH_RISCV64,
                                         SCMP_ARCH_PPC64,   SCMP_ARCH_MIPS64};
        uint32_t arches[ARRAY_SIZE(known)];
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
            if (seccomp_arch_exist(ctx, known[i]) == 0)
                arches[n++] = known[i];
        }
        json_object *calls = NULL;
        json_object_object_get_ex(oci, "syscalls", &calls);
        if (add_enosys_stub(calls, arches, n, out, err) < 0) {
            seccomp_prog_done(out);
            return -1;
        }
    }
    out->flags = flags;
    return 0;
}

int
seccomp_prog_install(const struct seccomp_prog *p, struct err **err)
{
    struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0)
        return err_set(err, errno, "load the seccomp filter");
    return 0;
}

void
seccomp_prog_done(struct seccomp_prog *p)
{
    free(p->insns);
    p->insns = NULL;
    p->len = 0;
}
