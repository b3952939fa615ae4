/* Plugin sinks for the tools: --to NAME[:key=value,...], written beside a tool's own output. */
#ifndef JM_CLI_PLUGIN_H
#define JM_CLI_PLUGIN_H

#include <jobmatch/jobmatch.h>

/* A plugin's sink opened from a spec, and what it needs for messages. */
typedef struct jm_cli_plugin_out {
    const char *option; /* "--to", for messages */
    const char *spec;   /* the option's value, borrowed from argv */
    jm_plugin *plugin;
    jm_sink *sink;
} jm_cli_plugin_out;

/* Loads the plugin named by spec and makes its sink. A malformed spec or an option the plugin
 * refuses is a usage error (exit 2, naming option); a module that cannot be found or loaded, or
 * a sink that cannot be made, exits 3. */
void jm_cli_plugin_open(jm_cli_plugin_out *o, const char *option, const char *spec);
/* A sink that writes every message to main and then to o's sink, flushes and syncs both. It takes
 * main (freeing it frees main) and borrows o, which must outlive it. A failure of o's sink exits
 * 3 with a message naming it; main's failures come back as its codes. Its flags are o's sink's
 * (JM_SINK_WANTS_RECORDS). Exits 3 when out of memory. */
jm_sink *jm_cli_plugin_tee_take(jm_cli_plugin_out *o, jm_sink *main);
/* Waits for o's sink to deliver everything (jm_sink_sync), frees it and unloads the plugin;
 * exits 3 when delivery fails. Does nothing when o was never opened. */
void jm_cli_plugin_close(jm_cli_plugin_out *o);

#endif
