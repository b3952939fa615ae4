/* Plugins for the tools: sinks beside a tool's own output (--to NAME[:key=value,...], --pg) and
 * sources it reads instead of files (--from NAME[:key=value,...], --from-pg). Messages name the
 * option and the plugin, never the spec: its values may hold a password. */
#ifndef JM_CLI_PLUGIN_H
#define JM_CLI_PLUGIN_H

#include <jobmatch/jobmatch.h>

/* A plugin's sink, and what it needs for messages. */
typedef struct jm_cli_plugin_out {
    const char *option; /* "--to", "--pg", for messages */
    jm_plugin *plugin;
    jm_sink *sink;
    /* Set after opening: when not JM_KIND_NONE, a tee gives the sink only messages of this kind
     * (jm-match --kafka: applications, never the input records --passthrough copies). */
    jm_kind only;
} jm_cli_plugin_out;

/* Loads the plugin named by spec and makes its sink. A malformed spec or an option the plugin
 * refuses is a usage error (exit 2, naming option); a module that cannot be found or loaded, or
 * a sink that cannot be made, exits 3. */
void jm_cli_plugin_open(jm_cli_plugin_out *o, const char *option, const char *spec);
/* The same for plugin name with n options (borrowed for the call). */
void jm_cli_plugin_open_with(jm_cli_plugin_out *o, const char *option, const char *name,
                             const jm_plugin_option *options, size_t n);
/* A sink that writes every message to main and then to o's sink, flushes and syncs both. It takes
 * main (freeing it frees main) and borrows o, which must outlive it. A failure of o's sink exits
 * 3 with a message naming it; main's failures come back as its codes. Its flags are o's sink's
 * (JM_SINK_WANTS_RECORDS). Exits 3 when out of memory. */
jm_sink *jm_cli_plugin_tee_take(jm_cli_plugin_out *o, jm_sink *main);
/* Waits for o's sink to deliver everything (jm_sink_sync), frees it and unloads the plugin;
 * exits 3 when delivery fails. Does nothing when o was never opened. */
void jm_cli_plugin_close(jm_cli_plugin_out *o);

/* A plugin's source, and what it needs for messages. */
typedef struct jm_cli_plugin_in {
    const char *option; /* "--from", "--from-pg", for messages */
    jm_plugin *plugin;
    jm_source *source;
} jm_cli_plugin_in;

/* Loads the plugin named by spec and makes its source, with the same exits as
 * jm_cli_plugin_open(). */
void jm_cli_plugin_source_open(jm_cli_plugin_in *in, const char *option, const char *spec);
/* The same for plugin name with n options (borrowed for the call). */
void jm_cli_plugin_source_open_with(jm_cli_plugin_in *in, const char *option, const char *name,
                                    const jm_plugin_option *options, size_t n);
/* Frees the source and unloads the plugin; uncommitted messages stay uncommitted. Does nothing
 * when in was never opened. */
void jm_cli_plugin_source_close(jm_cli_plugin_in *in);

/* ---- the PostgreSQL spellings: --pg[=CONNINFO], --from-pg[=CONNINFO] ----
 * The module is the plugin "pg" (docs/POSTGRESQL.md); CONNINFO becomes its conninfo= option. */

#define JM_CLI_PG_PLUGIN "pg"

/* The value of an option with an optional CONNINFO, from inside the getopt_long loop: optarg
 * (--pg=CONNINFO), else the next argument when it is a connection string (it holds a '=') or a
 * postgres:// or postgresql:// URI (--pg CONNINFO; then it is consumed), else NULL: libpq's
 * defaults (PG* variables, ~/.pgpass) and the reference pipeline's POSTGRES_* (and ./.env). */
const char *jm_cli_conninfo_arg(int argc, char **argv);
/* Fills opts (room for 1) with conninfo= when conninfo is not NULL; returns how many. */
size_t jm_cli_conninfo_option(jm_plugin_option *opts, const char *conninfo);

#endif
