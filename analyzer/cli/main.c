/* pgmortem: the command dispatcher. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/outfile.h"

#ifndef PGM_VERSION
#define PGM_VERSION "0.0.0-dev"
#endif

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        pgm_print_help(NULL);
        return PGM_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        pgm_print_help(NULL);
        return PGM_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("pgmortem %s\n", PGM_VERSION);
        return PGM_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 3) {
            pgm_usage_error(NULL, "'help' takes at most one command");
            return PGM_EXIT_USAGE;
        }
        if (argc == 3 && !pgm_has_help(argv[2])) {
            pgm_usage_error(NULL, "unknown command '%s'", argv[2]);
            return PGM_EXIT_USAGE;
        }
        pgm_print_help(argc == 3 ? argv[2] : NULL);
        return PGM_EXIT_OK;
    }
    if (strcmp(cmd, "inventory") == 0)
        return pgm_cmd_inventory(argc, argv, 2);
    if (strcmp(cmd, "rules") == 0)
        return pgm_cmd_rules(argc, argv, 2);
    if (strcmp(cmd, "timeline") == 0)
        return pgm_cmd_timeline(argc, argv, 2);
    if (strcmp(cmd, "lint") == 0)
        return pgm_cmd_lint(argc, argv, 2);
    if (strcmp(cmd, "analyze") == 0)
        return pgm_cmd_analyze(argc, argv, 2);
    if (cmd[0] == '-')
        pgm_usage_error(NULL, "unknown option '%s'", cmd);
    else
        pgm_usage_error(NULL, "unknown command '%s'", cmd);
    return PGM_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* -o files are written under a temporary name; a signal removes it */
    pgm_outfile_install_signal_cleanup();
    int rc = dispatch(argc, argv);
    /* What went to stdout must have arrived (a full disk, /dev/full, a
     * closed pipe): a report cut short is no report. */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pgmortem: the output could not be written%s%s\n", errno ? ": " : "",
                errno ? strerror(errno) : "");
        if (rc == PGM_EXIT_OK) /* lint's findings still decide a gate */
            rc = PGM_EXIT_INPUT;
    }
    return rc;
}
