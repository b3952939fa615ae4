/* The files the tools write: a temporary renamed over a regular file, written through for
 * anything else, and no output that is another output or an input. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "outfile.h"

/* ---- temporaries not yet renamed: removed at exit and on a stopping signal ---- */

enum { MAX_PENDING = 16 };
static char *volatile pending[MAX_PENDING];

static void remove_pending(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i])
            unlink(pending[i]);
}

static void on_stop_signal(int sig)
{
    remove_pending(); /* unlink is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void add_pending(char *tmp)
{
    static int hooked;
    if (!hooked) {
        hooked = 1;
        atexit(remove_pending);
        /* Only where the tool has no handler of its own (jm-report --watch stops cleanly). */
        int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
            struct sigaction old;
            if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
                signal(sigs[i], on_stop_signal);
        }
    }
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i]) {
            pending[i] = tmp;
            return;
        }
    jm_cli_error("too many files open at once");
    exit(EXIT_IO);
}

static void drop_pending(const char *tmp)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] == tmp)
            pending[i] = NULL;
}

/* ---- opening ---- */

static _Noreturn void refuse(const char *path, const char *why)
{
    jm_cli_error("%s: %s", path, why);
    exit(EXIT_IO);
}

static char *dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        refuse(path, "out of memory");
    char *d = strdup(dirname(copy));
    free(copy);
    if (!d)
        refuse(path, "out of memory");
    return d;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The temporary for path: ".NAME.XXXXXX" in its folder, made by mkstemp (O_EXCL: a name
 * planted there, a symbolic link say, is never opened). */
static int make_temporary(jm_cli_file *f, const struct stat *old)
{
    char *dir = dir_of(f->path);
    size_t n = strlen(dir) + strlen(base_of(f->path)) + 16;
    f->tmp = malloc(n);
    if (!f->tmp)
        refuse(f->path, "out of memory");
    snprintf(f->tmp, n, "%s/.%s.XXXXXX", dir, base_of(f->path));
    free(dir);
    int fd = mkstemp(f->tmp);
    if (fd < 0)
        refuse(f->path, strerror(errno));
    add_pending(f->tmp);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* The new file keeps the old one's mode (and owner, where we may); a new one gets 0666
     * less the umask, as open(2) would have given it. */
    mode_t mode;
    if (old) {
        mode = old->st_mode & 07777;
        if (geteuid() == 0 && fchown(fd, old->st_uid, old->st_gid) != 0)
            mode &= 0777; /* no set-id bits on a file we could not give back */
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0)
        refuse(f->path, strerror(errno));
    return fd;
}

int jm_cli_file_open(jm_cli_file *f, const char *path, jm_cli_write how)
{
    f->path = path;
    f->tmp = NULL;
    struct stat st;
    int exists = lstat(path, &st) == 0, link = 0;
    if (!exists && errno != ENOENT)
        refuse(path, strerror(errno));
    if (exists && S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0)
            refuse(path, errno == ENOENT ? "a symbolic link to nothing: not created through it"
                                         : strerror(errno));
        link = 1;
    }
    if (exists && S_ISDIR(st.st_mode))
        refuse(path, "is a directory");
    if (exists && S_ISBLK(st.st_mode))
        refuse(path, "is a block device: not written");
    int regular = !exists || S_ISREG(st.st_mode);
    if (how == JM_CLI_WRITE_WHOLE && regular && !link)
        return make_temporary(f, exists ? &st : NULL);
    /* Written through: a link is followed only to what it names already. */
    int flags = O_WRONLY | O_CLOEXEC | (link ? 0 : O_NOFOLLOW | O_CREAT);
    if (how == JM_CLI_WRITE_APPEND)
        flags |= O_APPEND;
    else if (regular)
        flags |= O_TRUNC;
    int fd = open(path, flags, 0666);
    if (fd < 0)
        refuse(path,
               errno == ELOOP ? "became a symbolic link while being opened" : strerror(errno));
    return fd;
}

void jm_cli_file_commit(jm_cli_file *f)
{
    if (!f->tmp)
        return;
    if (rename(f->tmp, f->path) != 0) {
        int e = errno;
        unlink(f->tmp);
        refuse(f->path, strerror(e));
    }
    drop_pending(f->tmp);
    /* The rename itself on disk too. */
    char *dir = dir_of(f->path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
    free(f->tmp);
    f->tmp = NULL;
}

/* ---- one file under two names ---- */

typedef struct ident {
    int kind; /* 0: nothing to compare (not regular), 1: a regular file, 2: not there yet */
    dev_t dev;
    ino_t ino;
    const char *name; /* kind 2: the name in the folder dev/ino */
} ident;

static ident ident_of(const char *path, int std_fd)
{
    ident id = {0};
    struct stat st;
    if (!path || strcmp(path, "-") == 0) { /* standard output or input */
        if (fstat(std_fd, &st) == 0 && S_ISREG(st.st_mode))
            id = (ident){1, st.st_dev, st.st_ino, NULL};
    } else if (stat(path, &st) == 0) {
        if (S_ISREG(st.st_mode))
            id = (ident){1, st.st_dev, st.st_ino, NULL};
    } else if (errno == ENOENT) {
        char *dir = dir_of(path);
        if (stat(dir, &st) == 0)
            id = (ident){2, st.st_dev, st.st_ino, base_of(path)};
        free(dir);
    }
    return id;
}

static int same(const ident *a, const ident *b)
{
    return a->kind && a->kind == b->kind && a->dev == b->dev && a->ino == b->ino &&
           (a->kind == 1 || strcmp(a->name, b->name) == 0);
}

/* "-o 'f'", or "standard output". */
static const char *shown(const jm_cli_named *f, char *buf, size_t size)
{
    if (strcmp(f->path, "-") == 0)
        return "standard output";
    snprintf(buf, size, "%s '%s'", f->option, f->path);
    return buf;
}

void jm_cli_check_files(const jm_cli_named *outs, int nouts, char **paths, int npaths)
{
    ident out[8];
    char a[512], b[512];
    if (nouts > 8)
        nouts = 8;
    for (int i = 0; i < nouts; i++) {
        out[i] =
            outs[i].option && outs[i].path ? ident_of(outs[i].path, STDOUT_FILENO) : (ident){0};
        for (int j = 0; j < i; j++)
            if (same(&out[i], &out[j]))
                jm_cli_usage("%s and %s are the same file", shown(&outs[j], a, sizeof a),
                             shown(&outs[i], b, sizeof b));
    }
    for (int k = 0; npaths >= 0 && k < (npaths ? npaths : 1); k++) {
        const char *in = npaths && strcmp(paths[k], "-") ? paths[k] : NULL;
        ident id = ident_of(in, STDIN_FILENO);
        for (int i = 0; i < nouts; i++)
            if (id.kind == 1 && same(&id, &out[i]))
                jm_cli_usage("%s is also an input (%s%s%s): it would be overwritten while read",
                             shown(&outs[i], a, sizeof a), in ? "'" : "",
                             in ? in : "standard input", in ? "'" : "");
    }
}
