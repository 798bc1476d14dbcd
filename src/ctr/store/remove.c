/* SPDX-License-Identifier: MIT */
/* Deleting a container's files: rm -rf, the two-step removal (rename away, then purge), and the
 * sweeps of what an interrupted removal or create left. Processes are never touched here. */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

/* rm -rf of name under dirfd without following symlinks. */
static int
rm_rf_at(int dfd, const char *name)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
        /* Rootless: overlayfs leaves work/work at mode 000 and the owner holds no
         * CAP_DAC_OVERRIDE. Open it up through an O_PATH fd (never a symlink's target). */
        int pfd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
        if (pfd >= 0 && chmod(link, 0700) == 0)
            fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (pfd >= 0)
            close(pfd);
    }
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            rm_rf_at(dirfd(d), de->d_name);
    }
    closedir(d);
    return unlinkat(dfd, name, AT_REMOVEDIR);
}

/* rename(from, to); a stale `to` (a non-empty directory) is deleted first. `to` ends in this
 * process's pid: it was left by an earlier remover with the same pid that died mid-purge. */
static int
rename_over_stale(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return 0;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return -1;
    rm_rf_at(AT_FDCWD, to);
    return rename(from, to);
}

int
ctr_rm_rf(const char *path)
{
    return rm_rf_at(AT_FDCWD, path);
}

int
ctr_remove_detach(const char *name, struct ctr_removed *r, struct err **err)
{
    char run[PATH_MAX], def[PATH_MAX], cfg[PATH_MAX];
    /* config.json first, still under the container's lock: whoever waits for the lock (ctr_lock
     * holds the directory, renamed or not) finds no container when it gets it, and a remover
     * killed from here on leaves a definition without config.json, which no command takes for a
     * container and ctr_sweep_leftover deletes. */
    ctr_path_def(cfg, name, "config.json");
    if (unlink(cfg) < 0 && errno != ENOENT)
        return err_set(err, errno, "remove container '%s'", name);
    /* Then rename: the name is free at once (a new container may take it), then the files go.
     * Dot names are never containers' (ctr_name_check), so no listing shows the renamed ones. */
    ctr_path_run(run, name, NULL);
    /* An OCI container without a mount namespace of its own built its root on run/rootfs in the
     * host's (rootfs.c): detach it, or the removal below would walk into the bundle. */
    char root[PATH_MAX];
    ctr_path_run(root, name, "rootfs");
    umount2(root, MNT_DETACH | UMOUNT_NOFOLLOW);
    ctr_fmt(r->run, sizeof(r->run), "%s/.rm-%s-%d", ctr_run_dir(), name, (int)getpid());
    if (rename_over_stale(run, r->run) < 0) {
        rm_rf_at(AT_FDCWD, run); /* none, or not renameable: remove it now, in place */
        r->run[0] = 0;
    }
    ctr_path_def(def, name, NULL);
    ctr_fmt(r->def, sizeof(r->def), "%s/containers/.rm-%s-%d", ctr_lib_dir(), name, (int)getpid());
    if (rename_over_stale(def, r->def) < 0) {
        r->def[0] = 0;
        if (rm_rf_at(AT_FDCWD, def) < 0) { /* not renameable: remove it in place */
            ctr_state_bump();
            return err_set(err, errno, "remove container '%s'", name);
        }
    }
    ctr_state_bump();
    return 0;
}

int
ctr_remove_purge(const struct ctr_removed *r, struct err **err)
{
    if (r->run[0])
        rm_rf_at(AT_FDCWD, r->run);
    if (r->def[0] && rm_rf_at(AT_FDCWD, r->def) < 0)
        return err_set(err, errno, "remove '%s'", r->def);
    return 0;
}

int
ctr_remove_files(const char *name, struct err **err)
{
    struct ctr_removed r;
    if (ctr_remove_detach(name, &r, err) < 0)
        return -1;
    return ctr_remove_purge(&r, err);
}

/* ".rm-<name>-<pid>" left by a remover that died between ctr_remove_detach and the purge, and
 * ".new-<name>-<pid>" by a `create` killed before its rename. */
void
ctr_sweep_removed(int dfd, const char *entry)
{
    const char *dash = strrchr(entry, '-');
    if ((strncmp(entry, ".rm-", 4) != 0 && strncmp(entry, ".new-", 5) != 0) || !dash ||
        dash[1] == 0)
        return;
    char *end;
    long pid = strtol(dash + 1, &end, 10);
    if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return; /* its remover may still be at work */
    rm_rf_at(dfd, entry);
}

int
ctr_try_lock(const char *name)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, "lock");
    int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int
ctr_sweep_leftover(const char *name)
{
    char p[PATH_MAX];
    cleanup_close int lock = ctr_try_lock(name);
    if (lock < 0 || ctr_exists(name))
        return -1;
    ctr_path_run(p, name, NULL);
    rm_rf_at(AT_FDCWD, p);
    ctr_path_def(p, name, NULL);
    int rc = rm_rf_at(AT_FDCWD, p);
    ctr_state_bump();
    return rc;
}
