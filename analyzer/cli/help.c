/* Help texts. The man page (analyzer/cli/pgmortem.1) says the same things;
 * tests/cli/help-matches-man.sh checks that every option here is there. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char overview[] =
    "Usage: pgmortem COMMAND [OPTIONS] INPUT...\n"
    "\n"
    "Reads the evidence of a PostgreSQL connection incident (server logs,\n"
    "postgresql.conf, Spring/HikariCP settings and logs, pg_stat_activity dumps),\n"
    "as directories, files, archives or stdin, without unpacking anything to disk.\n"
    "\n"
    "Commands:\n"
    "  inventory INPUT...   list every file in the inputs with its kind, format,\n"
    "                       size, lines and time span\n"
    "  help [COMMAND]       this text, or the options of COMMAND\n"
    "\n"
    "Options:\n"
    "  -h, --help           this text\n"
    "  -V, --version        the version\n"
    "\n"
    "Exit codes: 0 success; 2 some input could not be read; 3 usage error.\n"
    "See pgmortem(1).\n";

static const char inventory[] =
    "Usage: pgmortem inventory [OPTIONS] INPUT...\n"
    "\n"
    "Lists what the inputs hold: every file inside directories, archives (tar, zip,\n"
    "7z, ... nested in any order) and compressed files (.gz .bz2 .xz .zst), with its\n"
    "kind (pg_log, pg_conf, pg_settings, spring_conf, hikari_conf, app_log,\n"
    "pg_stat_activity, k8s_manifest, env_file, unknown), format, bytes, lines, first\n"
    "and last timestamp (UTC), and warnings. INPUT is a directory, a file, or - for\n"
    "stdin. Links, devices and unsafe names inside archives are listed, not read.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      table (default) or json\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "      --max-depth N        container layers one inside another (default 8)\n"
    "      --max-entries N      entries read from one archive (default 100000)\n"
    "      --max-total-bytes SIZE  decompressed bytes read in the run (default 64G)\n"
    "      --max-ratio N        decompressed:compressed ratio of one layer before it is\n"
    "                           treated as a bomb (default 250)\n"
    "      --max-line-bytes SIZE   longer lines are cut to this (default 1M)\n"
    "  -h, --help               this text\n"
    "\n"
    "A limit of 0 means no limit. SIZE takes K, M, G, T suffixes (powers of 1024).\n"
    "Exit codes: 0 everything was read; 2 some input could not be read (damaged,\n"
    "unreadable, or over a limit: the warnings say which); 3 usage error.\n";

static const struct {
    const char *name;
    const char *text;
} helps[] = {
    {"inventory", inventory},
};

bool pgm_has_help(const char *command)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (strcmp(helps[i].name, command) == 0)
            return true;
    return strcmp(command, "help") == 0;
}

void pgm_print_help(const char *command)
{
    if (command) {
        for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
            if (strcmp(helps[i].name, command) == 0) {
                fputs(helps[i].text, stdout);
                return;
            }
        }
    }
    fputs(overview, stdout);
}
