/* The files the tools write: how each kind of target is opened, and that no two files of a run
 * are one (FILES in the man pages). */
#ifndef JM_CLI_OUTFILE_H
#define JM_CLI_OUTFILE_H

/* How a file is written. */
typedef enum jm_cli_write {
    /* Written whole: a regular file or an absent path gets a temporary made by mkstemp beside
     * it, renamed over it by jm_cli_file_commit(), so a reader never sees half of it and a run
     * that fails leaves the old file as it was (-o, --html, --truth, --csv-dir). */
    JM_CLI_WRITE_WHOLE = 0,
    /* Appended to, created when absent (--errors). */
    JM_CLI_WRITE_APPEND = 1,
    /* Truncated and written in place as it goes, for a run with no end (jm-gen -n 0 -o). */
    JM_CLI_WRITE_STREAM = 2,
} jm_cli_write;

/* Whatever the way: a FIFO, a character device (/dev/null, /dev/full, a terminal) or a
 * symbolic link to an existing file (/dev/stdout) is written through in place, never renamed
 * over; a directory, a block device or a symbolic link to nothing is refused. */
typedef struct jm_cli_file {
    const char *path; /* the target as named, borrowed */
    char *tmp;        /* the temporary until the commit, or NULL when written in place */
} jm_cli_file;

/* Opens path to be written as how says and returns the descriptor to write (the caller closes
 * it). Exits 3 with a message naming path when it cannot be opened or is of a kind refused. */
int jm_cli_file_open(jm_cli_file *f, const char *path, jm_cli_write how);
/* Makes what was written the file: renames the temporary over the target. The data must be on
 * disk already (fdatasync). Nothing to do for a file written in place. Exits 3 on failure,
 * removing the temporary. A temporary never committed is removed when the tool exits or is
 * stopped by SIGINT, SIGTERM or SIGHUP. */
void jm_cli_file_commit(jm_cli_file *f);

/* A file a run names, for jm_cli_check_files(): path "-" is standard output, NULL an output
 * not asked for. */
typedef struct jm_cli_named {
    const char *option; /* "-o", "--errors", ...: for the message */
    const char *path;
} jm_cli_named;
/* Refuses (exit 2, before anything is opened or truncated) two outputs that are one file, or
 * an output that is one of the inputs (npaths 0, or "-": standard input; npaths -1: a tool
 * that reads none): regular files
 * compared by device and inode, so also through other names and links; paths not there yet by
 * their folder and name. Devices and FIFOs may be shared (/dev/null twice is fine). Entries
 * of outs with option or path NULL are skipped. */
void jm_cli_check_files(const jm_cli_named *outs, int nouts, char **paths, int npaths);

#endif
