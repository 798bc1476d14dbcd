/* SPDX-License-Identifier: MIT */
/* berth's default seccomp profile: a compact table equivalent to Docker's default profile
 * (moby profiles/seccomp/default.json) with io_uring removed and AF_ALG / AF_VSOCK sockets
 * refused, expanded into Docker-format JSON and then to an OCI section for the container. */
#include "ctr/security/seccomp.h"

#include <errno.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"

/* Syscalls every container may call (Docker's list minus io_uring_*, socket, socketcall), with
 * Docker 25's additions of Linux 6.5-6.7: cachestat fchmodat2 map_shadow_stack futex_wake
 * futex_wait futex_requeue (451-456 on x86_64). */
static const char *const allow_always =
    "accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown "
    "chown32 "
    "clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime "
    "clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect "
    "copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old "
    "epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit "
    "exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir "
    "fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr "
    "flistxattr "
    "flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync "
    "ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake "
    "futimesat getcpu getcwd getdents "
    "getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 "
    "getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid "
    "getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname "
    "getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr inotify_add_watch "
    "inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents "
    "io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit ipc kill "
    "landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr "
    "link linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 "
    "madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod "
    "mknodat mlock "
    "mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive "
    "mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget "
    "msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat "
    "_newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc "
    "pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 "
    "process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead "
    "readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages "
    "removexattr rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction "
    "rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait "
    "rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam "
    "sched_get_priority_max sched_get_priority_min sched_getscheduler sched_rr_get_interval "
    "sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam "
    "sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop "
    "semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 "
    "setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority "
    "setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 "
    "setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid "
    "setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 "
    "sigprocmask sigreturn socketpair splice stat stat64 statfs statfs64 statx symlink "
    "symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete "
    "timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 "
    "timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times "
    "tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat "
    "utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev";

/* Namespace flags clone may not carry without CAP_SYS_ADMIN (Docker's 0x7E020000):
 * CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
#define CLONE_NS_FLAGS 0x7E020000ULL

struct tmpl_entry {
    const char *names; /* space-separated */
    const char *action;
    int errno_ret; /* 0 = none */
    int arg_index; /* -1 = no condition */
    const char *op;
    unsigned long long value;
    const char *inc_caps, *exc_caps, *inc_arches, *exc_arches; /* space-separated or NULL */
};

#define ALLOW "SCMP_ACT_ALLOW"
#define ARG0(op_, v_) 0, "SCMP_CMP_" op_, v_

static const struct tmpl_entry tmpl[] = {
    {"process_vm_readv process_vm_writev ptrace", ALLOW, 0, -1},
    /* socket(2): every family except AF_ALG (38) and AF_VSOCK (40). Exact comparisons only:
     * the kernel truncates the family to 32 bits, so "!= 40" on the 64-bit register could be
     * passed with high bits set. Families above AF_MCTP (45) are refused. */
    {"socket", ALLOW, 0, ARG0("LT", 38)},
    {"socket", ALLOW, 0, ARG0("EQ", 39)},
    {"socket", ALLOW, 0, ARG0("EQ", 41)},
    {"socket", ALLOW, 0, ARG0("EQ", 42)},
    {"socket", ALLOW, 0, ARG0("EQ", 43)},
    {"socket", ALLOW, 0, ARG0("EQ", 44)},
    {"socket", ALLOW, 0, ARG0("EQ", 45)},
    /* socketcall (32-bit x86 only, where arguments are 32-bit): every call but SYS_SOCKET,
     * whose family argument is in memory and cannot be checked. */
    {"socketcall", ALLOW, 0, ARG0("GT", 1)},
    {"personality", ALLOW, 0, ARG0("EQ", 0)},
    {"personality", ALLOW, 0, ARG0("EQ", 8)},
    {"personality", ALLOW, 0, ARG0("EQ", 0x20000)},
    {"personality", ALLOW, 0, ARG0("EQ", 0x20008)},
    {"personality", ALLOW, 0, ARG0("EQ", 0xffffffff)},
    {"sync_file_range2 swapcontext", ALLOW, 0, -1, .inc_arches = "ppc64le"},
    {"arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls", ALLOW,
     0, -1, .inc_arches = "arm arm64"},
    {"arch_prctl", ALLOW, 0, -1, .inc_arches = "amd64 x32"},
    {"modify_ldt", ALLOW, 0, -1, .inc_arches = "amd64 x32 x86"},
    {"s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr", ALLOW, 0, -1,
     .inc_arches = "s390 s390x"},
    {"riscv_flush_icache", ALLOW, 0, -1, .inc_arches = "riscv64"},
    {"open_by_handle_at", ALLOW, 0, -1, .inc_caps = "CAP_DAC_READ_SEARCH"},
    {"bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount "
     "mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname "
     "sethostname setns syslog umount umount2 unshare",
     ALLOW, 0, -1, .inc_caps = "CAP_SYS_ADMIN"},
    {"clone", ALLOW, 0, ARG0("MASKED_EQ", CLONE_NS_FLAGS), .exc_caps = "CAP_SYS_ADMIN",
     .exc_arches = "s390 s390x"},
    {"clone", ALLOW, 0, 1, "SCMP_CMP_MASKED_EQ", CLONE_NS_FLAGS, .exc_caps = "CAP_SYS_ADMIN",
     .inc_arches = "s390 s390x"},
    /* clone3 passes its flags in memory: ENOSYS makes libc fall back to clone. */
    {"clone3", "SCMP_ACT_ERRNO", ENOSYS, -1, .exc_caps = "CAP_SYS_ADMIN"},
    {"reboot", ALLOW, 0, -1, .inc_caps = "CAP_SYS_BOOT"},
    {"chroot", ALLOW, 0, -1, .inc_caps = "CAP_SYS_CHROOT"},
    {"delete_module init_module finit_module", ALLOW, 0, -1, .inc_caps = "CAP_SYS_MODULE"},
    {"acct", ALLOW, 0, -1, .inc_caps = "CAP_SYS_PACCT"},
    {"kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace", ALLOW, 0, -1,
     .inc_caps = "CAP_SYS_PTRACE"},
    {"iopl ioperm", ALLOW, 0, -1, .inc_caps = "CAP_SYS_RAWIO"},
    {"settimeofday stime clock_settime clock_settime64", ALLOW, 0, -1, .inc_caps = "CAP_SYS_TIME"},
    {"vhangup", ALLOW, 0, -1, .inc_caps = "CAP_SYS_TTY_CONFIG"},
    {"get_mempolicy mbind set_mempolicy set_mempolicy_home_node", ALLOW, 0, -1,
     .inc_caps = "CAP_SYS_NICE"},
    {"syslog", ALLOW, 0, -1, .inc_caps = "CAP_SYSLOG"},
    {"bpf", ALLOW, 0, -1, .inc_caps = "CAP_BPF"},
    {"perf_event_open", ALLOW, 0, -1, .inc_caps = "CAP_PERFMON"},
};

/* "a b c" -> ["a", "b", "c"] */
static json_object *
words_to_json(const char *words)
{
    json_object *arr = json_object_new_array();
    const char *p = words;
    while (arr && *p) {
        size_t n = strcspn(p, " ");
        if (n)
            json_object_array_add(arr, json_object_new_string_len(p, (int)n));
        p += n;
        p += strspn(p, " ");
    }
    return arr;
}

static json_object *
tmpl_filter(const char *caps, const char *arches)
{
    if (!caps && !arches)
        return NULL;
    json_object *o = json_object_new_object();
    if (caps)
        json_object_object_add(o, "caps", words_to_json(caps));
    if (arches)
        json_object_object_add(o, "arches", words_to_json(arches));
    return o;
}

static json_object *
tmpl_entry_json(const struct tmpl_entry *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "names", words_to_json(e->names));
    json_object_object_add(o, "action", json_object_new_string(e->action));
    if (e->errno_ret)
        json_object_object_add(o, "errnoRet", json_object_new_int(e->errno_ret));
    if (e->arg_index >= 0) {
        json_object *arg = json_object_new_object();
        json_object_object_add(arg, "index", json_object_new_int(e->arg_index));
        json_object_object_add(arg, "value", json_object_new_uint64(e->value));
        json_object_object_add(arg, "op", json_object_new_string(e->op));
        json_object *args = json_object_new_array();
        json_object_array_add(args, arg);
        json_object_object_add(o, "args", args);
    }
    json_object *inc = tmpl_filter(e->inc_caps, e->inc_arches);
    json_object *exc = tmpl_filter(e->exc_caps, e->exc_arches);
    if (inc)
        json_object_object_add(o, "includes", inc);
    if (exc)
        json_object_object_add(o, "excludes", exc);
    return o;
}

static json_object *
tmpl_arch_map(const char *arch, const char *subs)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "architecture", json_object_new_string(arch));
    json_object_object_add(o, "subArchitectures", words_to_json(subs));
    return o;
}

json_object *
seccomp_default_template(void)
{
    json_object *p = json_object_new_object();
    json_object_object_add(p, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO"));
    json_object_object_add(p, "defaultErrnoRet", json_object_new_int(EPERM));
    json_object *map = json_object_new_array();
    json_object_array_add(map, tmpl_arch_map("SCMP_ARCH_X86_64", "SCMP_ARCH_X86 SCMP_ARCH_X32"));
    json_object_array_add(map, tmpl_arch_map("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"));
    json_object_array_add(map, tmpl_arch_map("SCMP_ARCH_S390X", "SCMP_ARCH_S390"));
    json_object_array_add(map, tmpl_arch_map("SCMP_ARCH_PPC64LE", ""));
    json_object_array_add(map, tmpl_arch_map("SCMP_ARCH_RISCV64", ""));
    json_object_object_add(p, "archMap", map);
    json_object *calls = json_object_new_array();
    json_object *first = json_object_new_object();
    json_object_object_add(first, "names", words_to_json(allow_always));
    json_object_object_add(first, "action", json_object_new_string(ALLOW));
    json_object_array_add(calls, first);
    for (size_t i = 0; i < ARRAY_SIZE(tmpl); i++)
        json_object_array_add(calls, tmpl_entry_json(&tmpl[i]));
    json_object_object_add(p, "syscalls", calls);
    return p;
}

int
seccomp_default_oci(uint64_t caps, json_object **out, struct err **err)
{
    cleanup_json json_object *t = seccomp_default_template();
    if (!t)
        return err_set(err, ENOMEM, "default seccomp profile");
    return seccomp_profile_to_oci(t, caps, out, err);
}
