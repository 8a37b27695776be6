/* The four ways lint findings leave the tool: text for people, JSON for
 * scripts (CONTRACTS.md), SARIF 2.1.0 for code scanning, and GitHub workflow
 * annotations (shared/reference/rules-and-lint-conventions.md section 2). */
#include <stdint.h>
#include <string.h>

#include "lint/lint.h"
#include "util/display.h"
#include "util/json.h"

#ifndef PGM_VERSION
#define PGM_VERSION "0.0.0-dev"
#endif

static const char *sarif_level(enum pgm_severity s)
{
    return s >= PGM_SEV_HIGH ? "error" : s == PGM_SEV_MEDIUM ? "warning" : "note";
}

static void write_text(const pgm_lint *l, bool verbose, FILE *out)
{
    for (size_t i = 0; i < l->n; i++) {
        const pgm_lint_finding *f = &l->findings[i];
        if (f->path)
            fprintf(out, "%s:%u: ", f->path, f->line);
        else
            fputs("(bundle): ", out);
        /* a message quotes the configuration's values: escaped for the terminal */
        pgm_strbuf shown;
        pgm_strbuf_init(&shown, SIZE_MAX);
        const char *msg = pgm_display_append(&shown, f->message) != 0 ? "(not shown: out of memory)"
                          : shown.p                                  ? shown.p
                                                                     : "";
        fprintf(out, "%s: [%s] %s\n", pgm_severity_name(f->severity), f->rule_id, msg);
        pgm_strbuf_free(&shown);
        if (verbose && f->remediation) {
            fputs("    fix: ", out);
            for (const char *p = f->remediation; *p; p++) {
                fputc(*p == '\n' && p[1] ? ' ' : *p, out);
            }
            if (f->remediation[0] && f->remediation[strlen(f->remediation) - 1] != '\n')
                fputc('\n', out);
        }
    }
}

static void write_json(const pgm_lint *l, FILE *out)
{
    pgm_json j;
    pgm_json_init(&j, out, true);
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "schema");
    pgm_json_string(&j, "pgmortem.lint/1");
    pgm_json_key(&j, "findings");
    pgm_json_begin_array(&j);
    size_t counts[5] = {0};
    for (size_t i = 0; i < l->n; i++) {
        const pgm_lint_finding *f = &l->findings[i];
        counts[f->severity]++;
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "rule");
        pgm_json_string(&j, f->rule_id);
        pgm_json_key(&j, "severity");
        pgm_json_string(&j, pgm_severity_name(f->severity));
        pgm_json_key(&j, "path");
        pgm_json_string(&j, f->path);
        pgm_json_key(&j, "line");
        if (f->path)
            pgm_json_uint(&j, f->line);
        else
            pgm_json_null(&j);
        pgm_json_key(&j, "message");
        pgm_json_string(&j, f->message);
        pgm_json_key(&j, "key");
        pgm_json_string(&j, f->key);
        pgm_json_key(&j, "title");
        pgm_json_string(&j, f->title);
        pgm_json_key(&j, "remediation");
        pgm_json_string(&j, f->remediation);
        pgm_json_key(&j, "fingerprint");
        pgm_json_string(&j, f->fingerprint);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_key(&j, "summary");
    pgm_json_begin_object(&j);
    static const char *const names[5] = {"critical", "high", "medium", "low", "info"};
    static const enum pgm_severity order[5] = {PGM_SEV_CRITICAL, PGM_SEV_HIGH, PGM_SEV_MEDIUM,
                                               PGM_SEV_LOW, PGM_SEV_INFO};
    for (int k = 0; k < 5; k++) {
        pgm_json_key(&j, names[k]);
        pgm_json_uint(&j, counts[order[k]]);
    }
    pgm_json_key(&j, "suppressed");
    pgm_json_uint(&j, l->suppressed);
    pgm_json_key(&j, "baselined");
    pgm_json_uint(&j, l->baselined);
    pgm_json_key(&j, "ignored");
    pgm_json_uint(&j, l->ignored);
    pgm_json_key(&j, "excluded_files");
    pgm_json_uint(&j, l->excluded);
    pgm_json_key(&j, "templates");
    pgm_json_uint(&j, l->templates);
    pgm_json_end_object(&j);
    pgm_json_key(&j, "files");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < l->n_files; i++) {
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "path");
        pgm_json_string(&j, l->files[i].path);
        pgm_json_key(&j, "kind");
        pgm_json_string(&j, l->files[i].kind);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_end_object(&j);
    fputc('\n', out);
}

/* A SARIF artifact URI: the path relative to where lint ran (GitHub resolves
 * it against the repository root); inside an archive, the archive's member
 * path after "!" is not a file of the repository, so the archive is named. */
static void sarif_uri(pgm_json *j, const char *path)
{
    static const char keep[] = "-._~/!$&'()*+,;=:@";
    const char *p = path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    char buf[4096 * 3 + 8];
    size_t o = 0;
    if (*p == '/') { /* an absolute path is a file: URI, never a relative reference */
        memcpy(buf, "file://", 7);
        o = 7;
    }
    for (; *p && o + 4 < sizeof buf; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr(keep, ch)) {
            buf[o++] = (char)ch;
        } else {
            static const char hex[] = "0123456789ABCDEF";
            buf[o++] = '%';
            buf[o++] = hex[ch >> 4];
            buf[o++] = hex[ch & 15];
        }
    }
    buf[o] = 0;
    pgm_json_string(j, buf);
}

/* SARIF's reportingDescriptor.name: the title as one PascalCase word. */
static void friendly_name(const char *title, char *out, size_t cap)
{
    size_t o = 0;
    bool up = true;
    for (const char *p = title; *p && o + 1 < cap; p++) {
        char ch = *p;
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum) {
            up = true;
            continue;
        }
        out[o++] = up && ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
        up = false;
    }
    out[o] = 0;
}

/* A SARIF reportingDescriptor's texts and default level. */
static void sarif_rule_texts(pgm_json *j, const char *title, const char *full, const char *help,
                             enum pgm_severity severity)
{
    const char *const keys[3] = {"shortDescription", "fullDescription", "help"};
    const char *const texts[3] = {title, full, help};
    for (int k = 0; k < 3; k++) {
        pgm_json_key(j, keys[k]);
        pgm_json_begin_object(j);
        pgm_json_key(j, "text");
        pgm_json_string(j, texts[k]);
        pgm_json_end_object(j);
    }
    pgm_json_key(j, "defaultConfiguration");
    pgm_json_begin_object(j);
    pgm_json_key(j, "level");
    pgm_json_string(j, sarif_level(severity));
    pgm_json_end_object(j);
}

static void write_sarif(const pgm_lint *l, const pgm_ruleset *rs, FILE *out)
{
    pgm_json j;
    pgm_json_init(&j, out, true);
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "$schema");
    pgm_json_string(&j, "https://json.schemastore.org/sarif-2.1.0.json");
    pgm_json_key(&j, "version");
    pgm_json_string(&j, "2.1.0");
    pgm_json_key(&j, "runs");
    pgm_json_begin_array(&j);
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "tool");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "driver");
    pgm_json_begin_object(&j);
    pgm_json_key(&j, "name");
    pgm_json_string(&j, "pgmortem");
    pgm_json_key(&j, "semanticVersion");
    pgm_json_string(&j, PGM_VERSION);
    pgm_json_key(&j, "informationUri");
    pgm_json_string(&j, "https://github.com/pgmortem/pgmortem");
    /* every check rule, so a result's ruleIndex points into one list */
    pgm_json_key(&j, "rules");
    pgm_json_begin_array(&j);
    size_t n_rules = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const pgm_rule *r = &rs->rules[i];
        if (r->shape != PGM_SHAPE_CHECK)
            continue;
        n_rules++;
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "id");
        pgm_json_string(&j, r->id);
        char name[128];
        friendly_name(r->title, name, sizeof name);
        pgm_json_key(&j, "name");
        pgm_json_string(&j, name);
        if (r->references.n && strncmp(r->references.v[0], "https://", 8) == 0) {
            pgm_json_key(&j, "helpUri");
            pgm_json_string(&j, r->references.v[0]);
        }
        sarif_rule_texts(&j, r->title, r->title, r->remediation && *r->remediation ? r->remediation : r->title,
                         r->severity);
        pgm_json_key(&j, "properties");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "severity");
        pgm_json_string(&j, pgm_severity_name(r->severity));
        if (r->tags.n) {
            pgm_json_key(&j, "tags");
            pgm_json_begin_array(&j);
            for (size_t t = 0; t < r->tags.n && t < 20; t++)
                pgm_json_string(&j, r->tags.v[t]);
            pgm_json_end_array(&j);
        }
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
    }
    /* the tool's own rules */
    for (size_t k = 0; k < pgm_lint_n_own_rules; k++) {
        const pgm_lint_own_rule *r = &pgm_lint_own_rules[k];
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "id");
        pgm_json_string(&j, r->id);
        sarif_rule_texts(&j, r->title, r->description, r->remediation, r->severity);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_end_object(&j); /* driver */
    pgm_json_end_object(&j); /* tool */
    pgm_json_key(&j, "results");
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < l->n; i++) {
        const pgm_lint_finding *f = &l->findings[i];
        if (!f->path)
            continue; /* SARIF results point at a file */
        size_t index = n_rules;
        for (size_t k = 0, c = 0; k < rs->n; k++) {
            if (rs->rules[k].shape != PGM_SHAPE_CHECK)
                continue;
            if (strcmp(rs->rules[k].id, f->rule_id) == 0)
                index = c;
            c++;
        }
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "ruleId");
        pgm_json_string(&j, f->rule_id);
        pgm_json_key(&j, "ruleIndex");
        pgm_json_uint(&j, index);
        pgm_json_key(&j, "level");
        pgm_json_string(&j, sarif_level(f->severity));
        pgm_json_key(&j, "message");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "text");
        pgm_json_string(&j, f->message);
        pgm_json_end_object(&j);
        pgm_json_key(&j, "locations");
        pgm_json_begin_array(&j);
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "physicalLocation");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "artifactLocation");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "uri");
        sarif_uri(&j, f->path);
        pgm_json_end_object(&j);
        pgm_json_key(&j, "region");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "startLine");
        pgm_json_uint(&j, f->line ? f->line : 1);
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
        pgm_json_end_array(&j);
        pgm_json_key(&j, "partialFingerprints");
        pgm_json_begin_object(&j);
        char fp[32];
        snprintf(fp, sizeof fp, "%s:1", f->fingerprint);
        pgm_json_key(&j, "primaryLocationLineHash");
        pgm_json_string(&j, fp);
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    pgm_json_end_object(&j); /* run */
    pgm_json_end_array(&j);
    pgm_json_end_object(&j);
    fputc('\n', out);
}

/* Workflow-command escaping (actions/toolkit command.ts): the message escapes
 * % CR LF; property values also : and ,. */
static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': property ? fputs("%3A", out) : fputc(':', out); break;
        case ',': property ? fputs("%2C", out) : fputc(',', out); break;
        default: fputc(*s, out);
        }
    }
}

static void write_github(const pgm_lint *l, FILE *out)
{
    static const char *const cmd[3] = {"error", "warning", "notice"};
    size_t shown[3] = {0}, total = 0, omitted = 0;
    /* highest severity first: GitHub keeps only the first of each level */
    for (int sev = PGM_SEV_CRITICAL; sev >= PGM_SEV_INFO; sev--)
        for (size_t i = 0; i < l->n; i++) {
            const pgm_lint_finding *f = &l->findings[i];
            if ((int)f->severity != sev)
                continue;
            int level = sev >= PGM_SEV_HIGH ? 0 : sev == PGM_SEV_MEDIUM ? 1 : 2;
            if (shown[level] == PGM_LINT_GITHUB_PER_LEVEL || total == PGM_LINT_GITHUB_TOTAL) {
                omitted++;
                continue;
            }
            shown[level]++;
            total++;
            fprintf(out, "::%s ", cmd[level]);
            if (f->path) {
                fputs("file=", out);
                gh_escape(out, f->path, true);
                fprintf(out, ",line=%u,", f->line ? f->line : 1);
            }
            fputs("title=", out);
            char title[512];
            snprintf(title, sizeof title, "[%s] %s", f->rule_id, f->title);
            gh_escape(out, title, true);
            fputs("::", out);
            gh_escape(out, f->message, false);
            fputc('\n', out);
        }
    if (omitted)
        fprintf(out, "pgmortem: %zu more finding(s) not annotated (GitHub shows %u of each level, %u "
                     "in all); the text, JSON or SARIF output has them all\n",
                omitted, PGM_LINT_GITHUB_PER_LEVEL, PGM_LINT_GITHUB_TOTAL);
}

/* GitLab's Code Quality report (its documented fields: description,
 * check_name, fingerprint, severity, location.path and location.lines.begin):
 * the merge request widget compares a branch's fingerprints with its
 * target's, so a fingerprint is the finding's own (rule, file, key, pool:
 * stable when lines move), made unique with an ordinal where two findings
 * share one (GitLab shows only the first of a fingerprint). */
static void write_gitlab(const pgm_lint *l, FILE *out)
{
    static const char *const sev[] = {[PGM_SEV_INFO] = "info", [PGM_SEV_LOW] = "minor", [PGM_SEV_MEDIUM] = "major",
                                      [PGM_SEV_HIGH] = "critical", [PGM_SEV_CRITICAL] = "blocker"};
    pgm_json j;
    pgm_json_init(&j, out, true);
    pgm_json_begin_array(&j);
    for (size_t i = 0; i < l->n; i++) {
        const pgm_lint_finding *f = &l->findings[i];
        size_t same = 0;
        for (size_t k = 0; k < i; k++)
            same += strcmp(l->findings[k].fingerprint, f->fingerprint) == 0;
        char fp[40], desc[2048];
        if (same)
            snprintf(fp, sizeof fp, "%s-%zu", f->fingerprint, same + 1);
        else
            snprintf(fp, sizeof fp, "%s", f->fingerprint);
        snprintf(desc, sizeof desc, "[%s] %s", f->rule_id, f->message);
        const char *path = f->path ? f->path : ".";
        while (path[0] == '.' && path[1] == '/')
            path += 2; /* repository-relative, as GitLab links it */
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "description");
        pgm_json_string(&j, desc);
        pgm_json_key(&j, "check_name");
        pgm_json_string(&j, f->rule_id);
        pgm_json_key(&j, "fingerprint");
        pgm_json_string(&j, fp);
        pgm_json_key(&j, "severity");
        pgm_json_string(&j, (unsigned)f->severity < sizeof sev / sizeof sev[0] && sev[f->severity] ? sev[f->severity]
                                                                                              : "info");
        pgm_json_key(&j, "location");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "path");
        pgm_json_string(&j, path);
        pgm_json_key(&j, "lines");
        pgm_json_begin_object(&j);
        pgm_json_key(&j, "begin");
        pgm_json_uint(&j, f->line ? f->line : 1);
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
        pgm_json_end_object(&j);
    }
    pgm_json_end_array(&j);
    fputc('\n', out);
}

void pgm_lint_write(const pgm_lint *l, enum pgm_lint_format f, bool verbose, const pgm_ruleset *rs,
                    FILE *out)
{
    switch (f) {
    case PGM_LINT_TEXT: write_text(l, verbose, out); break;
    case PGM_LINT_JSON: write_json(l, out); break;
    case PGM_LINT_SARIF: write_sarif(l, rs, out); break;
    case PGM_LINT_GITHUB: write_github(l, out); break;
    case PGM_LINT_GITLAB: write_gitlab(l, out); break;
    }
}
