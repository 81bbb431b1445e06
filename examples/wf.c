/* wf - the command-line client for the Adobe Workfront REST API.

   Built from workfront.h alone, as one translation unit:

       cc -I. examples/wf.c -o build/wf -lmbedtls -lmbedx509 -lmbedcrypto

   Its interface (options, environment variables, commands, output, exit
   codes) is the contract in shared/cli.md; `wf --help` summarises it.

   Layout: exit codes -> option table -> command table -> argument parsing
   -> reporting -> output -> client -> preparation -> commands -> help ->
   main.  A run is: parse argv and the environment, let the command prepare
   (every input check, before any request), open the client (and log in),
   run, log out if we logged in.  Tables are const; all state lives in one
   `cli` struct passed around explicitly. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */
#endif

#define WORKFRONT_IMPLEMENTATION
#include "../workfront.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ exit codes */
enum {
    RC_OK = 0,       /* success */
    RC_API = 1,      /* Workfront answered with an error envelope */
    RC_USAGE = 2,    /* bad option, missing argument, invalid JSON given */
    RC_NET = 3,      /* network, TLS, timeout (and local output failures) */
    RC_AUTH = 4,     /* 401 or an authentication error class */
    RC_RESPONSE = 5  /* malformed or unexpected response */
};

/* Every wf_result in one place, so a new result in the library shows up
   here as "unmapped" (and falls back to RC_RESPONSE) rather than exit 0. */
typedef struct rc_map { wf_result result; int rc; } rc_map;
static const rc_map rc_table[] = {
    { WF_OK,              RC_OK },
    { WF_ERR_INVALID,     RC_USAGE },    /* refused before sending: the caller's input */
    { WF_ERR_URL,         RC_USAGE },    /* --url, --domain, --url-template, PATH */
    { WF_ERR_FILE,        RC_USAGE },    /* --cacert and other named files */
    { WF_ERR_UNSUPPORTED, RC_USAGE },    /* e.g. https:// in a WF_NO_TLS build */
    { WF_ERR_DNS,         RC_NET },
    { WF_ERR_CONNECT,     RC_NET },
    { WF_ERR_TIMEOUT,     RC_NET },
    { WF_ERR_IO,          RC_NET },
    { WF_ERR_CLOSED,      RC_NET },
    { WF_ERR_TLS,         RC_NET },
    { WF_ERR_CERT,        RC_NET },
    { WF_ERR_THROTTLED,   RC_NET },      /* transient like a network failure: retry later */
    { WF_ERR_API,         RC_API },
    { WF_ERR_AUTH,        RC_AUTH },
    { WF_ERR_HTTP,        RC_RESPONSE },
    { WF_ERR_TOO_LARGE,   RC_RESPONSE },
    { WF_ERR_ENCODING,    RC_RESPONSE },
    { WF_ERR_JSON,        RC_RESPONSE },
    { WF_ERR_RESPONSE,    RC_RESPONSE },
    { WF_ERR_NOMEM,       RC_RESPONSE }, /* in practice: an answer too big for memory */
    { WF_ERR_TYPE,        RC_RESPONSE }, /* data not shaped as expected */
    { WF_ERR_RANGE,       RC_RESPONSE },
    { WF_ERR_NOT_FOUND,   RC_RESPONSE },
    { WF_ERR_TRUNCATED,   RC_RESPONSE },
};

/* Results that describe an answer from the server: a 401 behind any of them
   is an authentication failure whatever the body looked like. */
static int is_response_result(wf_result r)
{
    return r == WF_ERR_API || r == WF_ERR_AUTH || r == WF_ERR_HTTP ||
           r == WF_ERR_JSON || r == WF_ERR_RESPONSE || r == WF_ERR_ENCODING ||
           r == WF_ERR_TOO_LARGE || r == WF_ERR_THROTTLED;
}

static int exit_code_for(wf_result r, int http_status)
{
    size_t i;
    if (r != WF_OK && http_status == 401 && is_response_result(r))
        return RC_AUTH;
    for (i = 0; i < sizeof rc_table / sizeof rc_table[0]; i++)
        if (rc_table[i].result == r)
            return rc_table[i].rc;
    return RC_RESPONSE;
}

/* --------------------------------------------------------------- options */
typedef struct cli_opts {
    /* connection and authentication (global) */
    const char *url, *domain, *url_template, *api_version;
    const char *api_key, *session_id, *token, *bearer, *ims_org;
    const char *user, *password;
    const char *jwt_key, *customer_id, *user_id;
    const char *refresh_token, *client_id, *client_secret;
    const char *cacert, *timeout, *retries;
    bool trace;
    /* output (global) */
    bool raw, ndjson, quiet, progress, help, version;
    /* command options */
    const char *fields, *limit, *first, *json;
} cli_opts;

enum { OPT_VALUE, OPT_FLAG };

/* Help sections, in the order --help prints them. */
enum { SEC_WHERE, SEC_AUTH, SEC_NET, SEC_OUTPUT, SEC_COMMAND, SEC_COUNT };
static const char *const section_titles[SEC_COUNT] = {
    "Where", "Authentication", "TLS and network", "Output", "Command options"
};

/* Command options: which commands accept them (cli_command.options). */
enum {
    CO_FIELDS = 1u << 0,
    CO_LIMIT  = 1u << 1,
    CO_FIRST  = 1u << 2,
    CO_JSON   = 1u << 3
};

/* When one member of a group is given on the command line, the environment
   variables of the whole group are ignored: `--user` must not be overridden
   by an exported WF_API_KEY, nor `--domain` fight an exported WF_URL. */
enum { GROUP_NONE, GROUP_WHERE, GROUP_CREDENTIAL };

typedef struct cli_option {
    const char *name;       /* long name, without "--" */
    char short_name;        /* 0: none */
    unsigned char kind;     /* OPT_VALUE / OPT_FLAG */
    size_t offset;          /* of the member in cli_opts */
    const char *env;        /* NULL: none */
    const char *metavar;    /* for OPT_VALUE */
    unsigned char section;
    unsigned scope;         /* 0: global; else the CO_* bit */
    unsigned char group;
    unsigned char wired;    /* 0: the library cannot do it yet (see check_unwired) */
    const char *help;
} cli_option;

#define OFS(m) offsetof(cli_opts, m)
static const cli_option options[] = {
    { "url", 0, OPT_VALUE, OFS(url), "WF_URL", "URL", SEC_WHERE, 0, GROUP_WHERE, 1,
      "base URL up to /attask, e.g. https://acme.my.workfront.com" },
    { "domain", 0, OPT_VALUE, OFS(domain), "WF_DOMAIN", "NAME", SEC_WHERE, 0, GROUP_WHERE, 1,
      "shorthand for https://NAME.my.workfront.com" },
    { "url-template", 0, OPT_VALUE, OFS(url_template), "WF_URL_TEMPLATE", "T", SEC_WHERE, 0, GROUP_NONE, 1,
      "URL template with {protocol} {domain} {api_version}; ondemand, sandbox" },
    { "api-version", 0, OPT_VALUE, OFS(api_version), "WF_API_VERSION", "V", SEC_WHERE, 0, GROUP_NONE, 1,
      "e.g. 22.0, v15.0, unsupported" },
    { "api-key", 0, OPT_VALUE, OFS(api_key), "WF_API_KEY", "KEY", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "API key, sent as the apiKey header" },
    { "session-id", 0, OPT_VALUE, OFS(session_id), "WF_SESSION_ID", "ID", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "session, sent as the SessionID header" },
    { "token", 0, OPT_VALUE, OFS(token), "WF_TOKEN", "TOKEN", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "OAuth2 access token (sent as sessionID)" },
    { "bearer", 0, OPT_VALUE, OFS(bearer), "WF_BEARER", "TOKEN", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "Adobe IMS access token (Authorization: Bearer)" },
    { "ims-org", 0, OPT_VALUE, OFS(ims_org), "WF_IMS_ORG", "ORG", SEC_AUTH, 0, GROUP_NONE, 1,
      "Adobe IMS organisation (x-gw-ims-org-id), with --bearer" },
    { "user", 0, OPT_VALUE, OFS(user), "WF_USERNAME", "NAME", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "log in first (POST /login), log out when done" },
    { "password", 0, OPT_VALUE, OFS(password), "WF_PASSWORD", "PW", SEC_AUTH, 0, GROUP_NONE, 1,
      "password for --user (prefer the variable: argv is visible to ps)" },
    { "jwt-key", 0, OPT_VALUE, OFS(jwt_key), "WF_JWT_KEY", "FILE", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "server-to-server: RSA key (PEM) to sign a JWT exchanged for a token" },
    { "customer-id", 0, OPT_VALUE, OFS(customer_id), "WF_CUSTOMER_ID", "ID", SEC_AUTH, 0, GROUP_NONE, 1,
      "JWT issuer (iss), with --jwt-key" },
    { "user-id", 0, OPT_VALUE, OFS(user_id), "WF_USER_ID", "ID", SEC_AUTH, 0, GROUP_NONE, 1,
      "JWT subject (sub): the user to act as, with --jwt-key" },
    { "refresh-token", 0, OPT_VALUE, OFS(refresh_token), "WF_REFRESH_TOKEN", "TOKEN", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "OAuth2 refresh token, exchanged for an access token" },
    { "client-id", 0, OPT_VALUE, OFS(client_id), "WF_CLIENT_ID", "ID", SEC_AUTH, 0, GROUP_NONE, 1,
      "OAuth2 client, for --jwt-key and --refresh-token" },
    { "client-secret", 0, OPT_VALUE, OFS(client_secret), "WF_CLIENT_SECRET", "S", SEC_AUTH, 0, GROUP_NONE, 1,
      "OAuth2 client secret, for --jwt-key and --refresh-token" },
    { "cacert", 0, OPT_VALUE, OFS(cacert), "WF_CACERT", "FILE", SEC_NET, 0, GROUP_NONE, 1,
      "extra CA bundle (PEM), trusted besides the system's" },
    { "timeout", 0, OPT_VALUE, OFS(timeout), "WF_TIMEOUT", "SEC", SEC_NET, 0, GROUP_NONE, 1,
      "whole-request timeout in seconds (default 60)" },
    { "retries", 0, OPT_VALUE, OFS(retries), "WF_RETRIES", "N", SEC_NET, 0, GROUP_NONE, 1,
      "retries of idempotent requests on 429/503/connection loss (default 3)" },
    { "trace", 0, OPT_FLAG, OFS(trace), "WF_TRACE", NULL, SEC_NET, 0, GROUP_NONE, 1,
      "request and response lines on stderr, secrets redacted" },
    { "raw", 0, OPT_FLAG, OFS(raw), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "print the response body unchanged" },
    { "ndjson", 0, OPT_FLAG, OFS(ndjson), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "one array element per line" },
    { "quiet", 'q', OPT_FLAG, OFS(quiet), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "no progress on stderr" },
    { "progress", 0, OPT_FLAG, OFS(progress), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "progress on stderr even when it is not a terminal" },
    { "help", 'h', OPT_FLAG, OFS(help), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "this help; wf COMMAND --help for one command" },
    { "version", 0, OPT_FLAG, OFS(version), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "same as the version command" },
    { "fields", 0, OPT_VALUE, OFS(fields), NULL, "F", SEC_COMMAND, CO_FIELDS, GROUP_NONE, 1,
      "fields to return, e.g. name,status,assignedTo:name or *" },
    { "limit", 0, OPT_VALUE, OFS(limit), NULL, "N", SEC_COMMAND, CO_LIMIT, GROUP_NONE, 1,
      "at most N objects ($$LIMIT, 1..2000)" },
    { "first", 0, OPT_VALUE, OFS(first), NULL, "N", SEC_COMMAND, CO_FIRST, GROUP_NONE, 1,
      "skip the first N objects ($$FIRST)" },
    { "json", 0, OPT_VALUE, OFS(json), NULL, "JSON|@FILE", SEC_COMMAND, CO_JSON, GROUP_NONE, 1,
      "JSON sent as the updates parameter; @FILE reads a file, @- stdin" },
};
#undef OFS
#define N_OPTIONS (sizeof options / sizeof options[0])

/* ------------------------------------------------------------- the state */
struct cli_command;

typedef struct cli {
    cli_opts o;
    bool given[N_OPTIONS];         /* set on the command line (not from env) */
    const struct cli_command *cmd;
    char **pos;                    /* positional arguments after the command */
    int npos;
    wf_client *client;
    bool logged_in;                /* we logged in, so we log out */
    bool pretty;                   /* stdout is a terminal */
    char *json;                    /* --json, read and validated before any request */
    size_t json_len;
    wf_query query;                /* the command's parameters, built by prepare */
    wf_query form;                 /* request --json: the form body */
    char method[16];               /* request: METHOD in capitals */
    char what[160];                /* "search task": names the failing step */
} cli;

/* ------------------------------------------------------------- commands */
typedef struct cli_command {
    const char *name;
    const char *synopsis;     /* after "wf NAME " */
    const char *summary;      /* one line for wf --help */
    const char *description;  /* for wf NAME --help */
    const char *example;
    unsigned options;         /* CO_* accepted */
    int nfixed;               /* positional arguments before the name=value ones */
    int noptional;            /* optional ones after those (help's COMMAND) */
    const char *argnames[3];  /* names of the fixed ones, for messages */
    bool kv;                  /* name=value arguments allowed after the fixed ones */
    bool needs_client;
    int (*prepare)(cli *x);   /* NULL: nothing to check or build */
    int (*run)(cli *x);
} cli_command;

static int prep_request(cli *x);
static int prep_get(cli *x);
static int prep_search(cli *x);
static int cmd_request(cli *x);
static int cmd_get(cli *x);
static int cmd_search(cli *x);
static int prep_login(cli *x);
static int prep_logout(cli *x);
static int cmd_login(cli *x);
static int cmd_logout(cli *x);
static int cmd_version(cli *x);
static int cmd_help(cli *x);

static const cli_command commands[] = {
    { "search", "OBJ [name=value...] [--fields F] [--limit N] [--first N]",
      "search objects (/OBJ/search)",
      "Searches OBJ (task, proj, optask, user, ...). name=value arguments are\n"
      "filters, modifiers and any other query parameter, passed verbatim after\n"
      "percent-encoding: status=CUR status_Mod=ne 'OR:1:name=X' 'DE:Field Name=v'.",
      "wf search task status=CUR --fields name,assignedTo:name --limit 5",
      CO_FIELDS | CO_LIMIT | CO_FIRST, 1, 0, { "OBJ", NULL, NULL }, true, true, prep_search, cmd_search },
    { "get", "OBJ ID[,ID...] [--fields F]",
      "one object by ID, or several",
      "Gets one object (/OBJ/ID) or, with comma-separated IDs, several in one\n"
      "request (/OBJ?id=ID,ID). The output is an object or an array.",
      "wf get task 5c3b2d0a000012ab3c4d5e6f7a8b9c0d --fields name,status",
      CO_FIELDS, 2, 0, { "OBJ", "ID", NULL }, false, true, prep_get, cmd_get },
    { "request", "METHOD PATH [name=value...] [--json JSON|@FILE]",
      "any API call, like `gh api`",
      "Sends METHOD (GET, POST, PUT, DELETE) to PATH under the API base, e.g.\n"
      "task/search, /proj/ID, task/ID/move. name=value arguments are query\n"
      "parameters; --json is validated and sent as the updates parameter in a\n"
      "form body. The output is the envelope's data.",
      "wf request PUT task/ID --json '{\"name\":\"New name\"}'",
      CO_JSON, 2, 0, { "METHOD", "PATH", NULL }, true, true, prep_request, cmd_request },
    { "login", "",
      "log in and print the session",
      "Logs in (POST /login) with --user and --password (or WF_USERNAME and\n"
      "WF_PASSWORD) and prints {\"sessionID\":...,\"userID\":...}. The session stays\n"
      "open: pass it to later calls with --session-id or WF_SESSION_ID, and end\n"
      "it with wf logout. With --jwt-key or --refresh-token it prints the access\n"
      "token as sessionID (use it with --token) and the new refreshToken.\n"
      "These are secrets; they are printed on purpose.",
      "export WF_SESSION_ID=$(wf login --user me@acme.com | jq -r .sessionID)",
      0, 0, 0, { NULL, NULL, NULL }, false, true, prep_login, cmd_login },
    { "logout", "",
      "end the session given by --session-id",
      "Ends the session given by --session-id (or WF_SESSION_ID), POST /logout.",
      "wf logout --session-id \"$WF_SESSION_ID\"",
      0, 0, 0, { NULL, NULL, NULL }, false, true, prep_logout, cmd_logout },
    { "version", "",
      "library, TLS library and default API versions (no network)",
      "Prints the workfront.h version, the TLS library and the default API\n"
      "version. Makes no network connection.",
      "wf version",
      0, 0, 0, { NULL, NULL, NULL }, false, false, NULL, cmd_version },
    { "help", "[COMMAND]",
      "this summary, or one command's usage",
      "Prints the usage summary, or the usage of COMMAND (same as wf COMMAND --help).",
      "wf help search",
      0, 0, 1, { NULL, NULL, NULL }, false, false, NULL, cmd_help },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    size_t i;
    for (i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* ---------------------------------------------------------- small helpers */
static const char **opt_str(cli_opts *o, const cli_option *d)
{
    return (const char **)(void *)((char *)o + d->offset);
}

static bool *opt_flag(cli_opts *o, const cli_option *d)
{
    return (bool *)(void *)((char *)o + d->offset);
}

static bool opt_is_set(cli *x, const cli_option *d)
{
    return d->kind == OPT_FLAG ? *opt_flag(&x->o, d) : *opt_str(&x->o, d) != NULL;
}

/* Errors quote text from the server and from the user: keep terminal
   control sequences out of stderr. */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
    }
}

static int usage_error(const char *what, const char *detail)
{
    fputs("wf: ", stderr);
    put_clean(stderr, what);
    fputs(": ", stderr);
    put_clean(stderr, detail);
    fputs(" (see 'wf --help')\n", stderr);
    return RC_USAGE;
}

static bool env_flag_on(const char *v)
{
    return v && *v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
           strcmp(v, "no") != 0 && strcmp(v, "off") != 0;
}

/* Strict decimal within [min, max]: "12" yes; "", "1x", " 5" no. */
static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v;
    if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '-'))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* ------------------------------------------------------- argument parsing */
static const cli_option *find_long(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

static const cli_option *find_short(char ch)
{
    size_t i;
    for (i = 0; i < N_OPTIONS; i++)
        if (options[i].short_name == ch)
            return &options[i];
    return NULL;
}

/* Handles argv[*i], an option; may consume argv[*i + 1] as its value. */
static int parse_option(cli *x, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const cli_option *d = NULL;
    const char *value = NULL;
    char name[64];

    if (arg[1] == '-') {
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
        d = find_long(arg + 2, len);
        if (eq)
            value = eq + 1;
        /* Only the name is ever echoed: "--password=..." must not leak. */
        snprintf(name, sizeof name, "--%.*s", (int)(len < 40 ? len : 40), arg + 2);
    } else {
        if (arg[2] != '\0') {
            snprintf(name, sizeof name, "%.40s", arg);
            return usage_error(name, "unknown option");
        }
        d = find_short(arg[1]);
        snprintf(name, sizeof name, "-%c", arg[1]);
    }
    if (!d)
        return usage_error(name, "unknown option");
    if (d->kind == OPT_FLAG) {
        if (value)
            return usage_error(name, "takes no value");
        *opt_flag(&x->o, d) = true;
    } else {
        if (!value) {
            if (*i + 1 >= argc)
                return usage_error(name, "needs a value");
            value = argv[++*i];
        }
        *opt_str(&x->o, d) = value;
    }
    x->given[d - options] = true;
    return RC_OK;
}

/* Options may come anywhere (like git's global options); "--" ends them.
   Positional arguments are compacted to the front of argv in order, the
   way getopt permutes: argv[n] with n <= i has always been read already. */
static int parse_argv(cli *x, int argc, char **argv)
{
    int i, n = 0, rc = RC_OK;
    bool options_done = false;

    for (i = 1; i < argc && rc == RC_OK; i++) {
        const char *arg = argv[i];
        if (!options_done && strcmp(arg, "--") == 0)
            options_done = true;
        else if (!options_done && arg[0] == '-' && arg[1] != '\0')
            rc = parse_option(x, argc, argv, &i);
        else
            argv[n++] = argv[i];
    }
    x->pos = argv;
    x->npos = n;
    return rc;
}

/* An option read from the environment only makes sense with its partner:
   an exported WF_PASSWORD whose WF_USERNAME was hidden by --api-key would
   otherwise turn into "--password needs --user". */
typedef struct companion { size_t option, partner; } companion;
static const companion companions[] = {
    { offsetof(cli_opts, password), offsetof(cli_opts, user) },
    { offsetof(cli_opts, ims_org), offsetof(cli_opts, bearer) },
    { offsetof(cli_opts, customer_id), offsetof(cli_opts, jwt_key) },
    { offsetof(cli_opts, user_id), offsetof(cli_opts, jwt_key) },
};

static void drop_orphans(cli *x)
{
    size_t i, j;
    for (i = 0; i < sizeof companions / sizeof companions[0]; i++) {
        for (j = 0; j < N_OPTIONS; j++) {
            const cli_option *d = &options[j];
            const char **partner = (const char **)(void *)((char *)&x->o + companions[i].partner);
            if (d->offset == companions[i].option && !x->given[j] && !*partner)
                *opt_str(&x->o, d) = NULL;
        }
    }
}

static void read_env(cli *x)
{
    bool group_given[3] = { false, false, false };
    size_t i;

    for (i = 0; i < N_OPTIONS; i++)
        if (x->given[i])
            group_given[options[i].group] = true;
    for (i = 0; i < N_OPTIONS; i++) {
        const cli_option *d = &options[i];
        const char *v;
        if (!d->env || x->given[i] || (d->group != GROUP_NONE && group_given[d->group]))
            continue;
        v = getenv(d->env);
        if (!v || !*v)
            continue;
        if (d->kind == OPT_FLAG)
            *opt_flag(&x->o, d) = env_flag_on(v);
        else
            *opt_str(&x->o, d) = v;
    }
    drop_orphans(x);
}

/* The one place that knows which options the library cannot honour yet.
   To wire one: set its `wired` to 1 in the table and map it in build_desc. */
static int check_unwired(cli *x)
{
    size_t i;
    for (i = 0; i < N_OPTIONS; i++) {
        const cli_option *d = &options[i];
        if (!d->wired && opt_is_set(x, d)) {
            char what[96];
            if (x->given[i])
                snprintf(what, sizeof what, "--%s", d->name);
            else
                snprintf(what, sizeof what, "%s (--%s)", d->env, d->name);
            return usage_error(what, "not supported yet by this build of workfront.h");
        }
    }
    return RC_OK;
}

/* Command options given to a command that has no use for them are mistakes
   (e.g. --json on search), not something to ignore silently. */
static int check_command_options(cli *x)
{
    size_t i;
    for (i = 0; i < N_OPTIONS; i++) {
        const cli_option *d = &options[i];
        if (d->scope && opt_is_set(x, d) && !(x->cmd->options & d->scope)) {
            char what[96];
            snprintf(what, sizeof what, "--%s", d->name);
            char detail[96];
            snprintf(detail, sizeof detail, "not valid for the %s command", x->cmd->name);
            return usage_error(what, detail);
        }
    }
    return RC_OK;
}

static int check_positionals(cli *x)
{
    const cli_command *k = x->cmd;
    char what[96];
    int i;

    snprintf(what, sizeof what, "%s", k->name);
    if (x->npos < k->nfixed) {
        char detail[128];
        snprintf(detail, sizeof detail, "missing %s; usage: wf %s %s",
                 k->argnames[x->npos], k->name, k->synopsis);
        return usage_error(what, detail);
    }
    for (i = k->nfixed + k->noptional; i < x->npos; i++) {
        const char *a = x->pos[i];
        if (!k->kv) {
            char detail[128];
            snprintf(detail, sizeof detail, "unexpected argument '%.60s'", a);
            return usage_error(what, detail);
        }
        if (a[0] == '=' || !strchr(a, '=')) {
            char detail[128];
            snprintf(detail, sizeof detail, "expected name=value, got '%.60s'", a);
            return usage_error(what, detail);
        }
    }
    return RC_OK;
}

static int check_values(cli *x)
{
    long v = 0;
    const cli_opts *o = &x->o;

    if (o->url && o->domain)
        return usage_error("--url, --domain", "give one of them, not both");
    if (o->raw && o->ndjson)
        return usage_error("--raw, --ndjson", "give one of them, not both");
    if ((o->user != NULL) != (o->password != NULL))
        return usage_error(o->user ? "--user" : "--password",
                           o->user ? "needs --password (or WF_PASSWORD)"
                                   : "needs --user (or WF_USERNAME)");
    if (o->token && o->session_id)
        return usage_error("--token, --session-id", "give one of them, not both");
    if (o->ims_org && !o->bearer)
        return usage_error("--ims-org", "needs --bearer (or WF_BEARER)");
    if (o->jwt_key && !(o->customer_id && o->user_id && o->client_id && o->client_secret))
        return usage_error("--jwt-key", "needs --customer-id, --user-id, --client-id and --client-secret "
                           "(or WF_CUSTOMER_ID, WF_USER_ID, WF_CLIENT_ID, WF_CLIENT_SECRET)");
    if (o->refresh_token && !(o->client_id && o->client_secret))
        return usage_error("--refresh-token", "needs --client-id and --client-secret "
                           "(or WF_CLIENT_ID and WF_CLIENT_SECRET)");
    if (o->retries && !parse_long(o->retries, 0, 100, &v))
        return usage_error("--retries", "expected a number from 0 to 100");
    if (o->limit && !parse_long(o->limit, 1, 2000, &v))
        return usage_error("--limit", "expected a number from 1 to 2000");
    if (o->first && !parse_long(o->first, 0, 2147483647L, &v))
        return usage_error("--first", "expected a number >= 0");
    if (o->timeout) {
        char *end = NULL;
        double sec = strtod(o->timeout, &end);
        /* Written so NaN fails too; the cap keeps milliseconds in an int. */
        if (end == o->timeout || *end != '\0' || !(sec > 0 && sec <= 2147483.0))
            return usage_error("--timeout", "expected seconds > 0, e.g. 30 or 2.5");
    }
    return RC_OK;
}

static int parse_cli(cli *x, int argc, char **argv)
{
    int rc = parse_argv(x, argc, argv);
    if (rc != RC_OK)
        return rc;
    read_env(x);

    if (x->o.version && x->npos == 0) {
        x->cmd = find_command("version");
    } else if (x->npos == 0) {
        x->cmd = find_command("help");
        if (!x->o.help) {
            fputs("wf: missing command (see 'wf --help')\n", stderr);
            return RC_USAGE;
        }
    } else {
        x->cmd = find_command(x->pos[0]);
        if (!x->cmd)
            return usage_error(x->pos[0], "unknown command");
        x->pos++;
        x->npos--;
    }
    if (x->o.help)
        return RC_OK; /* help needs nothing else to be right */
    rc = check_positionals(x);
    if (rc == RC_OK)
        rc = check_command_options(x);
    /* Commands without a server (version, help) must work whatever the
       environment holds. */
    if (rc == RC_OK && x->cmd->needs_client)
        rc = check_values(x);
    if (rc == RC_OK && x->cmd->needs_client)
        rc = check_unwired(x);
    return rc;
}

/* ------------------------------------------------------------ reporting */
/* The host of a URL, without scheme, port or path: what a certificate names. */
static void host_of(const char *url, char *out, size_t cap)
{
    const char *p = url ? strstr(url, "://") : NULL;
    size_t n;

    p = p ? p + 3 : (url ? url : "");
    if (*p == '[') {
        n = strcspn(p, "]");
        n += p[n] == ']';
    } else {
        n = strcspn(p, ":/?#");
    }
    snprintf(out, cap, "%.*s", (int)(n < 200 ? n : 200), p);
}

/* mbedTLS's verify flags, spelled out so a WF_NO_TLS build compiles too. */
#ifndef MBEDTLS_X509_BADCERT_EXPIRED
#define MBEDTLS_X509_BADCERT_EXPIRED 0x01
#endif
#ifndef MBEDTLS_X509_BADCERT_CN_MISMATCH
#define MBEDTLS_X509_BADCERT_CN_MISMATCH 0x04
#endif

/* A refused certificate is the error users can least decode on their own:
   name the host and the reason (unless the library's text did), and say
   what to do next. */
static void cert_hint(const cli *x, const wf_error *e)
{
    char host[256];

    host_of(x->client ? wf_client_api_base(x->client) : x->o.url, host, sizeof host);
    if (!e->cert_text[0] || !strstr(e->text, e->cert_text)) {
        fputs("wf: the certificate of ", stderr);
        put_clean(stderr, host);
        fputs(" was refused: ", stderr);
        put_clean(stderr, e->cert_text[0] ? e->cert_text : wf_result_str(e->result));
        fputc('\n', stderr);
    }
    if (e->cert_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        fputs("wf: hint: the certificate is not for ", stderr);
        put_clean(stderr, host);
        fputs("; use the host name it was issued for in --url\n", stderr);
    }
    if (e->cert_flags & MBEDTLS_X509_BADCERT_EXPIRED)
        fputs("wf: hint: the certificate has expired (or this machine's clock is wrong)\n", stderr);
    fputs("wf: hint: if ", stderr);
    put_clean(stderr, host);
    fputs(" uses a private CA, trust it with --cacert FILE (or WF_CACERT)\n", stderr);
}

/* Prints "wf: <what>: <detail>" and returns the exit code for it. */
static int report(cli *x, const char *what, wf_result r, const wf_error *e)
{
    int rc = exit_code_for(r, e ? e->http_status : 0);

    fputs("wf: ", stderr);
    put_clean(stderr, what);
    fputs(": ", stderr);
    put_clean(stderr, e && e->text[0] ? e->text : wf_result_str(r));
    /* The contract wants class and message of an API error on stderr. */
    if (e && e->wf_class[0] && !strstr(e->text, e->wf_class)) {
        fputs(" [", stderr);
        put_clean(stderr, e->wf_class);
        fputc(']', stderr);
    }
    fputc('\n', stderr);

    if (e && (r == WF_ERR_CERT || (r == WF_ERR_TLS && e->cert_flags)))
        cert_hint(x, e);
    return rc;
}

static int report_client(cli *x, wf_result r)
{
    return report(x, x->what, r, wf_client_error(x->client));
}

/* ---------------------------------------------------------------- output */
static bool stdout_sink(void *user, const char *data, size_t len)
{
    (void)user;
    return fwrite(data, 1, len, stdout) == len;
}

static int output_failed(cli *x, wf_result r)
{
    if (ferror(stdout)) {
        fprintf(stderr, "wf: writing output: %s\n", strerror(errno));
        return RC_NET;
    }
    return report(x, "writing output", r, NULL);
}

static int write_json_line(cli *x, wf_json v, int indent)
{
    wf_result r = wf_json_write(v, indent, stdout_sink, NULL);
    if (r != WF_OK || fputc('\n', stdout) == EOF)
        return output_failed(x, r == WF_OK ? WF_ERR_IO : r);
    return RC_OK;
}

static int print_raw(cli *x)
{
    size_t len = 0;
    const char *body = wf_last_body(x->client, &len);
    if (body && len && fwrite(body, 1, len, stdout) != len)
        return output_failed(x, WF_ERR_IO);
    if (fflush(stdout) != 0)
        return output_failed(x, WF_ERR_IO);
    return RC_OK;
}

/* Prints the data of the last response as --raw / --ndjson / plain asks. */
static int print_data(cli *x, wf_json data)
{
    int rc = RC_OK;

    if (x->o.raw) {
        return print_raw(x);
    } else if (x->o.ndjson && wf_json_type_of(data) == WF_JSON_ARRAY) {
        wf_json el;
        for (el = wf_json_first(data); rc == RC_OK && wf_json_ok(el); el = wf_json_next(el))
            rc = write_json_line(x, el, 0);
    } else {
        rc = write_json_line(x, data, x->pretty && !x->o.ndjson ? 2 : 0);
    }
    if (fflush(stdout) != 0 && rc == RC_OK)
        rc = output_failed(x, WF_ERR_IO);
    return rc;
}

/* ------------------------------------------------------------- the client */
static void trace_line(void *user, wf_log_level level, const char *line)
{
    (void)user;
    (void)level;
    /* The library already marks lines curl-style ("* ", "> ", "< "). */
    put_clean(stderr, line);
    fputc('\n', stderr);
}

static void build_desc(const cli *x, wf_client_desc *desc)
{
    const cli_opts *o = &x->o;

    memset(desc, 0, sizeof *desc);
    desc->url = o->url;
    desc->domain = o->domain;
    desc->url_template = o->url_template;
    desc->api_version = o->api_version;
    desc->api_key = o->api_key;
    /* An OAuth2 access token travels in the session header. */
    desc->session_id = o->token ? o->token : o->session_id;
    desc->bearer = o->bearer;
    desc->ims_org = o->ims_org;
    /* Given to the client too, so it can renew an expired session itself. */
    desc->username = o->user;
    desc->password = o->password;
    desc->client_id = o->client_id;
    desc->client_secret = o->client_secret;
    desc->refresh_token = o->refresh_token;
    desc->jwt_key_file = o->jwt_key;
    desc->customer_id = o->customer_id;
    desc->jwt_user_id = o->user_id;
    desc->ca_file = o->cacert;
    if (o->retries) {
        long n = 0;
        parse_long(o->retries, 0, 100, &n);
        desc->max_retries = n > 0 ? (int)n : -1; /* the library reads 0 as "default" */
    }
    if (o->timeout) {
        /* check_values bounded it to (0, INT_MAX / 1000]; round, at least 1 ms */
        int ms = (int)(strtod(o->timeout, NULL) * 1000.0 + 0.5);
        desc->timeout_ms = ms > 0 ? ms : 1;
    }
    if (o->trace) {
        desc->logger.fn = trace_line;
        desc->logger.level = WF_LOG_TRACE;
    }
}

static int open_client(cli *x)
{
    wf_client_desc desc;
    wf_error err;
    wf_result r;

    if (!x->o.url && !x->o.domain)
        return usage_error(x->cmd->name, "no server: give --url URL or --domain NAME (or WF_URL / WF_DOMAIN)");
    build_desc(x, &desc);
    memset(&err, 0, sizeof err);
    r = wf_client_create(&desc, &x->client, &err);
    if (r != WF_OK) {
        /* Nothing has been sent yet: every failure here is configuration. */
        report(x, "connection settings", r, &err);
        return r == WF_ERR_NOMEM ? RC_RESPONSE : RC_USAGE;
    }
    /* Get the session up front: the library could also renew after a first
       401, but that costs a rejected request on every run. */
    if (x->o.user) {
        r = wf_login(x->client, x->o.user, x->o.password);
        if (r != WF_OK)
            return report(x, "login", r, wf_client_error(x->client));
        x->logged_in = true;
    } else if (x->o.jwt_key) {
        r = wf_jwt_exchange(x->client);
        if (r != WF_OK)
            return report(x, "JWT exchange", r, wf_client_error(x->client));
    } else if (x->o.refresh_token) {
        r = wf_oauth2_refresh(x->client);
        if (r != WF_OK)
            return report(x, "token refresh", r, wf_client_error(x->client));
    }
    return RC_OK;
}

static void close_client(cli *x)
{
    if (x->logged_in) {
        wf_result r = wf_logout(x->client);
        /* The command's own result stands; a session left open is worth a
           warning, not a different exit code. */
        if (r != WF_OK)
            report(x, "logout", r, wf_client_error(x->client));
        x->logged_in = false;
    }
    wf_client_destroy(x->client);
    x->client = NULL;
}

/* ---------------------------------------------------------- preparation
   Each command's prepare step turns its arguments into x->query (and
   x->form) before the client exists, so every input error is a usage error
   reported before anything is sent, login included. */

/* The query builder's first failure sticks; report it once, here. */
static int query_check(cli *x, const wf_query *q)
{
    if (q->result == WF_OK)
        return RC_OK;
    fputs("wf: ", stderr);
    put_clean(stderr, x->what);
    fputs(": ", stderr);
    put_clean(stderr, q->error[0] ? q->error : wf_result_str(q->result));
    fputc('\n', stderr);
    return q->result == WF_ERR_NOMEM ? RC_RESPONSE : RC_USAGE;
}

static void add_kv_args(cli *x, wf_query *q)
{
    int i;
    for (i = x->cmd->nfixed; i < x->npos; i++)
        wf_query_parse_arg(q, x->pos[i]);
}

static void add_paging(cli *x, wf_query *q)
{
    long first = 0, limit = 0;

    if (x->o.first)
        parse_long(x->o.first, 0, 2147483647L, &first);
    if (x->o.limit)
        parse_long(x->o.limit, 1, 2000, &limit);
    /* wf_query_limit insists on a limit; the server's default applies when
       only --first is given, so do not invent one. */
    if (x->o.limit)
        wf_query_limit(q, first, limit);
    else if (first > 0)
        wf_query_add_int(q, "$$FIRST", first);
}

/* --sort, --all and --count of the search command slot in here (their
   parameters) and in cmd_search (pager or /count instead of one call). */
static int prep_search(cli *x)
{
    snprintf(x->what, sizeof x->what, "search %.100s", x->pos[0]);
    add_kv_args(x, &x->query);
    if (x->o.fields)
        wf_query_fields(&x->query, x->o.fields);
    add_paging(x, &x->query);
    return query_check(x, &x->query);
}

static int prep_get(cli *x)
{
    const char *ids = x->pos[1];

    snprintf(x->what, sizeof x->what, "get %.60s %.80s", x->pos[0], ids);
    if (!ids[0] || ids[0] == ',' || ids[strlen(ids) - 1] == ',' || strstr(ids, ",,"))
        return usage_error(x->what, "empty ID in the list");
    /* One ID goes through wf_get; several in one request, GET /OBJ?id=A,B */
    if (strchr(ids, ','))
        wf_query_add(&x->query, "id", ids);
    if (x->o.fields)
        wf_query_fields(&x->query, x->o.fields);
    return query_check(x, &x->query);
}

static int prep_request(cli *x)
{
    const char *m = x->pos[0];
    size_t i;

    for (i = 0; m[i] && i < sizeof x->method - 1; i++) {
        char ch = m[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
            break;
        x->method[i] = (char)(ch >= 'a' ? ch - 'a' + 'A' : ch);
    }
    x->method[i] = '\0';
    if (m[i] || i == 0)
        return usage_error("request", "METHOD must be a word such as GET, POST, PUT or DELETE");
    snprintf(x->what, sizeof x->what, "request");
    add_kv_args(x, &x->query);
    if (x->json)
        wf_query_addn(&x->form, "updates", 7, x->json, x->json_len);
    if (query_check(x, &x->query) != RC_OK)
        return RC_USAGE;
    return query_check(x, &x->form);
}

/* Reads all of f into a NUL-terminated heap buffer; errno tells why not. */
static bool read_stream(FILE *f, char **out, size_t *out_len)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;
    bool ok = true;

    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nbuf = (char *)realloc(buf, ncap + 1);
            if (!nbuf) {
                errno = ENOMEM;
                ok = false;
                goto done;
            }
            buf = nbuf;
            cap = ncap;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            ok = !ferror(f);
            break;
        }
    }
    buf[len] = '\0';
done:
    if (!ok) {
        free(buf);
        buf = NULL;
        len = 0;
    }
    *out = buf;
    *out_len = len;
    return ok;
}

/* --json: inline, @FILE, or @- for stdin; checked to be JSON so nothing
   invalid is ever sent. */
static int load_json(cli *x)
{
    const char *spec = x->o.json;
    bool from_file = spec[0] == '@';
    char *text = NULL;
    size_t len = 0;
    wf_doc *doc = NULL;
    wf_result r;
    int rc = RC_OK;

    if (from_file) {
        const char *path = spec + 1;
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        bool ok = f && read_stream(f, &text, &len);
        int saved = errno;
        if (f && f != stdin)
            fclose(f);
        if (!ok) {
            fputs("wf: --json: cannot read '", stderr);
            put_clean(stderr, path);
            fprintf(stderr, "': %s\n", strerror(saved));
            rc = RC_USAGE;
            goto done;
        }
    } else {
        len = strlen(spec);
        text = (char *)malloc(len + 1);
        if (!text) {
            fputs("wf: --json: out of memory\n", stderr);
            rc = RC_USAGE;
            goto done;
        }
        memcpy(text, spec, len + 1);
    }
    r = wf_doc_parse(text, len, NULL, &doc);
    if (r != WF_OK) {
        fputs("wf: --json: invalid JSON", stderr);
        if (from_file) {
            fputs(" in '", stderr);
            put_clean(stderr, spec + 1);
            fputc('\'', stderr);
        }
        fprintf(stderr, ": %s\n", wf_result_str(r));
        rc = RC_USAGE;
    }
done:
    wf_doc_free(doc);
    if (rc != RC_OK) {
        free(text);
        text = NULL;
        len = 0;
    }
    x->json = text;
    x->json_len = len;
    return rc;
}

/* ------------------------------------------------------------- commands */
static int cmd_search(cli *x)
{
    wf_json data;
    wf_result r = wf_search(x->client, x->pos[0], &x->query, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_get(cli *x)
{
    const char *obj = x->pos[0], *ids = x->pos[1];
    wf_json data;
    wf_result r;

    if (strchr(ids, ','))
        r = wf_request(x->client, "GET", obj, &x->query, NULL, &data);
    else
        r = wf_get(x->client, obj, ids, x->o.fields, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_request(cli *x)
{
    wf_body body;
    wf_json data;
    wf_result r;

    memset(&body, 0, sizeof body);
    body.content_type = "application/x-www-form-urlencoded";
    body.data = wf_query_str(&x->form);
    body.len = strlen(wf_query_str(&x->form));
    r = wf_request(x->client, x->method, x->pos[1], &x->query, x->json ? &body : NULL, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

/* A small sink into a fixed buffer, to compose the login answer. */
typedef struct fixed_sink { char buf[1024]; size_t len; } fixed_sink;

static bool fixed_sink_put(void *user, const char *data, size_t len)
{
    fixed_sink *s = (fixed_sink *)user;
    if (len >= sizeof s->buf - s->len)
        return false;
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return true;
}

static wf_result put_member(fixed_sink *s, const char *key, const char *value)
{
    wf_result r;
    if (!fixed_sink_put(s, s->len ? "," : "{", 1))
        return WF_ERR_TRUNCATED;
    r = wf_json_write_string(key, strlen(key), fixed_sink_put, s);
    if (r == WF_OK && !fixed_sink_put(s, ":", 1))
        r = WF_ERR_TRUNCATED;
    if (r == WF_OK)
        r = wf_json_write_string(value ? value : "", value ? strlen(value) : 0, fixed_sink_put, s);
    return r;
}

static int prep_login(cli *x)
{
    snprintf(x->what, sizeof x->what, "login");
    if (!x->o.user && !x->o.jwt_key && !x->o.refresh_token)
        return usage_error("login", "needs --user and --password, --jwt-key or --refresh-token "
                           "(or their variables)");
    return RC_OK;
}

static int cmd_login(cli *x)
{
    fixed_sink s;
    wf_doc *doc = NULL;
    wf_result r;
    int rc;

    /* The session belongs to the user now: do not end it on exit. */
    x->logged_in = false;
    memset(&s, 0, sizeof s);
    /* Composed as JSON text and printed like any answer, so --ndjson and
       pretty printing behave the same as elsewhere. */
    r = put_member(&s, "sessionID", wf_session_id(x->client));
    if (r == WF_OK && (wf_user_id(x->client) || x->o.user_id))
        r = put_member(&s, "userID", wf_user_id(x->client) ? wf_user_id(x->client) : x->o.user_id);
    /* A token grant may hand out a new refresh token; the old one may not
       outlive it, so the user must see it. */
    if (r == WF_OK && !x->o.user && wf_refresh_token(x->client))
        r = put_member(&s, "refreshToken", wf_refresh_token(x->client));
    if (r == WF_OK)
        r = fixed_sink_put(&s, "}", 1) ? WF_OK : WF_ERR_TRUNCATED;
    if (r == WF_OK)
        r = wf_doc_parse(s.buf, s.len, NULL, &doc);
    rc = r == WF_OK ? print_data(x, wf_doc_root(doc)) : report(x, "login", r, NULL);
    wf_doc_free(doc);
    return rc;
}

static int prep_logout(cli *x)
{
    snprintf(x->what, sizeof x->what, "logout");
    if (!x->o.session_id && !x->o.token && !x->o.user)
        return usage_error("logout", "needs --session-id (or WF_SESSION_ID)");
    return RC_OK;
}

static int cmd_logout(cli *x)
{
    wf_result r = wf_logout(x->client);
    x->logged_in = false;
    if (r != WF_OK)
        return report_client(x, r);
    /* Nothing to say on success, except to whoever asked for the body. */
    return x->o.raw ? print_raw(x) : RC_OK;
}

static const char *default_api_version(void)
{
#ifdef WF_DEFAULT_API_VERSION
    return WF_DEFAULT_API_VERSION;
#else
    return "v22.0";
#endif
}

static int cmd_version(cli *x)
{
    (void)x;
    printf("wf %s (workfront.h %s)\n", wf_version(), wf_version());
    printf("tls: %s\n", wf_tls_version());
    printf("default api version: %s\n", default_api_version());
    return fflush(stdout) == 0 ? RC_OK : output_failed(x, WF_ERR_IO);
}

/* ------------------------------------------------------------------ help */
static void print_option(FILE *f, const cli_option *d)
{
    char left[48];
    if (d->short_name)
        snprintf(left, sizeof left, "-%c, --%s%s%s", d->short_name, d->name,
                 d->metavar ? " " : "", d->metavar ? d->metavar : "");
    else
        snprintf(left, sizeof left, "    --%s%s%s", d->name,
                 d->metavar ? " " : "", d->metavar ? d->metavar : "");
    fprintf(f, "  %-26s %-17s %s%s\n", left, d->env ? d->env : "", d->help,
            d->wired ? "" : " (not supported yet)");
}

static void print_global_help(FILE *f)
{
    size_t i;
    int sec;

    fprintf(f,
        "wf - command-line client for the Adobe Workfront REST API (workfront.h %s)\n"
        "\n"
        "Usage: wf [OPTIONS] COMMAND [ARGS...]\n"
        "       wf COMMAND --help\n"
        "\n"
        "Options may come before or after the command; '--' ends them. '--opt=value'\n"
        "works like '--opt value'. An option with a variable reads it when the option\n"
        "is not given; given on the command line, --url/--domain hide the other's\n"
        "variable, and so do the credential options (--api-key, --session-id,\n"
        "--token, --user, ...) for each other's.\n"
        "\n"
        "Commands:\n", wf_version());
    for (i = 0; i < N_COMMANDS; i++) {
        const cli_command *k = &commands[i];
        fprintf(f, "  %s%s%s\n      %s\n      e.g. %s\n", k->name, k->synopsis[0] ? " " : "",
                k->synopsis, k->summary, k->example);
    }
    fputs("\n"
          "Arguments:\n"
          "  name=value   a query parameter, percent-encoded by wf and passed on, e.g.\n"
          "               status=CUR status_Mod=ne 'OR:1:name=X' 'DE:Field Name=v' '$$LIMIT=10'\n",
          f);
    for (sec = 0; sec < SEC_COUNT; sec++) {
        fprintf(f, "\n%s:\n", section_titles[sec]);
        for (i = 0; i < N_OPTIONS; i++)
            if (options[i].section == sec)
                print_option(f, &options[i]);
    }
    fprintf(f,
        "\n"
        "The default API version is %s; --api-version or WF_API_VERSION changes it.\n"
        "\n"
        "Output: the response's data as JSON on stdout, pretty on a terminal and one\n"
        "line otherwise. Errors go to stderr as 'wf: <what failed>: <detail>'.\n"
        "\n"
        "Exit status:\n"
        "  0  success\n"
        "  1  Workfront returned an error (class and message on stderr)\n"
        "  2  usage error: bad option, missing argument, invalid JSON given\n"
        "  3  network, TLS or timeout failure (also: throttled by the server)\n"
        "  4  authentication failure (401 or an authentication error)\n"
        "  5  malformed or unexpected response\n",
        default_api_version());
}

static void print_command_help(FILE *f, const cli_command *k)
{
    size_t i;
    bool any = false;

    fprintf(f, "Usage: wf %s%s%s\n\n%s\n", k->name, k->synopsis[0] ? " " : "",
            k->synopsis, k->description);
    for (i = 0; i < N_OPTIONS; i++) {
        if (options[i].scope && (k->options & options[i].scope)) {
            if (!any)
                fputs("\nOptions:\n", f);
            any = true;
            print_option(f, &options[i]);
        }
    }
    fprintf(f, "\nGlobal options (--url, --api-key, ...): see 'wf --help'.\n"
               "\nExample:\n  %s\n", k->example);
}

static int cmd_help(cli *x)
{
    const cli_command *k = NULL;

    if (x->npos > 0 && x->cmd == find_command("help")) {
        k = find_command(x->pos[0]);
        if (!k)
            return usage_error(x->pos[0], "unknown command");
    } else if (x->cmd != find_command("help")) {
        k = x->cmd; /* wf COMMAND --help */
    }
    if (k)
        print_command_help(stdout, k);
    else
        print_global_help(stdout);
    return fflush(stdout) == 0 ? RC_OK : output_failed(x, WF_ERR_IO);
}

/* ------------------------------------------------------------------ main */
static int run(int argc, char **argv)
{
    cli x;
    int rc;

    memset(&x, 0, sizeof x);
    x.pretty = isatty(fileno(stdout)) != 0;
    rc = parse_cli(&x, argc, argv);
    if (rc != RC_OK)
        goto done;
    if (x.o.help) {
        rc = cmd_help(&x);
        goto done;
    }
    /* Invalid input is refused before anything is sent, login included. */
    if (x.o.json) {
        rc = load_json(&x);
        if (rc != RC_OK)
            goto done;
    }
    if (x.cmd->prepare) {
        rc = x.cmd->prepare(&x);
        if (rc != RC_OK)
            goto done;
    }
    if (x.cmd->needs_client) {
        rc = open_client(&x);
        if (rc != RC_OK)
            goto done;
    }
    rc = x.cmd->run(&x);
done:
    if (x.client)
        close_client(&x);
    wf_query_free(&x.form);
    wf_query_free(&x.query);
    free(x.json);
    return rc;
}

int main(int argc, char **argv)
{
    return run(argc, argv);
}
