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
    "  timeline INPUT...    the server logs' events (connections, refusals, session\n"
    "                       ends, crashes, locks...) in time order, as JSON Lines or CSV\n"
    "  analyze INPUT...     what happened: sessions, the open-connection peak, the\n"
    "                       group that grew, and the verdict with its evidence\n"
    "  lint INPUT...        check postgresql.conf, pg_settings, Spring Boot, HikariCP,\n"
    "                       .env and Kubernetes configuration against the rules\n"
    "  rules list|show|test the rule packs: list them, show one, run their tests\n"
    "  help [COMMAND]       this text, or the options of COMMAND\n"
    "\n"
    "Options:\n"
    "  -h, --help           this text\n"
    "  -V, --version        the version\n"
    "\n"
    "Exit codes: 0 success; 1 lint findings at or above --fail-on, or rule tests\n"
    "failed; 2 some input could not be read (or the output written);\n"
    "3 usage error; 4 invalid rule packs.\n"
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
    "A server log's times are those its log_line_prefix puts there (found as\n"
    "timeline finds it), not a session's start before them.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      table (default) or json\n"
    "      --log-line-prefix SPEC, --tz ZONE, --app-tz ZONE, --year YEAR\n"
    "                           how times are read, as for timeline\n"
    "      --since TIME, --until TIME   leave out the files whose times all lie\n"
    "                           outside the window (files without times stay)\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "      --max-depth N        container layers one inside another (default 8)\n"
    "      --max-entries N      archive entries read in the whole run, nested ones\n"
    "                           included (default 100000)\n"
    "      --max-total-bytes SIZE  decompressed bytes read in the run (default 64G)\n"
    "      --max-ratio N        decompressed:compressed ratio of one layer before it is\n"
    "                           treated as a bomb (default 250)\n"
    "      --max-line-bytes SIZE   longer lines are cut to this (default 1M)\n"
    "  -h, --help               this text\n"
    "\n"
    "A limit of 0 means no limit. SIZE takes K, M, G, T suffixes (powers of 1024).\n"
    "Exit codes: 0 everything was read; 2 some input could not be read (damaged,\n"
    "unreadable, or over a limit), or a file with a time on most lines is no log\n"
    "pgmortem reads (the warnings say which); 3 usage error.\n";

static const char rules[] =
    "Usage: pgmortem rules list [--format table|json] [RULE OPTIONS]\n"
    "       pgmortem rules show ID... [RULE OPTIONS]\n"
    "       pgmortem rules test [DIR...] [RULE OPTIONS]\n"
    "\n"
    "Rule packs are YAML files (rules/README.md documents them): match rules that\n"
    "classify log messages into events, threshold rules over events, and check\n"
    "rules over configuration facts. The builtin packs are found beside the binary\n"
    "(or where they were installed); --rules adds packs.\n"
    "\n"
    "  list                     id, severity, kind and title of every rule\n"
    "  show ID...               everything about the rules named\n"
    "  test [DIR...]            run every rule's inline tests (of the packs in DIR\n"
    "                           when given, else of the builtin and --rules packs);\n"
    "                           prints each failure with the rule id and case\n"
    "\n"
    "Rule options:\n"
    "      --rules DIR          load the packs in DIR (or a single .yml file) too\n"
    "      --no-builtin-rules   do not load the builtin packs\n"
    "  -f, --format FORMAT      table (default) or json, for list\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit codes: 0 success; 1 a rule test failed; 3 usage error; 4 a pack is\n"
    "invalid (every error is printed as file:line:column: message, and nothing is\n"
    "loaded).\n";

static const char timeline[] =
    "Usage: pgmortem timeline [OPTIONS] INPUT...\n"
    "\n"
    "Reads every PostgreSQL server log in the inputs (stderr with any\n"
    "log_line_prefix, csvlog, jsonlog, syslog, Amazon RDS, Cloud SQL, Azure and\n"
    "CloudNativePG exports; newest-first exports too) and writes one event per\n"
    "message the rule packs recognise, in time order (UTC; events without a time\n"
    "first), to stdout. Application logs (HikariCP, Spring, pgjdbc) and\n"
    "pg_stat_activity dumps in the inputs give their events too. Lines and\n"
    "messages that are not understood are counted per input (--coverage).\n"
    "The log_line_prefix is --log-line-prefix, else the one a postgresql.conf met\n"
    "earlier in the inputs sets when it fits the file, else the one read off the\n"
    "lines (their text before the severity, the names their messages state, %q\n"
    "where processes without a session stop) or a platform's default, whichever\n"
    "reads most lines with values of the right shape. The run says so and exits 2\n"
    "when it parses fewer than 95% of a file's lines, when two prefixes read them\n"
    "equally with other fields, or when the configuration's does not fit.\n"
    "Events are sorted in 24 MiB of memory, then through temporary files under\n"
    "$TMPDIR. One log file (not an archive) in time order is written as it is read:\n"
    "into a file or /dev/null each event is checked to follow the one before (one\n"
    "that does not makes the output written again, sorted); into a pipe a first\n"
    "pass over the file proves the order.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      jsonl (default) or csv\n"
    "  -o, --output FILE        write there instead of stdout (compressed with zstd\n"
    "                           when FILE ends in .zst)\n"
    "      --kinds LIST         only these event kinds, comma-separated; a name takes\n"
    "                           the kinds below it (conn.refused, conn.terminated.*)\n"
    "      --since TIME         only events at or after TIME (2026-11-27T00:18:00Z;\n"
    "                           a time without zone is UTC)\n"
    "      --until TIME         only events at or before TIME\n"
    "      --log-line-prefix SPEC  the server's log_line_prefix, as in postgresql.conf\n"
    "      --tz ZONE            zone of times printed without a usable one: an offset\n"
    "                           (+05:30, -03), an abbreviation (UTC, CET, EST), or a\n"
    "                           tz database name with its summer time (Europe/Berlin)\n"
    "      --app-tz ZONE        the same for application logs (Spring Boot 2 writes\n"
    "                           local times without a zone); default: the TZ that\n"
    "                           a .env or Kubernetes manifest in the bundle sets,\n"
    "                           else UTC\n"
    "      --year YEAR          year of syslog dates, which have none (default: the\n"
    "                           file's modification time)\n"
    "  -j, --jobs N             threads for a large plain log file (default: the\n"
    "                           cores, at most 4); compressed files use one\n"
    "      --coverage           one line per log on stderr: prefix, lines parsed,\n"
    "                           messages of unknown kind; and how the events were\n"
    "                           put in time order\n"
    "      --no-redact          keep passwords in messages and statements (by default\n"
    "                           PASSWORD '...', password=..., user:...@ become [REDACTED])\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "      --rules DIR          load the packs in DIR (or a single .yml file) too\n"
    "      --no-builtin-rules   do not load the builtin packs\n"
    "      --max-depth N, --max-entries N, --max-total-bytes SIZE, --max-ratio N,\n"
    "      --max-line-bytes SIZE   bundle limits, as for inventory\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit codes: 0 success; 2 some input could not be read, a log gave no message,\n"
    "its prefix does not fit or is in doubt, or a file with a time on most lines is\n"
    "no log pgmortem reads; 3 usage error; 4 invalid rule packs.\n";

static const char analyze[] =
    "Usage: pgmortem analyze [OPTIONS] INPUT...\n"
    "\n"
    "Reads the whole bundle and says what happened: every backend session paired\n"
    "by pid (reuse, restarts, sessions from before the log), the exact curve of\n"
    "open client sessions and its peak, the first refusal, the group of sessions\n"
    "(user, database, client, application) that kept growing, the applications'\n"
    "leak reports ranked by code location, pool starts, pg_stat_activity\n"
    "snapshots (the curve's source when the log has no connection lines), the\n"
    "configuration (max_connections, the fleet's pools, lint's findings), and the\n"
    "explanations (leak, idle_in_transaction, capacity, pool_churn, network,\n"
    "slow_queries, none, inconclusive) scored against each other.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      text (default: a short summary), json\n"
    "                           (pgmortem.report/1), md (the postmortem: verdict and\n"
    "                           impact, key moments, diagnosis with the sessions held\n"
    "                           longest and the idle-in-transaction holders, the\n"
    "                           explanations weighed, misconfigurations, remediation\n"
    "                           SQL and configuration diffs, verification and\n"
    "                           prevention, appendix), html (the same in one\n"
    "                           self-contained file with charts) or jsonl (the events)\n"
    "  -o, --output FILE        write the report there (repeatable, up to 8): the\n"
    "                           extension (.json .md .html .jsonl .jsonl.zst) says the\n"
    "                           format, else -f; the terminal then gets the summary,\n"
    "                           unless -q\n"
    "      --redact-pii         user names and client addresses become consistent\n"
    "                           pseudonyms (user-1, client-1) in every report\n"
    "      --no-redact          keep passwords and URL credentials (redacted by default)\n"
    "      --export-alerts DIR  write Prometheus alert rules and a Grafana dashboard\n"
    "                           for this incident's pools and limits into DIR\n"
    "      --log-line-prefix SPEC, --tz ZONE, --app-tz ZONE, --year YEAR\n"
    "                           how the logs are read, as for timeline\n"
    "  -j, --jobs N             threads that read a large plain log file (default\n"
    "                           1: the analysis itself is one thread, and two gain\n"
    "                           nothing on two cores); the report is the same\n"
    "      --since TIME, --until TIME   the window judged: events outside it (and,\n"
    "                           with either given, events without a time) are left out\n"
    "      --profile NAME, --hikari-version V, --instances NAME=N\n"
    "                           which configuration applies, as for lint\n"
    "  -q, --quiet              no warnings or progress on stderr\n"
    "      --rules DIR          load the packs in DIR (or a single .yml file) too\n"
    "      --no-builtin-rules   do not load the builtin packs\n"
    "      --max-depth N, --max-entries N, --max-total-bytes SIZE, --max-ratio N,\n"
    "      --max-line-bytes SIZE   bundle limits, as for inventory\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit codes: 0 success; 2 some input could not be read; 3 usage error;\n"
    "4 invalid rule packs.\n";

static const char lint[] =
    "Usage: pgmortem lint [OPTIONS] INPUT...\n"
    "\n"
    "Checks the configuration in the inputs (directories, files, archives): the\n"
    "server's postgresql.conf with its includes and postgresql.auto.conf, pg_settings\n"
    "dumps, Spring Boot application*.properties/.yml (profiles, multi-document\n"
    "files), hikari.properties, .env files and Kubernetes manifests (container env,\n"
    "-D in JAVA_TOOL_OPTIONS, command-line arguments, replicas, an autoscaler's\n"
    "maxReplicas). Values are taken as they take effect:\n"
    "Spring's relaxed binding and precedence, HikariCP's clamps and silent disables.\n"
    "Findings: PATH:LINE: SEVERITY: [RULE] message. Secrets are redacted.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT      text (default), json, sarif (2.1.0) or github\n"
    "                           (workflow annotations, highest severity first)\n"
    "  -o, --output FILE        write there instead of stdout\n"
    "      --fail-on SEVERITY   exit 1 when a finding is at or above it: info, low,\n"
    "                           medium, high (default), critical, or never\n"
    "      --baseline FILE      accept the findings of an earlier --format json run;\n"
    "                           only new ones are reported\n"
    "      --profile NAME       active Spring profile (repeat or use commas; default:\n"
    "                           spring.profiles.active in the inputs, else default)\n"
    "      --hikari-version V   whose defaults and clamps apply (default: 7.0.2)\n"
    "      --instances NAME=N   replicas of a service, workload or pool, over the\n"
    "                           manifests' (default: replicas, else 1)\n"
    "  -v, --verbose            add each finding's fix (text format)\n"
    "      --effective          print the effective configuration on stderr: each\n"
    "                           pool's values with where they were set and why\n"
    "      --no-redact          keep passwords and URL credentials in the output\n"
    "  -q, --quiet              no warnings or summary on stderr\n"
    "      --rules DIR          load the packs in DIR (or a single .yml file) too\n"
    "      --no-builtin-rules   do not load the builtin packs\n"
    "      --max-depth N, --max-entries N, --max-total-bytes SIZE, --max-ratio N,\n"
    "      --max-line-bytes SIZE   bundle limits, as for inventory\n"
    "  -h, --help               this text\n"
    "\n"
    "Suppress a finding with a comment on its line or the line above:\n"
    "  # pgmortem: ignore RULE-ID the reason\n"
    "A suppression without a reason suppresses nothing and is reported.\n"
    "\n"
    "Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;\n"
    "2 some input could not be read; 3 usage error; 4 invalid rule packs.\n";

static const struct {
    const char *name;
    const char *text;
} helps[] = {
    {"lint", lint},
    {"analyze", analyze},
    {"timeline", timeline},
    {"inventory", inventory},
    {"rules", rules},
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
