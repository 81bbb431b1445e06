/* wf - the command-line client for the Adobe Workfront REST API.

   Built from workfront.h alone, as one translation unit:

       cc -I. examples/wf.c -o build/wf -lmbedtls -lmbedx509 -lmbedcrypto

   Its interface (options, environment variables, commands, output, exit
   codes) is the contract in docs/cli.md; `wf --help` summarises it.

   Layout: exit codes -> option table -> command table -> argument parsing
   -> reporting -> output (plain, streamed, progress) -> client ->
   preparation -> commands (reads, writes, sessions) -> help -> main.  A run
   is: parse argv and the environment, read and validate --json, let the
   command prepare (every input check, before any request), open the client
   (and log in, unless the command authenticates itself), run, log out if we
   logged in.  Tables are const; all state lives in one `cli` struct passed
   around explicitly.  search --all and bulk edits stream their output: no
   more than one page (or one chunk) of results is ever held. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */
#endif

#define WORKFRONT_IMPLEMENTATION
#include "../workfront.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/stat.h>
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
#define LIST_MAX 8
typedef struct cli_list { const char *v[LIST_MAX]; int n; } cli_list;

typedef struct cli_opts {
    /* connection and authentication (global) */
    const char *url, *domain, *url_template, *api_version;
    const char *api_key, *session_id, *token, *bearer, *ims_org;
    const char *ims_client_id, *ims_client_secret, *ims_scopes, *ims_url, *token_cache;
    const char *user, *password;
    const char *jwt_key, *customer_id, *user_id;
    const char *refresh_token, *client_id, *client_secret;
    const char *cacert, *timeout, *retries;
    bool trace;
    /* output (global) */
    bool raw, ndjson, csv, quiet, progress, help, version;
    /* command options */
    const char *fields, *limit, *first, *json;
    cli_list sort;
    bool count, all, force, atomic;
    const char *obj, *id, *name;
    const char *state;         /* sync --state FILE */
    bool deletes;              /* sync --deletes */
    cli_list header;                /* request --header */
    bool include;                   /* request --include */
    const char *page;               /* subscriptions list --page */
    const char *output;             /* download -o */
    const char *doc_version;        /* download --version ID */
} cli_opts;

/* OPT_LIST: an option that may be given several times (--sort). */
enum { OPT_VALUE, OPT_FLAG, OPT_LIST };

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
    CO_JSON   = 1u << 3,
    CO_SORT   = 1u << 4,
    CO_COUNT  = 1u << 5,   /* search --count */
    CO_ALL    = 1u << 6,   /* search --all */
    CO_FORCE  = 1u << 7,   /* delete --force */
    CO_ATOMIC = 1u << 8,   /* batch --atomic */
    CO_UPLOAD = 1u << 9,   /* upload --obj --id --name */
    CO_SYNC   = 1u << 10,  /* sync --state --deletes */
    CO_REQUEST = 1u << 11, /* request --header --include */
    CO_PAGE   = 1u << 12,  /* subscriptions list --page */
    CO_OUTPUT = 1u << 13   /* download -o */
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
      "base URL up to /attask, e.g. https://acme.my.workfront.adobe.com" },
    { "domain", 0, OPT_VALUE, OFS(domain), "WF_DOMAIN", "NAME", SEC_WHERE, 0, GROUP_WHERE, 1,
      "https://NAME.my.workfront.adobe.com (Adobe's current host form; see below)" },
    { "url-template", 0, OPT_VALUE, OFS(url_template), "WF_URL_TEMPLATE", "T", SEC_WHERE, 0, GROUP_NONE, 1,
      "host for --domain: adobe, my, ondemand, sandbox, or {protocol}://{domain}.../{api_version}" },
    { "api-version", 0, OPT_VALUE, OFS(api_version), "WF_API_VERSION", "V", SEC_WHERE, 0, GROUP_NONE, 1,
      "e.g. 22.0, v15.0, unsupported (/attask/api-unsupported)" },
    { "api-key", 0, OPT_VALUE, OFS(api_key), "WF_API_KEY", "KEY", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "API key, sent as the apiKey header" },
    { "session-id", 0, OPT_VALUE, OFS(session_id), "WF_SESSION_ID", "ID", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "session, sent as the SessionID header" },
    { "token", 0, OPT_VALUE, OFS(token), "WF_TOKEN", "TOKEN", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "OAuth2 access token (sent as sessionID)" },
    { "bearer", 0, OPT_VALUE, OFS(bearer), "WF_BEARER", "TOKEN", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "Adobe IMS access token (Authorization: Bearer)" },
    { "ims-org", 0, OPT_VALUE, OFS(ims_org), "WF_IMS_ORG", "ORG", SEC_AUTH, 0, GROUP_NONE, 1,
      "Adobe IMS organisation (x-gw-ims-org-id), with --bearer or --ims-client-id" },
    { "ims-client-id", 0, OPT_VALUE, OFS(ims_client_id), "WF_IMS_CLIENT_ID", "ID", SEC_AUTH, 0, GROUP_CREDENTIAL, 1,
      "OAuth Server-to-Server credential (Adobe Developer Console): client ID" },
    { "ims-client-secret", 0, OPT_VALUE, OFS(ims_client_secret), "WF_IMS_CLIENT_SECRET", "S", SEC_AUTH, 0, GROUP_NONE, 1,
      "... its client secret (prefer the variable: argv is visible to ps)" },
    { "ims-scopes", 0, OPT_VALUE, OFS(ims_scopes), "WF_IMS_SCOPES", "LIST", SEC_AUTH, 0, GROUP_NONE, 1,
      "... its scopes, comma-separated, as the credential's page lists them" },
    { "ims-url", 0, OPT_VALUE, OFS(ims_url), "WF_IMS_URL", "URL", SEC_AUTH, 0, GROUP_NONE, 1,
      "IMS token service (default https://ims-na1.adobelogin.com)" },
    { "token-cache", 0, OPT_VALUE, OFS(token_cache), "WF_TOKEN_CACHE", "FILE", SEC_AUTH, 0, GROUP_NONE, 1,
      "keep the access token (IMS, OAuth2, JWT) between runs; mode 0600" },
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
    { "csv", 0, OPT_FLAG, OFS(csv), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "RFC 4180 CSV: a row per object, columns from --fields (search, get, sync)" },
    { "quiet", 'q', OPT_FLAG, OFS(quiet), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "no progress on stderr" },
    { "progress", 0, OPT_FLAG, OFS(progress), NULL, NULL, SEC_OUTPUT, 0, GROUP_NONE, 1,
      "progress (search --all, upload) even when stderr is not a terminal" },
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
    { "sort", 0, OPT_LIST, OFS(sort), NULL, "[-]FIELD", SEC_COMMAND, CO_SORT, GROUP_NONE, 1,
      "sort by FIELD, -FIELD descending; repeat for more keys" },
    { "count", 0, OPT_FLAG, OFS(count), NULL, NULL, SEC_COMMAND, CO_COUNT, GROUP_NONE, 1,
      "print only the number of matches (/OBJ/count)" },
    { "all", 0, OPT_FLAG, OFS(all), NULL, NULL, SEC_COMMAND, CO_ALL, GROUP_NONE, 1,
      "every match, 2000 a page, streamed (ID order unless --sort)" },
    { "force", 0, OPT_FLAG, OFS(force), NULL, NULL, SEC_COMMAND, CO_FORCE, GROUP_NONE, 1,
      "delete: dependent objects too (force=true); download: replace a file" },
    { "atomic", 0, OPT_FLAG, OFS(atomic), NULL, NULL, SEC_COMMAND, CO_ATOMIC, GROUP_NONE, 1,
      "all items or none: the first failure undoes the others" },
    { "obj", 0, OPT_VALUE, OFS(obj), NULL, "CODE", SEC_COMMAND, CO_UPLOAD, GROUP_NONE, 1,
      "object code the document belongs to: PROJ, TASK, OPTASK, USER" },
    { "id", 0, OPT_VALUE, OFS(id), NULL, "ID", SEC_COMMAND, CO_UPLOAD, GROUP_NONE, 1,
      "ID of the object the document belongs to" },
    { "name", 0, OPT_VALUE, OFS(name), NULL, "NAME", SEC_COMMAND, CO_UPLOAD, GROUP_NONE, 1,
      "document name (default: the file's name)" },
    { "state", 0, OPT_VALUE, OFS(state), NULL, "FILE", SEC_COMMAND, CO_SYNC, GROUP_NONE, 1,
      "sync: the watermark of the last run, replaced once the output is out" },
    { "deletes", 0, OPT_FLAG, OFS(deletes), NULL, NULL, SEC_COMMAND, CO_SYNC, GROUP_NONE, 1,
      "sync: also a line per deletion journaled since the last run" },
    { "header", 0, OPT_LIST, OFS(header), NULL, "'Name: value'", SEC_COMMAND, CO_REQUEST, GROUP_NONE, 1,
      "extra request header (repeatable)" },
    { "include", 'i', OPT_FLAG, OFS(include), NULL, NULL, SEC_COMMAND, CO_REQUEST, GROUP_NONE, 1,
      "print the response's status line and headers before the body" },
    { "page", 0, OPT_VALUE, OFS(page), NULL, "N", SEC_COMMAND, CO_PAGE, GROUP_NONE, 1,
      "page of the subscription list (from 1)" },
    { "output", 'o', OPT_VALUE, OFS(output), NULL, "FILE", SEC_COMMAND, CO_OUTPUT, GROUP_NONE, 1,
      "download: write to FILE (- for stdout)" },
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
    bool progress;                 /* progress lines on stderr (--all, upload) */
    bool progress_tty;             /* ... redrawn in place on a terminal */
    bool progress_shown;           /* a progress line is on the screen */
    int progress_last;             /* upload: the last percentage shown */
    long long progress_last_n;     /* --all: the last count shown */
    char *json;                    /* --json, read and validated before any request */
    size_t json_len;
    wf_doc *json_doc;              /* ... and its parse, for prepare to inspect */
    wf_query query;                /* the command's parameters, built by prepare */
    wf_query form;                 /* request --json: the form body */
    wf_updates updates;            /* create/copy/edit --json */
    wf_batch batch;                /* batch: the items */
    int first_kv;                  /* index of the first name=value argument */
    bool bulk;                     /* create/edit with a JSON array */
    int api_key_op;                /* api-key: a wf_api_key_op */
    char method[16];               /* request: METHOD in capitals */
    const char *first_word;        /* the first positional argument (the command) */
    bool absolute;                 /* request: PATH from the host root or a full URL */
    int subs_op;                   /* subscriptions: list, get, create, delete */
    char dl_target[4096];          /* download: the file being written */
    wf__file dl_file;              /* ... under a temporary name until complete (platform hooks) */
    bool dl_stdout;                /* -o - */
    bool dl_exists;                /* the target is already there */
    char dl_error[800];            /* why writing the file failed */
    char what[160];                /* "search task": names the failing step */
    struct csv_out *csv;           /* --csv: columns and line buffer */
} cli;

/* ------------------------------------------------------------- commands */
/* What may follow a command's fixed (and optional) positional arguments. */
enum {
    REST_NONE,   /* nothing */
    REST_KV,     /* name=value query parameters */
    REST_MORE    /* more of the last fixed argument (batch URI...) */
};

/* How a command authenticates. */
enum {
    AUTH_NONE,    /* no server at all (version, help) */
    AUTH_CLIENT,  /* the connection options: log in first with --user, etc. */
    AUTH_OWN      /* the command sends --user/--password itself (api-key) */
};

typedef struct cli_command {
    const char *name;
    const char *synopsis;     /* after "wf NAME " */
    const char *summary;      /* one line for wf --help */
    const char *description;  /* for wf NAME --help */
    const char *examples;     /* one a line; the first also goes in wf --help */
    unsigned options;         /* CO_* accepted */
    int nfixed;               /* positional arguments before the name=value ones */
    int noptional;            /* optional ones after those (help's COMMAND) */
    const char *argnames[3];  /* names of the fixed ones, for messages */
    unsigned char rest;       /* REST_*: what may follow */
    unsigned char auth;       /* AUTH_*: needs a client, and how it logs in */
    int (*prepare)(cli *x);   /* NULL: nothing to check or build */
    int (*run)(cli *x);
} cli_command;

static int prep_search(cli *x);
static int prep_get(cli *x);
static int prep_count(cli *x);
static int prep_report(cli *x);
static int prep_metadata(cli *x);
static int prep_create(cli *x);
static int prep_copy(cli *x);
static int prep_edit(cli *x);
static int prep_delete(cli *x);
static int prep_action(cli *x);
static int prep_upload(cli *x);
static int prep_batch(cli *x);
static int prep_request(cli *x);
static int prep_login(cli *x);
static int prep_logout(cli *x);
static int prep_api_key(cli *x);
static int prep_sync(cli *x);
static int cmd_sync(cli *x);
static int cmd_search(cli *x);
static int cmd_get(cli *x);
static int cmd_count(cli *x);
static int cmd_report(cli *x);
static int cmd_metadata(cli *x);
static int cmd_create(cli *x);
static int cmd_copy(cli *x);
static int cmd_edit(cli *x);
static int cmd_delete(cli *x);
static int cmd_action(cli *x);
static int cmd_upload(cli *x);
static int cmd_batch(cli *x);
static int cmd_request(cli *x);
static int cmd_login(cli *x);
static int cmd_logout(cli *x);
static int cmd_api_key(cli *x);
static int cmd_version(cli *x);
static int cmd_help(cli *x);
static int prep_subscriptions(cli *x);
static int cmd_subscriptions(cli *x);
static int prep_download(cli *x);
static int cmd_download(cli *x);

static const cli_command commands[] = {
    { "search", "OBJ [name=value...] [--fields F] [--sort [-]FIELD]... [--limit N] [--first N] [--all] [--count]",
      "search objects (/OBJ/search)",
      "Searches OBJ (task, proj, optask, user, ...). name=value arguments are\n"
      "filters, modifiers and any other query parameter, passed verbatim after\n"
      "percent-encoding: status=CUR status_Mod=ne 'OR:1:name=X' 'DE:Field Name=v'.\n"
      "\n"
      "--sort FIELD sorts ascending, --sort -FIELD descending; repeat it for more\n"
      "keys (the first given sorts first). --limit and --first take one page\n"
      "($$LIMIT at most 2000). --all pages through every match, 2000 a page, in\n"
      "ID order unless --sort is given, and streams the output as it arrives: a\n"
      "JSON array, or one object a line with --ndjson (--raw: one body a page).\n"
      "Progress ('fetched N objects') goes to stderr on a terminal or with\n"
      "--progress, never with -q. --count prints only the number of matches\n"
      "(/OBJ/count), like the count command.",
      "wf search task status=CUR --fields name,assignedTo:name --limit 5\n"
      "wf search task --sort -priority --sort name --fields name,priority --limit 20\n"
      "wf search task name=launch name_Mod=cicontains --count\n"
      "wf --ndjson search task --all --fields name,status > tasks.ndjson",
      CO_FIELDS | CO_LIMIT | CO_FIRST | CO_SORT | CO_COUNT | CO_ALL, 1, 0, { "OBJ", NULL, NULL },
      REST_KV, AUTH_CLIENT, prep_search, cmd_search },
    { "get", "OBJ ID[,ID...] [--fields F]",
      "one object by ID, or several",
      "Gets one object (/OBJ/ID) or, with comma-separated IDs, several in one\n"
      "request (/OBJ?id=ID,ID). The output is an object or an array.",
      "wf get task 5c3b2d0a000012ab3c4d5e6f7a8b9c0d --fields name,status\n"
      "wf --ndjson get proj ID1,ID2,ID3 --fields name",
      CO_FIELDS, 2, 0, { "OBJ", "ID", NULL }, REST_NONE, AUTH_CLIENT, prep_get, cmd_get },
    { "count", "OBJ [name=value...]",
      "count matching objects (/OBJ/count)",
      "Prints only the number of OBJ objects matching the name=value filters\n"
      "(/OBJ/count); the same filters as search.",
      "wf count task status=CUR\n"
      "wf count optask 'OR:1:priority=4' priority=3 priority_Mod=gte",
      0, 1, 0, { "OBJ", NULL, NULL }, REST_KV, AUTH_CLIENT, prep_count, cmd_count },
    { "report", "OBJ [name=value...]",
      "grouped aggregates (/OBJ/report)",
      "Runs /OBJ/report: FIELD_GroupBy=true groups (FIELD_2_GroupBy=true a second\n"
      "level), FIELD_AggFunc=sum|avg|min|max|count aggregates, $$ROLLUP=true adds\n"
      "totals; the other name=value arguments filter as in search. The output is\n"
      "an object keyed by group value.",
      "wf report task status_GroupBy=true\n"
      "wf report hour project:name_1_GroupBy=true hours_AggFunc=sum '$$ROLLUP=true'",
      0, 1, 0, { "OBJ", NULL, NULL }, REST_KV, AUTH_CLIENT, prep_report, cmd_report },
    { "metadata", "[OBJ]",
      "object types, or one type's fields (/metadata)",
      "Without OBJ, /metadata: the object types the API knows. With OBJ,\n"
      "/OBJ/metadata: its fields, references, collections, custom fields and\n"
      "actions.",
      "wf metadata\n"
      "wf metadata task | jq '.fields | keys'",
      0, 0, 1, { NULL, NULL, NULL }, REST_NONE, AUTH_CLIENT, prep_metadata, cmd_metadata },
    { "create", "OBJ [name=value...] [--json JSON|@FILE]",
      "create an object (POST /OBJ)",
      "Creates an OBJ. name=value arguments are its fields (and parameters such\n"
      "as fields=*); --json is a JSON object sent as updates, for values with\n"
      "nested objects, collections or exact types. A JSON array creates one\n"
      "object per element, in requests of at most 100 (as edit does).\n"
      "The output is the new object.",
      "wf create task name='Write the docs' projectID=PROJECT_ID\n"
      "wf create task --json '{\"name\":\"Plan\",\"projectID\":\"PROJECT_ID\",\"priority\":3}'\n"
      "wf create task --json @new-tasks.json fields=name",
      CO_JSON, 1, 0, { "OBJ", NULL, NULL }, REST_KV, AUTH_CLIENT, prep_create, cmd_create },
    { "copy", "OBJ SOURCE_ID [name=value...] [--json JSON|@FILE]",
      "copy an object (POST /OBJ?copySourceID=ID)",
      "Copies the OBJ SOURCE_ID; name=value arguments and --json (an object,\n"
      "sent as updates) set fields of the copy. The output is the copy.",
      "wf copy proj SOURCE_ID name='Copy of the template'\n"
      "wf copy task SOURCE_ID --json '{\"name\":\"Again\",\"priority\":1}'",
      CO_JSON, 2, 0, { "OBJ", "SOURCE_ID", NULL }, REST_KV, AUTH_CLIENT, prep_copy, cmd_copy },
    { "edit", "OBJ ID [name=value...] [--json JSON|@FILE] | OBJ --json '[{\"ID\":..},...]'",
      "change an object (PUT /OBJ/ID), or many at once",
      "Changes the OBJ ID: name=value arguments are fields to set, --json a JSON\n"
      "object sent as updates. The output is the changed object.\n"
      "\n"
      "Bulk edit: without ID, --json takes an array of objects, each with its\n"
      "\"ID\"; they are sent in requests of at most 100 (Workfront's limit), in\n"
      "order, and the output is the array of changed objects. If a request\n"
      "fails, the error names the chunk and its objects; the chunks before it\n"
      "were applied (and printed), the ones after it were not sent.",
      "wf edit task ID status=INP percentComplete=50\n"
      "wf edit task ID --json '{\"name\":\"Say \\\"hi\\\"\",\"description\":null}'\n"
      "wf edit task --json @changes.json fields=name,status",
      CO_JSON, 1, 1, { "OBJ", "ID", NULL }, REST_KV, AUTH_CLIENT, prep_edit, cmd_edit },
    { "delete", "OBJ ID [--force]",
      "delete an object (DELETE /OBJ/ID)",
      "Deletes the OBJ ID. Workfront refuses to delete an object that others\n"
      "depend on (a project's tasks, a task's subtasks); --force deletes them too.\n"
      "The output is the answer's data, {\"success\":true}.",
      "wf delete task ID\n"
      "wf delete proj ID --force",
      CO_FORCE, 2, 0, { "OBJ", "ID", NULL }, REST_NONE, AUTH_CLIENT, prep_delete, cmd_delete },
    { "action", "OBJ ID ACTION [name=value...]",
      "run an action (PUT /OBJ/ID/ACTION)",
      "Runs ACTION on the OBJ ID (PUT /OBJ/ID/ACTION) with the name=value\n"
      "arguments as its parameters. 'wf metadata OBJ' lists the actions and\n"
      "their arguments.",
      "wf action task ID move projectID=PROJECT_ID\n"
      "wf action task ID markDone\n"
      "wf action proj ID share accessorID=USER_ID coreAction=VIEW",
      0, 3, 0, { "OBJ", "ID", "ACTION" }, REST_KV, AUTH_CLIENT, prep_action, cmd_action },
    { "upload", "FILE --obj CODE --id ID [--name NAME]",
      "upload a file as a document of an object",
      "Uploads FILE (streamed, never read whole into memory; POST /upload) and\n"
      "creates the document for the object --obj CODE --id ID (POST /document).\n"
      "Progress goes to stderr on a terminal or with --progress, never with -q.\n"
      "The output is the new document.",
      "wf upload report.pdf --obj TASK --id TASK_ID\n"
      "wf upload build/out.tar.gz --obj PROJ --id PROJECT_ID --name 'Release 1.2'",
      CO_UPLOAD, 1, 0, { "FILE", NULL, NULL }, REST_NONE, AUTH_CLIENT, prep_upload, cmd_upload },
    { "batch", "[--atomic] [METHOD ]URI...",
      "several calls in one request (/batch)",
      "Sends every URI in one POST /batch. A URI is a path under the API base\n"
      "with its query, e.g. /task/search?status=CUR; writes start with their\n"
      "method and a space: 'PUT /task/ID?name=x', 'POST /task?name=y&projectID=P',\n"
      "'DELETE /task/ID' (GET when none is given). The query is passed as\n"
      "written: percent-encode '&', '=', '#', '+' and '%' inside values (spaces\n"
      "and non-ASCII are encoded for you).\n"
      "\n"
      "The output is the array of the items' answers, each {\"data\":...} or\n"
      "{\"error\":...}. With --atomic, all items succeed or none: the first\n"
      "failure undoes the others and is the error; success is {\"success\":true}.",
      "wf batch '/task/search?status=CUR&$$LIMIT=5' /proj/count\n"
      "wf batch --atomic 'PUT /task/ID1?status=CPL' 'PUT /task/ID2?status=CPL'",
      CO_ATOMIC, 1, 0, { "URI", NULL, NULL }, REST_MORE, AUTH_CLIENT, prep_batch, cmd_batch },
    { "request", "METHOD PATH [name=value...] [--json JSON|@FILE] [--header 'Name: value']... [--include]",
      "any call, like `gh api`",
      "Sends METHOD (GET, POST, PUT, DELETE, ...) to PATH. PATH is one of:\n"
      "  task/search, proj/ID, task/ID/move   relative to the API base\n"
      "  /attask/eventsubscription/api/v1/subscriptions   from the host root\n"
      "  https://acme.my.workfront.com/...   a full URL on the configured scheme,\n"
      "                                       host and port (any other host: exit 2,\n"
      "                                       nothing sent: credentials stay home)\n"
      "name=value arguments are query parameters. Under the API base, --json is\n"
      "validated and sent as the updates parameter in a form body and the output\n"
      "is the envelope's data. From the host root (or a URL), --json is the\n"
      "request body (application/json) and the answer is printed as received:\n"
      "JSON as JSON, other bytes unchanged, an empty answer (201, 204) as nothing.\n"
      "--header adds a request header (repeatable; it replaces a default of the\n"
      "same name). --include (-i) prints the status line and response headers\n"
      "(Location, ...) first, then an empty line, then the body.",
      "wf request PUT task/ID --json '{\"name\":\"New name\"}'\n"
      "wf request GET task/search status=CUR fields=name\n"
      "wf request -i POST /attask/eventsubscription/api/v1/subscriptions --json @sub.json\n"
      "wf request GET /attask/eventsubscription/api/v1/subscriptions --header 'Accept: application/json'",
      CO_JSON | CO_REQUEST, 2, 0, { "METHOD", "PATH", NULL }, REST_KV, AUTH_CLIENT, prep_request, cmd_request },
    { "subscriptions", "list [--limit N] [--page N] | get ID | create --json JSON|@FILE | delete ID",
      "event subscriptions (webhooks)",
      "Workfront's event subscription API (/attask/eventsubscription/api/v1/\n"
      "subscriptions; System Administrators only, others exit 4). list prints\n"
      "{\"subscriptions\":[...],\"meta\":{...}} (--limit up to 1000, --page from 1);\n"
      "get prints one subscription; create sends the JSON object given with\n"
      "--json (objCode, eventType, url, authToken, optional objId, filters,\n"
      "filterConnector, base64Encoding) and prints {\"id\":\"...\"}; delete\n"
      "prints nothing. create refuses, before sending, an unknown eventType\n"
      "(CREATE, UPDATE, DELETE, SHARE), a url that is not https://, more than 10\n"
      "filter groups or more than 5 filters in a group, and missing fields.",
      "wf subscriptions list --limit 50\n"
      "wf subscriptions create --json '{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://hooks.example.com/wf\",\"authToken\":\"s3cret\"}'\n"
      "wf subscriptions delete 750a636c-5628-48f5-ba26-26b7ce537ac2",
      CO_JSON | CO_LIMIT | CO_PAGE, 1, 1, { "list|get|create|delete", "ID", NULL }, REST_NONE, AUTH_CLIENT,
      prep_subscriptions, cmd_subscriptions },
    { "download", "DOC_ID [-o FILE] [--version VERSION_ID] [--force]",
      "a document's file (current or given version)",
      "Downloads the file of the document DOC_ID: its current version, or the\n"
      "version --version VERSION_ID. The address comes from the API (the\n"
      "document's or version's downloadURL field) and the bytes are streamed to\n"
      "disk, never held in memory. The file is FILE (-o), or the version's file\n"
      "name in the current directory; an existing file is never replaced without\n"
      "--force. -o - writes to stdout. The file is written under a temporary\n"
      "name and renamed when complete: a failed transfer leaves nothing behind.",
      "wf download DOC_ID\n"
      "wf download DOC_ID --version VERSION_ID -o old.pdf\n"
      "wf download DOC_ID -o - | sha256sum",
      CO_OUTPUT | CO_FORCE, 1, 0, { "DOC_ID", NULL, NULL }, REST_NONE, AUTH_CLIENT, prep_download, cmd_download },
    { "login", "",
      "log in and print the session",
      "Logs in (POST /login) with --user and --password (or WF_USERNAME and\n"
      "WF_PASSWORD) and prints {\"sessionID\":...,\"userID\":...}. The session stays\n"
      "open: pass it to later calls with --session-id or WF_SESSION_ID, and end\n"
      "it with wf logout. With --jwt-key or --refresh-token it prints the access\n"
      "token as sessionID (use it with --token) and the new refreshToken.\n"
      "These are secrets; they are printed on purpose.",
      "export WF_SESSION_ID=$(wf login --user me@acme.com | jq -r .sessionID)",
      0, 0, 0, { NULL, NULL, NULL }, REST_NONE, AUTH_CLIENT, prep_login, cmd_login },
    { "logout", "",
      "end the session given by --session-id",
      "Ends the session given by --session-id (or WF_SESSION_ID), POST /logout.",
      "wf logout --session-id \"$WF_SESSION_ID\"",
      0, 0, 0, { NULL, NULL, NULL }, REST_NONE, AUTH_CLIENT, prep_logout, cmd_logout },
    { "api-key", "get|generate|clear",
      "the user's API key: print, replace or revoke it",
      "The API key actions of the user --user/--password (PUT /user?action=...):\n"
      "get prints the key (creating one if the user has none), generate replaces\n"
      "it with a new one and prints that, clear revokes it. They authenticate\n"
      "with the username and password themselves: there is no login first.\n"
      "The key is printed on purpose: it is a secret, keep it out of logs.\n"
      "(--ndjson prints it as a JSON string; the library wipes the response, so\n"
      "--raw prints the key too.)",
      "export WF_API_KEY=$(wf api-key get --user me@acme.com)\n"
      "wf api-key clear --user me@acme.com",
      0, 1, 0, { "get|generate|clear", NULL, NULL }, REST_NONE, AUTH_OWN, prep_api_key, cmd_api_key },
    { "sync", "OBJ --state FILE [name=value...] [--fields F] [--csv] [--deletes]",
      "objects created or changed since the last run (incremental export)",
      "Prints the OBJ objects created or changed since the run that last wrote\n"
      "FILE (the first run, or a missing FILE: all of them), one a line (NDJSON)\n"
      "or as CSV rows with --csv, ordered by lastUpdateDate then ID, every page.\n"
      "name=value arguments filter as in search; lastUpdateDate is always\n"
      "fetched (it is the watermark). FILE holds the lastUpdateDate and ID of the\n"
      "last object printed; it is replaced atomically, and only after the output\n"
      "has been written and flushed: a run that fails or is interrupted leaves it\n"
      "as it was, and the next run prints the same window again.\n"
      "\n"
      "--deletes (NDJSON only) then prints a line {\"deleted\":ID,\"objCode\":..,\n"
      "\"entryDate\":..} for each deletion of an OBJ that Workfront journaled since\n"
      "the last run (journal entries, JRNLE, changeType D); Workfront journals\n"
      "deletions only of the objects its administrator set up for it.",
      "wf sync task --state tasks.state --fields 'name,status,assignedTo:name' >> tasks.ndjson\n"
      "wf sync proj --state proj.state --csv --fields ID,name,status > changed.csv\n"
      "wf sync hour --state hours.state --deletes >> hours.ndjson",
      CO_FIELDS | CO_SYNC, 1, 0, { "OBJ", NULL, NULL }, REST_KV, AUTH_CLIENT, prep_sync, cmd_sync },
    { "version", "",
      "library, TLS library and default API versions (no network)",
      "Prints the workfront.h version, the TLS library and the default API\n"
      "version. Makes no network connection.",
      "wf version",
      0, 0, 0, { NULL, NULL, NULL }, REST_NONE, AUTH_NONE, NULL, cmd_version },
    { "help", "[COMMAND]",
      "this summary, or one command's usage",
      "Prints the usage summary, or the usage of COMMAND (same as wf COMMAND --help).",
      "wf help search",
      0, 0, 1, { NULL, NULL, NULL }, REST_NONE, AUTH_NONE, NULL, cmd_help },
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

static cli_list *opt_list(cli_opts *o, const cli_option *d)
{
    return (cli_list *)(void *)((char *)o + d->offset);
}

static bool opt_is_set(cli *x, const cli_option *d)
{
    if (d->kind == OPT_LIST)
        return opt_list(&x->o, d)->n > 0;
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

/* The same for one command's arguments: points at that command's help. */
static int cmd_usage_error(const cli *x, const char *what, const char *detail)
{
    fputs("wf: ", stderr);
    put_clean(stderr, what);
    fputs(": ", stderr);
    put_clean(stderr, detail);
    fprintf(stderr, " (see 'wf %s --help')\n", x->cmd->name);
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
        /* After "download", --version names the document version to fetch
           (the contract's spelling); elsewhere it is the global flag. */
        if (len == 7 && strncmp(arg + 2, "version", 7) == 0 && x->first_word && strcmp(x->first_word, "download") == 0) {
            if (!eq && *i + 1 >= argc)
                return usage_error("--version", "needs a value (the document version's ID)");
            x->o.doc_version = eq ? eq + 1 : argv[++*i];
            return RC_OK;
        }
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
        if (d->kind == OPT_LIST) {
            cli_list *l = opt_list(&x->o, d);
            if (l->n == LIST_MAX)
                return usage_error(name, "given too many times (at most 8)");
            l->v[l->n++] = value;
        } else {
            *opt_str(&x->o, d) = value;
        }
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
        else {
            if (n == 0)
                x->first_word = argv[i];
            argv[n++] = argv[i];
        }
    }
    x->pos = argv;
    x->npos = n;
    return rc;
}

/* An option read from the environment only makes sense with its partner:
   an exported WF_PASSWORD whose WF_USERNAME was hidden by --api-key would
   otherwise turn into "--password needs --user". */
#define NO_PARTNER ((size_t)-1)
typedef struct companion { size_t option, partner[3]; } companion; /* any one partner will do */
static const companion companions[] = {
    { offsetof(cli_opts, password), { offsetof(cli_opts, user), NO_PARTNER, NO_PARTNER } },
    { offsetof(cli_opts, ims_org), { offsetof(cli_opts, bearer), offsetof(cli_opts, ims_client_id), NO_PARTNER } },
    { offsetof(cli_opts, ims_client_secret), { offsetof(cli_opts, ims_client_id), NO_PARTNER, NO_PARTNER } },
    { offsetof(cli_opts, ims_scopes), { offsetof(cli_opts, ims_client_id), NO_PARTNER, NO_PARTNER } },
    { offsetof(cli_opts, ims_url), { offsetof(cli_opts, ims_client_id), NO_PARTNER, NO_PARTNER } },
    { offsetof(cli_opts, token_cache),
      { offsetof(cli_opts, ims_client_id), offsetof(cli_opts, jwt_key), offsetof(cli_opts, refresh_token) } },
    { offsetof(cli_opts, customer_id), { offsetof(cli_opts, jwt_key), NO_PARTNER, NO_PARTNER } },
    { offsetof(cli_opts, user_id), { offsetof(cli_opts, jwt_key), NO_PARTNER, NO_PARTNER } },
};

static bool has_partner(const cli *x, const companion *k)
{
    int p;
    for (p = 0; p < 3; p++)
        if (k->partner[p] != NO_PARTNER && *(const char *const *)(const void *)((const char *)&x->o + k->partner[p]))
            return true;
    return false;
}

static void drop_orphans(cli *x)
{
    size_t i, j;
    for (i = 0; i < sizeof companions / sizeof companions[0]; i++) {
        for (j = 0; j < N_OPTIONS; j++) {
            const cli_option *d = &options[j];
            if (d->offset == companions[i].option && !x->given[j] && !has_partner(x, &companions[i]))
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
            char what[96], detail[96];
            snprintf(what, sizeof what, "--%s", d->name);
            snprintf(detail, sizeof detail, "not valid for the %s command", x->cmd->name);
            return cmd_usage_error(x, what, detail);
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
        char detail[320];
        snprintf(detail, sizeof detail, "missing %s; usage: wf %s %s",
                 k->argnames[x->npos], k->name, k->synopsis);
        return cmd_usage_error(x, what, detail);
    }
    for (i = k->nfixed + k->noptional; i < x->npos; i++) {
        const char *a = x->pos[i];
        if (k->rest == REST_MORE)
            continue;
        if (k->rest == REST_NONE) {
            char detail[128];
            snprintf(detail, sizeof detail, "unexpected argument '%.60s'", a);
            return cmd_usage_error(x, what, detail);
        }
        if (a[0] == '=' || !strchr(a, '=')) {
            char detail[128];
            snprintf(detail, sizeof detail, "expected name=value, got '%.60s'", a);
            return cmd_usage_error(x, what, detail);
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
    if (o->raw + o->ndjson + o->csv > 1)
        return usage_error(o->csv ? (o->raw ? "--raw, --csv" : "--ndjson, --csv") : "--raw, --ndjson", "give one of them, not both");
    if ((o->user != NULL) != (o->password != NULL))
        return usage_error(o->user ? "--user" : "--password",
                           o->user ? "needs --password (or WF_PASSWORD)"
                                   : "needs --user (or WF_USERNAME)");
    if (o->token && o->session_id)
        return usage_error("--token, --session-id", "give one of them, not both");
    if (o->ims_org && !o->bearer && !o->ims_client_id)
        return usage_error("--ims-org", "needs --bearer or --ims-client-id (or WF_BEARER / WF_IMS_CLIENT_ID)");
    if ((o->ims_client_secret || o->ims_scopes || o->ims_url) && !o->ims_client_id)
        return usage_error(o->ims_client_secret ? "--ims-client-secret" : o->ims_scopes ? "--ims-scopes" : "--ims-url",
                           "needs --ims-client-id (or WF_IMS_CLIENT_ID)");
    if (o->ims_client_id && !(o->ims_client_secret && o->ims_scopes))
        return usage_error("--ims-client-id", "needs --ims-client-secret and --ims-scopes "
                           "(or WF_IMS_CLIENT_SECRET and WF_IMS_SCOPES), as the credential's page in the "
                           "Adobe Developer Console shows them");
    if (o->token_cache && !o->ims_client_id && !o->jwt_key && !o->refresh_token)
        return usage_error("--token-cache", "keeps a token that wf obtains: use it with --ims-client-id, "
                           "--jwt-key or --refresh-token");
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
    if (rc == RC_OK && x->cmd->auth != AUTH_NONE)
        rc = check_values(x);
    if (rc == RC_OK && x->cmd->auth != AUTH_NONE)
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

/* What to do next, for the failures a user can act on. */
static void next_step_hint(const cli *x, wf_result r, int rc, const wf_error *e)
{
    const char *h = NULL;
    const char *cmd = x->cmd ? x->cmd->name : "";

    if (rc == RC_AUTH)
        h = x->cmd && x->cmd->auth == AUTH_OWN
            ? "check --user and --password (or WF_USERNAME and WF_PASSWORD)"
            : x->o.ims_client_id
            ? "check --ims-client-id, --ims-client-secret, --ims-scopes and --ims-org against the "
              "credential's page in the Adobe Developer Console"
            : "check the credentials (--api-key, --session-id, --token, --user/--password, ...);"
              " a session or token may have expired: log in again";
    else if ((r == WF_ERR_DNS || r == WF_ERR_CONNECT) && e && strncmp(e->text, "IMS token", 9) == 0)
        h = "check --ims-url (or WF_IMS_URL; default https://ims-na1.adobelogin.com) and that it is reachable";
    else if (r == WF_ERR_DNS || r == WF_ERR_CONNECT)
        h = "check --url or --domain (or WF_URL / WF_DOMAIN) and that the server is reachable";
    else if (r == WF_ERR_TIMEOUT)
        h = "the server did not answer in time: try again, or raise --timeout";
    else if (r == WF_ERR_TLS && e && strstr(e->text, "TLS version this build lacks"))
        h = "the static builds (make static, make static-musl) use mbedTLS 3.6 with TLS 1.3; "
            "'wf version' shows what a wf binary speaks";
    else if (r == WF_ERR_THROTTLED)
        h = "the server is throttling requests: wait and try again (--retries N retries by itself)";
    else if (r == WF_ERR_TOO_LARGE)
        h = "ask for less: fewer --fields, a smaller --limit, or --all to page through";
    else if (r == WF_ERR_API && e && strcmp(cmd, "delete") == 0 && !x->o.force &&
             (strstr(e->message, "force") || strstr(e->message, "depend")))
        h = "the object has dependent objects: --force deletes them too";
    else if (r == WF_ERR_API && strcmp(cmd, "batch") == 0 && x->o.atomic)
        h = "with --atomic none of the items was applied: fix the failing one and send them all again";
    else if (r == WF_ERR_API && e && strstr(e->message, "object code"))
        h = "'wf metadata' lists the object codes";
    else if (r == WF_ERR_API && e && strstr(e->message, "does not support field"))
        h = "'wf metadata OBJ' lists the fields of OBJ";
    if (h)
        fprintf(stderr, "wf: hint: %s\n", h);
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
    else
        next_step_hint(x, r, rc, e);
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
    wf_result r = wf_json_write_raw(v, indent, stdout_sink, NULL);
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

/* ------------------------------------------------------------------ CSV
   RFC 4180: fields separated by commas, records by CRLF; a field holding a
   quote, comma, CR or LF, or starting or ending with a space or tab, is
   quoted, its quotes doubled.  Columns: --fields in order (a path such as
   assignedTo:name or DE:Client Code is one column), or the first object's
   keys.  Strings are decoded to UTF-8, numbers and booleans as sent, null
   and missing values empty, arrays and objects as compact JSON text.  Rows
   go out as they come, so --all and sync stream in bounded memory. */
typedef struct csv_line {
    char *p;
    size_t len, cap;
    bool nomem;
} csv_line;

static bool csv_put(csv_line *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 1024;
        char *p;
        while (cap < l->len + n + 1)
            cap *= 2;
        if (!(p = (char *)realloc(l->p, cap))) {
            l->nomem = true;
            return false;
        }
        l->p = p;
        l->cap = cap;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
    return true;
}

static bool csv_sink(void *user, const char *data, size_t len)
{
    return csv_put((csv_line *)user, data, len);
}

/* Appends one field, quoted when RFC 4180 (or a reader trimming blanks) needs it. */
static void csv_field(csv_line *l, const char *s, size_t n, bool first)
{
    size_t i;
    bool quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');

    if (!first)
        csv_put(l, ",", 1);
    for (i = 0; i < n && !quote; i++)
        quote = s[i] == '"' || s[i] == ',' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        csv_put(l, s, n);
        return;
    }
    csv_put(l, "\"", 1);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            csv_put(l, "\"", 1);
        csv_put(l, s + i, 1);
    }
    csv_put(l, "\"", 1);
}

/* The value of a column: the key itself first (custom fields are named
   "DE:Name" and may hold ':'), then the path a segment at a time.  A path
   that reaches an array (a collection such as tasks:name) gives the array. */
static wf_json csv_lookup(wf_json o, const char *col)
{
    wf_json v = wf_json_get(o, col);
    const char *s = col;
    char seg[256];

    if (wf_json_ok(v) || !strchr(col, ':'))
        return v;
    v = o;
    while (*s && wf_json_type_of(v) == WF_JSON_OBJECT) {
        const char *end = strncmp(s, "DE:", 3) == 0 ? s + strlen(s) : strchr(s, ':');
        size_t n;
        if (!end)
            end = s + strlen(s);
        n = (size_t)(end - s);
        if (n >= sizeof seg)
            return wf_json_get(o, "");
        memcpy(seg, s, n);
        seg[n] = 0;
        v = wf_json_get(v, seg);
        s = *end ? end + 1 : end;
    }
    return v;
}

typedef struct csv_out {
    char **cols;
    size_t ncols;
    bool header_done;
    csv_line line;
    char *scratch;              /* decoded strings */
    size_t scratch_cap;
} csv_out;

static void csv_free(csv_out *c)
{
    size_t i;
    for (i = 0; i < c->ncols; i++)
        free(c->cols[i]);
    free(c->cols);
    free(c->line.p);
    free(c->scratch);
    memset(c, 0, sizeof *c);
}

static bool csv_add_col(csv_out *c, const char *s, size_t n)
{
    char **cols = (char **)realloc(c->cols, (c->ncols + 1) * sizeof *cols);
    char *col;
    if (!cols)
        return false;
    c->cols = cols;
    if (!(col = (char *)malloc(n + 1)))
        return false;
    memcpy(col, s, n);
    col[n] = 0;
    c->cols[c->ncols++] = col;
    return true;
}

/* Columns from --fields, unless it asks for '*' (then the first object's keys). */
static bool csv_cols_from_fields(csv_out *c, const char *fields)
{
    const char *s = fields;
    while (s && *s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 1 && *s == '*') {
            csv_free(c);
            return true;
        }
        if (n && !csv_add_col(c, s, n))
            return false;
        s = e ? e + 1 : NULL;
    }
    return true;
}

/* Decodes a string value into c->scratch. */
static wf_result csv_str(csv_out *c, wf_json v, size_t *len)
{
    wf_result r = wf_json_str(v, c->scratch, c->scratch_cap, len);
    if (r == WF_ERR_TRUNCATED) {
        char *p = (char *)realloc(c->scratch, *len + 1);
        if (!p)
            return WF_ERR_NOMEM;
        c->scratch = p;
        c->scratch_cap = *len + 1;
        r = wf_json_str(v, c->scratch, c->scratch_cap, len);
    }
    return r;
}

static wf_result csv_value(csv_out *c, wf_json v, bool first)
{
    size_t n = 0;
    const char *raw;
    wf_result r = WF_OK;
    csv_line json;

    switch (wf_json_type_of(v)) {
    case WF_JSON_STRING:
        if ((r = csv_str(c, v, &n)) == WF_OK)
            csv_field(&c->line, c->scratch, n, first);
        return r;
    case WF_JSON_NUMBER:
    case WF_JSON_BOOL:
        raw = wf_json_raw(v, &n);
        csv_field(&c->line, raw, n, first);
        return WF_OK;
    case WF_JSON_OBJECT:
    case WF_JSON_ARRAY:
        memset(&json, 0, sizeof json);
        r = wf_json_write_raw(v, 0, csv_sink, &json);
        if (r == WF_OK && json.nomem)
            r = WF_ERR_NOMEM;
        if (r == WF_OK)
            csv_field(&c->line, json.p, json.len, first);
        free(json.p);
        return r;
    default: /* null, missing */
        csv_field(&c->line, "", 0, first);
        return WF_OK;
    }
}

/* One object as a row, the header row first. */
static wf_result csv_row(csv_out *c, wf_json o)
{
    size_t i;
    wf_result r = WF_OK;

    if (wf_json_type_of(o) != WF_JSON_OBJECT)
        return WF_ERR_TYPE;
    if (!c->header_done) {
        if (c->ncols == 0) {
            wf_json k;
            for (k = wf_json_first(o); wf_json_ok(k) && r == WF_OK; k = wf_json_next(k)) {
                size_t n = 0;
                if ((r = csv_str(c, k, &n)) == WF_OK && !csv_add_col(c, c->scratch, n))
                    r = WF_ERR_NOMEM;
            }
            if (r != WF_OK)
                return r;
        }
        c->line.len = 0;
        for (i = 0; i < c->ncols; i++)
            csv_field(&c->line, c->cols[i], strlen(c->cols[i]), i == 0);
        csv_put(&c->line, "\r\n", 2);
        if (c->line.nomem)
            return WF_ERR_NOMEM;
        if (fwrite(c->line.p, 1, c->line.len, stdout) != c->line.len)
            return WF_ERR_IO;
        c->header_done = true;
    }
    c->line.len = 0;
    for (i = 0; i < c->ncols && r == WF_OK; i++)
        r = csv_value(c, csv_lookup(o, c->cols[i]), i == 0);
    if (r != WF_OK)
        return r;
    csv_put(&c->line, "\r\n", 2);
    if (c->line.nomem)
        return WF_ERR_NOMEM;
    return fwrite(c->line.p, 1, c->line.len, stdout) == c->line.len ? WF_OK : WF_ERR_IO;
}

/* The header alone, for an answer without objects when --fields named the columns. */
static wf_result csv_header_only(csv_out *c)
{
    size_t i;
    if (c->header_done || c->ncols == 0)
        return WF_OK;
    c->line.len = 0;
    for (i = 0; i < c->ncols; i++)
        csv_field(&c->line, c->cols[i], strlen(c->cols[i]), i == 0);
    csv_put(&c->line, "\r\n", 2);
    if (c->line.nomem)
        return WF_ERR_NOMEM;
    c->header_done = true;
    return fwrite(c->line.p, 1, c->line.len, stdout) == c->line.len ? WF_OK : WF_ERR_IO;
}

static int csv_failed(cli *x, wf_result r)
{
    if (r == WF_ERR_IO)
        return output_failed(x, r);
    if (r == WF_ERR_TYPE) {
        fputs("wf: ", stderr);
        put_clean(stderr, x->what);
        fputs(": --csv prints objects, and the answer holds other values\n", stderr);
        return RC_RESPONSE;
    }
    return report(x, "CSV output", r, NULL);
}

/* Prints the data of the last response as --raw / --ndjson / plain asks. */
static int print_data(cli *x, wf_json data)
{
    int rc = RC_OK;

    if (x->o.raw) {
        return print_raw(x);
    } else if (x->o.csv) {
        wf_result r = WF_OK;
        wf_json el;
        if (wf_json_type_of(data) == WF_JSON_ARRAY) {
            for (el = wf_json_first(data); r == WF_OK && wf_json_ok(el); el = wf_json_next(el))
                r = csv_row(x->csv, el);
            if (r == WF_OK)
                r = csv_header_only(x->csv);
        } else {
            r = csv_row(x->csv, data);
        }
        if (r != WF_OK)
            rc = csv_failed(x, r);
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

/* Prints the data of the last response (for calls that do not hand it back,
   like wf_delete): the body is still the client's until the next request. */
static int print_last_data(cli *x)
{
    size_t len = 0;
    const char *body = wf_last_body(x->client, &len);
    wf_doc *doc = NULL;
    wf_json data;
    int rc = RC_OK;

    if (x->o.raw)
        return print_raw(x);
    if (!body || len == 0)
        return RC_OK;
    if (wf_doc_parse(body, len, NULL, &doc) == WF_OK &&
        wf_envelope(doc, wf_last_status(x->client), &data, NULL) == WF_OK)
        rc = print_data(x, data);
    wf_doc_free(doc);
    return rc;
}

/* -------------------------------------------------------- streamed output
   --all and bulk edits print as results arrive and keep none of them: a
   JSON array written piece by piece ("[" first "," second ... "]"), one
   element a line with --ndjson, or each response body a line with --raw. */
typedef struct stream {
    cli *x;
    long long n;         /* elements written */
    long long fetched;   /* elements received (--raw writes bodies, not elements) */
    int rc;              /* first output failure */
    bool ndjson;         /* one element a line whatever the options (sync) */
} stream;

/* Pretty elements of a streamed array sit one level in: every line break
   the writer emits gets two spaces after it.  JSON strings never hold a raw
   line break, so only the layout changes. */
static bool indent_sink(void *user, const char *data, size_t len)
{
    size_t i, from = 0;

    (void)user;
    for (i = 0; i < len; i++) {
        if (data[i] == '\n') {
            if (fwrite(data + from, 1, i + 1 - from, stdout) != i + 1 - from || fputs("  ", stdout) == EOF)
                return false;
            from = i + 1;
        }
    }
    return fwrite(data + from, 1, len - from, stdout) == len - from;
}

static bool stream_is_array(const stream *s)
{
    return !s->x->o.raw && !s->x->o.ndjson && !s->x->o.csv && !s->ndjson;
}

static void stream_begin(stream *s, cli *x)
{
    memset(s, 0, sizeof *s);
    s->x = x;
    s->ndjson = x->cmd && x->cmd->run == cmd_sync;
    if (stream_is_array(s) && fputc('[', stdout) == EOF)
        s->rc = output_failed(x, WF_ERR_IO);
}

static bool stream_item(stream *s, wf_json v)
{
    cli *x = s->x;
    wf_result r = WF_OK;

    if (s->rc != RC_OK)
        return false;
    if (x->o.csv) {
        r = csv_row(x->csv, v);
        if (r != WF_OK)
            s->rc = csv_failed(x, r);
    } else if (x->o.ndjson || s->ndjson) {
        s->rc = write_json_line(x, v, 0);
    } else {
        if ((s->n && fputc(',', stdout) == EOF) || (x->pretty && fputs("\n  ", stdout) == EOF))
            r = WF_ERR_IO;
        if (r == WF_OK)
            r = wf_json_write_raw(v, x->pretty ? 2 : 0, x->pretty ? indent_sink : stdout_sink, NULL);
        if (r != WF_OK)
            s->rc = output_failed(x, r);
    }
    if (s->rc == RC_OK)
        s->n++;
    return s->rc == RC_OK;
}

/* --raw: the body of the response that is being streamed, on one line. */
static bool stream_body(stream *s)
{
    size_t len = 0;
    const char *body;

    if (s->rc != RC_OK)
        return false;
    body = wf_last_body(s->x->client, &len);
    if ((body && len && fwrite(body, 1, len, stdout) != len) || fputc('\n', stdout) == EOF)
        s->rc = output_failed(s->x, WF_ERR_IO);
    return s->rc == RC_OK;
}

/* Closes the array even after a failure, so what was printed stays
   well-formed; the exit status says whether it is complete. */
static int stream_end(stream *s)
{
    if (s->rc == RC_OK && s->x->o.csv) {
        wf_result r = csv_header_only(s->x->csv);
        if (r != WF_OK)
            s->rc = csv_failed(s->x, r);
    }
    if (s->rc == RC_OK && stream_is_array(s) &&
        fputs(s->x->pretty && s->n ? "\n]\n" : "]\n", stdout) == EOF)
        s->rc = output_failed(s->x, WF_ERR_IO);
    if (fflush(stdout) != 0 && s->rc == RC_OK)
        s->rc = output_failed(s->x, WF_ERR_IO);
    return s->rc;
}

/* ------------------------------------------------------------- progress
   On a terminal one line redrawn in place; with --progress elsewhere, a
   line per step.  Never with -q. */
static void progress_clear(cli *x)
{
    if (x->progress_shown && x->progress_tty) {
        fputs("\r\033[K", stderr);
        x->progress_shown = false;
    }
}

/* When the output goes to the same terminal it scrolls by anyway: then
   only the final count is shown, after it. */
static void progress_fetched(cli *x, long long n, bool final)
{
    if (!x->progress || (!x->progress_tty && n == x->progress_last_n) ||
        (x->progress_tty && x->pretty && !final))
        return;
    progress_clear(x);
    fprintf(stderr, "wf: fetched %lld object%s%s", n, n == 1 ? "" : "s", x->progress_tty ? "" : "\n");
    x->progress_shown = true;
    x->progress_last_n = n;
    fflush(stderr);
}

static void progress_done(cli *x)
{
    if (x->progress_shown && x->progress_tty)
        fputc('\n', stderr);
    x->progress_shown = false;
}

static void upload_progress(void *user, uint64_t sent, uint64_t total)
{
    cli *x = (cli *)user;
    int pct = total ? (int)(sent * 100 / total) : 100;

    /* once a percent on a terminal, every 10% elsewhere */
    if (pct == x->progress_last || (!x->progress_tty && pct / 10 == x->progress_last / 10))
        return;
    x->progress_last = pct;
    progress_clear(x);
    fprintf(stderr, "wf: uploaded %.1f of %.1f MB (%d%%)%s", (double)sent / 1048576.0,
            (double)total / 1048576.0, pct, x->progress_tty ? "" : "\n");
    x->progress_shown = true;
    fflush(stderr);
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
    desc->ims_client_id = o->ims_client_id;
    desc->ims_client_secret = o->ims_client_secret;
    desc->ims_scopes = o->ims_scopes;
    desc->ims_url = o->ims_url;
    desc->token_cache = o->token_cache;
    /* Given to the client too, so it can renew an expired session itself;
       not for a command that sends them itself (api-key): nothing to renew. */
    if (x->cmd->auth == AUTH_CLIENT) {
        desc->username = o->user;
        desc->password = o->password;
    }
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
    /* request with a full URL: another host is refused before anything is
       sent, login included (credentials go only to the configured host) */
    if (x->absolute) {
        r = wf_check_url(x->client, x->pos[1]);
        if (r != WF_OK)
            return report(x, x->what, r, wf_client_error(x->client));
    }
    /* Get the session up front: the library could also renew after a first
       401, but that costs a rejected request on every run.  The api-key
       actions authenticate with username and password themselves. */
    if (x->cmd->auth != AUTH_CLIENT) {
        return RC_OK;
    } else if (x->o.user) {
        r = wf_login(x->client, x->o.user, x->o.password);
        if (r != WF_OK)
            return report(x, "login", r, wf_client_error(x->client));
        x->logged_in = true;
    } else if (x->o.ims_client_id || wf_token_expiry(x->client, NULL) >= 0) {
        /* IMS: fetched before the first call and renewed by the library;
           a token from --token-cache is used until it expires or a 401 */
        return RC_OK;
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

static void add_kv_from(cli *x, wf_query *q, int start)
{
    int i;
    for (i = start; i < x->npos; i++)
        wf_query_parse_arg(q, x->pos[i]);
}

static void add_kv_args(cli *x, wf_query *q)
{
    add_kv_from(x, q, x->cmd->nfixed);
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

/* Letters, digits and '_': what the library accepts as an object code or
   an action name.  Checked here so the mistake is a usage error and
   nothing (not even a login) is sent. */
static bool is_word(const char *s, bool underscore)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              (underscore && ch == '_')))
            return false;
    }
    return n > 0 && n <= 64;
}

static int check_obj(cli *x, const char *obj)
{
    if (is_word(obj, true))
        return RC_OK;
    return cmd_usage_error(x, x->cmd->name, "OBJ must be an object code such as task, proj, optask or user");
}

/* An object ID as the library takes it: 32 hexadecimal digits, or a
   special ID such as $$USER.  Checked here too so that a mistyped ID is a
   usage error before --json files or standard input are read. */
static int check_id(cli *x, const char *what, const char *id)
{
    char detail[200];
    size_t n = strlen(id), i = 0;
    if (n == 32)
        while (i < n && isxdigit((unsigned char)id[i]))
            i++;
    if ((n == 32 && i == n) || (n > 2 && id[0] == '$' && id[1] == '$' && is_word(id + 2, true)))
        return RC_OK;
    snprintf(detail, sizeof detail, "%s '%.40s' is not an object ID (32 hexadecimal digits, e.g. from wf search, "
             "or a special ID such as $$USER)", what, id);
    return cmd_usage_error(x, x->cmd->name, detail);
}

/* Does the encoded query string set KEY?  ($ stays unencoded.) */
static bool query_has_key(const char *qs, const char *key)
{
    size_t kl = strlen(key);
    const char *s = qs;
    while (s && *s) {
        if (strncmp(s, key, kl) == 0 && s[kl] == '=')
            return true;
        s = strchr(s, '&');
        if (s)
            s++;
    }
    return false;
}

/* --sort [-]FIELD, in the order given: FIELD_Sort, FIELD_2_Sort, ... */
static int add_sorts(cli *x, wf_query *q)
{
    int i;
    for (i = 0; i < x->o.sort.n; i++) {
        const char *spec = x->o.sort.v[i];
        wf_sort dir = WF_SORT_ASC;
        if (spec[0] == '-' || spec[0] == '+') {
            dir = spec[0] == '-' ? WF_SORT_DESC : WF_SORT_ASC;
            spec++;
        }
        if (!*spec)
            return cmd_usage_error(x, "--sort", "needs a field: --sort name (ascending) or --sort -name (descending)");
        wf_query_sort(q, spec, dir);
    }
    return RC_OK;
}

static int search_combinations(cli *x)
{
    const cli_opts *o = &x->o;

    if (o->count && o->all)
        return cmd_usage_error(x, "--count, --all", "give one of them, not both");
    if (o->count && (o->limit || o->first || o->sort.n || o->fields))
        return cmd_usage_error(x, "--count", "counts every match: --limit, --first, --sort and --fields do not apply");
    if (o->all && (o->limit || o->first))
        return cmd_usage_error(x, "--all", "pages through every match itself: drop --limit and --first "
                               "(or drop --all to get one page)");
    return RC_OK;
}

static int prep_search(cli *x)
{
    int rc;

    snprintf(x->what, sizeof x->what, "search %.100s", x->pos[0]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK || (rc = search_combinations(x)) != RC_OK)
        return rc;
    if (x->o.count)
        snprintf(x->what, sizeof x->what, "count %.100s", x->pos[0]);
    add_kv_args(x, &x->query);
    if (x->o.fields)
        wf_query_fields(&x->query, x->o.fields);
    if ((rc = add_sorts(x, &x->query)) != RC_OK)
        return rc;
    add_paging(x, &x->query);
    if (x->o.all && (query_has_key(wf_query_str(&x->query), "$$FIRST") ||
                     query_has_key(wf_query_str(&x->query), "$$LIMIT")))
        return cmd_usage_error(x, "--all", "pages with $$FIRST and $$LIMIT itself: drop them from the arguments");
    return query_check(x, &x->query);
}

static int prep_count(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "count %.100s", x->pos[0]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    add_kv_args(x, &x->query);
    return query_check(x, &x->query);
}

static int prep_report(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "report %.100s", x->pos[0]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    add_kv_args(x, &x->query);
    return query_check(x, &x->query);
}

static int prep_metadata(cli *x)
{
    snprintf(x->what, sizeof x->what, "metadata%s%.100s", x->npos ? " " : "", x->npos ? x->pos[0] : "");
    return x->npos ? check_obj(x, x->pos[0]) : RC_OK;
}

static int prep_get(cli *x)
{
    const char *ids = x->pos[1];

    snprintf(x->what, sizeof x->what, "get %.60s %.80s", x->pos[0], ids);
    if (!ids[0] || ids[0] == ',' || ids[strlen(ids) - 1] == ',' || strstr(ids, ",,"))
        return usage_error(x->what, "empty ID in the list");
    /* wf_get checks the IDs; several go in one request, GET /OBJ?id=A,B */
    if (x->o.fields)
        wf_query_fields(&x->query, x->o.fields);
    return query_check(x, &x->query);
}

/* --json of create/copy/edit: an object goes as updates; an array (where
   array_ok) is a bulk request, every element an object (with an "ID" when
   need_id).  All checked before anything is sent. */
static int prep_updates(cli *x, bool array_ok, bool need_id)
{
    wf_json root = wf_doc_root(x->json_doc), el;
    size_t i = 0;
    char detail[200];

    if (wf_json_type_of(root) == WF_JSON_OBJECT) {
        wf_updates_raw(&x->updates, x->json, x->json_len);
        if (x->updates.result == WF_OK)
            return RC_OK;
        return cmd_usage_error(x, "--json", x->updates.error[0] ? x->updates.error
                                                                : wf_result_str(x->updates.result));
    }
    if (!array_ok || wf_json_type_of(root) != WF_JSON_ARRAY)
        return cmd_usage_error(x, "--json", array_ok ? "expected a JSON object, or an array of objects"
                                                     : "expected a JSON object (the fields to set)");
    if (wf_json_len(root) == 0)
        return cmd_usage_error(x, "--json", "the array is empty: nothing to send");
    for (el = wf_json_first(root); wf_json_ok(el); el = wf_json_next(el), i++) {
        if (wf_json_type_of(el) != WF_JSON_OBJECT ||
            (need_id && wf_json_type_of(wf_json_get(el, "ID")) != WF_JSON_STRING)) {
            snprintf(detail, sizeof detail, "element %zu of the array is not an object%s", i,
                     need_id ? " with an \"ID\" string" : "");
            return cmd_usage_error(x, "--json", detail);
        }
    }
    x->bulk = true;
    return RC_OK;
}

static int prep_create(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "create %.100s", x->pos[0]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    add_kv_args(x, &x->query);
    if ((rc = query_check(x, &x->query)) != RC_OK)
        return rc;
    return x->json ? prep_updates(x, true, false) : RC_OK;
}

static int prep_copy(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "copy %.60s %.60s", x->pos[0], x->pos[1]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK || (rc = check_id(x, "SOURCE_ID", x->pos[1])) != RC_OK)
        return rc;
    add_kv_args(x, &x->query);
    if ((rc = query_check(x, &x->query)) != RC_OK)
        return rc;
    return x->json ? prep_updates(x, false, false) : RC_OK;
}

/* edit OBJ ID [k=v...] [--json OBJECT], or edit OBJ [k=v...] --json ARRAY:
   an ID never holds '=', a name=value argument always does. */
static int prep_edit(cli *x)
{
    bool has_id = x->npos >= 2 && !strchr(x->pos[1], '=');
    int rc;

    snprintf(x->what, sizeof x->what, "edit %.60s %.60s", x->pos[0], has_id ? x->pos[1] : "(bulk)");
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    if (has_id && (rc = check_id(x, "ID", x->pos[1])) != RC_OK)
        return rc;
    add_kv_from(x, &x->query, has_id ? 2 : 1);
    if ((rc = query_check(x, &x->query)) != RC_OK)
        return rc;
    if (!x->json) {
        if (!has_id)
            return cmd_usage_error(x, "edit", "missing ID (or --json '[{\"ID\":...},...]' for a bulk edit)");
        if (x->npos == 2)
            return cmd_usage_error(x, "edit", "nothing to change: give name=value fields or --json");
        return RC_OK;
    }
    if ((rc = prep_updates(x, !has_id, !has_id)) != RC_OK)
        return rc;
    if (!has_id && !x->bulk)
        return cmd_usage_error(x, "edit", "missing ID (a JSON array with an \"ID\" in each object edits several)");
    return RC_OK;
}

static int prep_delete(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "delete %.60s %.60s", x->pos[0], x->pos[1]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    return check_id(x, "ID", x->pos[1]);
}

static int prep_action(cli *x)
{
    int rc;
    snprintf(x->what, sizeof x->what, "action %.40s %.40s %.60s", x->pos[0], x->pos[1], x->pos[2]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK || (rc = check_id(x, "ID", x->pos[1])) != RC_OK)
        return rc;
    if (!is_word(x->pos[2], true))
        return cmd_usage_error(x, "action", "ACTION must be an action name such as move or markDone "
                               "(wf metadata OBJ lists them)");
    add_kv_args(x, &x->query);
    return query_check(x, &x->query);
}

static int prep_upload(cli *x)
{
    const char *path = x->pos[0];
    const char *why = NULL;
    struct stat st;
    FILE *f;
    int rc;

    snprintf(x->what, sizeof x->what, "upload %.120s", path);
    if (!x->o.obj || !x->o.id)
        return cmd_usage_error(x, "upload", "needs --obj CODE and --id ID: the object the document belongs to "
                               "(e.g. --obj TASK --id TASK_ID)");
    if (!is_word(x->o.obj, true))
        return cmd_usage_error(x, "--obj", "expected an object code such as PROJ, TASK, OPTASK or USER");
    if ((rc = check_id(x, "--id", x->o.id)) != RC_OK)
        return rc;
    if (x->o.name && !x->o.name[0])
        return cmd_usage_error(x, "--name", "is empty");
    /* the library opens the file again: this is only for a clear message */
    errno = 0;
    f = fopen(path, "rb");
    if (!f)
        why = strerror(errno);
    else if (fstat(fileno(f), &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file (its size must be known up front)";
    if (f)
        fclose(f);
    if (why) {
        fputs("wf: upload: cannot read '", stderr);
        put_clean(stderr, path);
        fprintf(stderr, "': %s\n", why);
        return RC_USAGE;
    }
    return RC_OK;
}

static bool method_known(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
           strcmp(m, "DELETE") == 0;
}

/* One batch item: "[METHOD ]PATH[?QUERY]". */
static int add_batch_item(cli *x, int index, const char *arg)
{
    char method[16] = "GET", detail[256];
    const char *path = arg;
    size_t n = 0;

    while ((arg[n] >= 'A' && arg[n] <= 'Z') || (arg[n] >= 'a' && arg[n] <= 'z'))
        n++;
    if (n > 0 && arg[n] == ' ') {
        size_t i;
        if (n >= sizeof method)
            n = sizeof method - 1;
        for (i = 0; i < n; i++)
            method[i] = (char)(arg[i] >= 'a' ? arg[i] - 'a' + 'A' : arg[i]);
        method[n] = '\0';
        path = arg + n;
        while (*path == ' ')
            path++;
        if (!method_known(method)) {
            snprintf(detail, sizeof detail, "item %d '%.60s': the method must be GET, POST, PUT or DELETE",
                     index + 1, arg);
            return cmd_usage_error(x, "batch", detail);
        }
    }
    if (!*path || *path == '?' || strstr(path, "://")) {
        snprintf(detail, sizeof detail, "item %d '%.60s': expected a path under the API base, "
                 "e.g. /task/search?status=CUR or 'PUT /task/ID?name=x'", index + 1, arg);
        return cmd_usage_error(x, "batch", detail);
    }
    if (wf_batch_add(&x->batch, method, path, NULL) != WF_OK) {
        snprintf(detail, sizeof detail, "item %d '%.60s': %s", index + 1, arg,
                 x->batch.form.error[0] ? x->batch.form.error : wf_result_str(x->batch.form.result));
        return cmd_usage_error(x, "batch", detail);
    }
    return RC_OK;
}

static int prep_batch(cli *x)
{
    int i, rc = RC_OK;

    snprintf(x->what, sizeof x->what, "batch%s", x->o.atomic ? " --atomic" : "");
    for (i = 0; i < x->npos && rc == RC_OK; i++)
        rc = add_batch_item(x, i, x->pos[i]);
    return rc;
}

static int prep_api_key(cli *x)
{
    static const char *const ops[] = { "get", "generate", "clear" };
    int i;

    snprintf(x->what, sizeof x->what, "api-key %.20s", x->pos[0]);
    for (i = 0; i < 3 && strcmp(x->pos[0], ops[i]) != 0; i++)
        ;
    if (i == 3)
        return cmd_usage_error(x, "api-key", "expected get, generate or clear");
    x->api_key_op = i;
    if (!x->o.user || !x->o.password)
        return cmd_usage_error(x, "api-key", "needs --user and --password (or WF_USERNAME and WF_PASSWORD): "
                               "the API key actions authenticate with them");
    return RC_OK;
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
    {
        /* a URL's "user:password@" never reaches an error message */
        const char *p = x->pos[1], *a = strstr(p, "://"), *at = NULL, *q;
        if (a)
            for (q = a + 3; *q && *q != '/' && *q != '?' && *q != '#'; q++)
                if (*q == '@')
                    at = q;
        if (at)
            snprintf(x->what, sizeof x->what, "request %s %.*s***%.100s", x->method, (int)(a + 3 - p), p, at);
        else
            snprintf(x->what, sizeof x->what, "request %s %.120s", x->method, p);
    }
    /* "/..." is from the host root, "scheme://..." a full URL; anything else
       is under the API base, where --json travels as updates= */
    x->absolute = x->pos[1][0] == '/' || strstr(x->pos[1], "://") != NULL;
    for (i = 0; i < (size_t)x->o.header.n; i++) {
        const char *h = x->o.header.v[i], *colon = strchr(h, ':');
        if (!colon || colon == h || strchr(h, '\n') || strchr(h, '\r'))
            return usage_error("--header", "expected 'Name: value' on one line");
    }
    add_kv_args(x, &x->query);
    if (x->json && !x->absolute)
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
    wf_error err;
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
    memset(&err, 0, sizeof err);
    r = wf_doc_parse_ex(text, len, NULL, &doc, &err);
    if (r != WF_OK) {
        fputs("wf: --json: invalid JSON", stderr);
        if (from_file) {
            fputs(" in '", stderr);
            put_clean(stderr, spec + 1);
            fputc('\'', stderr);
        }
        fputs(": ", stderr);
        put_clean(stderr, err.text[0] ? err.text : wf_result_str(r));
        fputs(" (nothing was sent)\n", stderr);
        rc = RC_USAGE;
    }
done:
    if (rc != RC_OK) {
        wf_doc_free(doc);
        doc = NULL;
        free(text);
        text = NULL;
        len = 0;
    }
    /* the doc points into the text: both live until the end of the run */
    x->json = text;
    x->json_len = len;
    x->json_doc = doc;
    return rc;
}

/* ------------------------------------------------------------- commands */
static int print_count(cli *x, long long n)
{
    if (x->o.raw)
        return print_raw(x);
    if (printf("%lld\n", n) < 0 || fflush(stdout) != 0)
        return output_failed(x, WF_ERR_IO);
    return RC_OK;
}

static int cmd_count(cli *x)
{
    long long n = 0;
    wf_result r = wf_count(x->client, x->pos[0], &x->query, &n);
    return r == WF_OK ? print_count(x, n) : report_client(x, r);
}

/* wf_pager_run hands over one page at a time; it is printed and dropped. */
static bool page_out(void *user, wf_json page, long long first)
{
    stream *s = (stream *)user;
    wf_json o;

    (void)first;
    progress_clear(s->x);
    if (s->x->o.raw)
        stream_body(s);
    else
        for (o = wf_json_first(page); wf_json_ok(o) && stream_item(s, o); o = wf_json_next(o))
            ;
    s->fetched += (long long)wf_json_len(page);
    if (s->rc == RC_OK && fflush(stdout) != 0)
        s->rc = output_failed(s->x, WF_ERR_IO);
    progress_fetched(s->x, s->fetched, false);
    return s->rc == RC_OK; /* false stops the pager: the output is gone */
}

/* Without --raw, objects are streamed one at a time: the library never
   holds a whole page (wf_pager_run with on_object only). */
static bool object_out(void *user, wf_json o)
{
    stream *s = (stream *)user;

    if (s->fetched % 1000 == 0)
        progress_clear(s->x);
    if (!stream_item(s, o))
        return false;
    s->fetched++;
    if (s->fetched % 1000 == 0) {
        if (s->rc == RC_OK && fflush(stdout) != 0)
            s->rc = output_failed(s->x, WF_ERR_IO);
        progress_fetched(s->x, s->fetched, false);
    }
    return s->rc == RC_OK;
}

static int search_all(cli *x)
{
    wf_pager_desc d;
    stream s;
    long long total = 0;
    wf_result r = WF_OK;
    int rc;

    memset(&d, 0, sizeof d);
    d.obj = x->pos[0];
    d.query = &x->query;
    d.page_size = 2000;
    if (x->o.raw)
        d.on_page = page_out; /* --raw prints each page's body as it came */
    else
        d.on_object = object_out;
    d.user = &s;
    x->progress_last_n = -1;
    stream_begin(&s, x);
    if (s.rc == RC_OK)
        r = wf_pager_run(x->client, &d, &total);
    progress_clear(x); /* the end of the array goes where the progress was */
    rc = stream_end(&s);
    progress_fetched(x, s.fetched, true);
    progress_done(x);
    return r != WF_OK ? report_client(x, r) : rc;
}

static int cmd_search(cli *x)
{
    wf_json data;
    wf_result r;

    if (x->o.count)
        return cmd_count(x);
    if (x->o.all)
        return search_all(x);
    r = wf_search(x->client, x->pos[0], &x->query, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_report(cli *x)
{
    wf_json data;
    wf_result r = wf_report(x->client, x->pos[0], &x->query, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_metadata(cli *x)
{
    wf_json data;
    wf_result r = wf_metadata(x->client, x->npos ? x->pos[0] : NULL, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

/* ------------------------------------------------------------ writes */
/* Objects per bulk request: Workfront's limit. */
#define BULK_CHUNK 100

static bool bulk_out(void *user, size_t index, wf_json object)
{
    stream *s = (stream *)user;
    /* --raw: each request's body once, at the first object of its chunk */
    if (s->x->o.raw)
        return index % BULK_CHUNK != 0 || stream_body(s);
    return stream_item(s, object);
}

static int run_bulk(cli *x, bool create)
{
    wf_bulk_desc d;
    stream s;
    size_t done = 0, total = wf_json_len(wf_doc_root(x->json_doc));
    wf_result r = WF_OK;
    int rc;

    memset(&d, 0, sizeof d);
    d.obj = x->pos[0];
    d.updates = x->json;
    d.updates_len = x->json_len;
    d.create = create;
    d.chunk_size = BULK_CHUNK;
    d.params = &x->query;
    d.on_result = bulk_out;
    d.user = &s;
    stream_begin(&s, x);
    if (s.rc == RC_OK)
        r = wf_bulk_edit(x->client, &d, &done);
    rc = stream_end(&s);
    if (r == WF_OK)
        return rc;
    rc = report_client(x, r);
    /* The chunks before the failing one were applied and printed. */
    if (done > 0)
        fprintf(stderr, "wf: hint: objects 0-%zu (of %zu) were %s and printed; once the failing chunk is "
                "fixed, send only the objects from %zu on\n", done - 1, total, create ? "created" : "changed", done);
    else
        fprintf(stderr, "wf: hint: no object was %s\n", create ? "created" : "changed");
    return rc;
}

static wf_updates *updates_or_null(cli *x)
{
    return x->json ? &x->updates : NULL;
}

static int cmd_create(cli *x)
{
    wf_json data;
    wf_result r;

    if (x->bulk)
        return run_bulk(x, true);
    r = wf_create(x->client, x->pos[0], &x->query, updates_or_null(x), &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_copy(cli *x)
{
    wf_json data;
    wf_result r = wf_copy(x->client, x->pos[0], x->pos[1], &x->query, updates_or_null(x), &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_edit(cli *x)
{
    wf_json data;
    wf_result r;

    if (x->bulk)
        return run_bulk(x, false);
    r = wf_edit(x->client, x->pos[0], x->pos[1], &x->query, updates_or_null(x), &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_delete(cli *x)
{
    wf_result r = wf_delete(x->client, x->pos[0], x->pos[1], x->o.force);
    /* wf_delete gives no data view: print the answer from the last body */
    return r == WF_OK ? print_last_data(x) : report_client(x, r);
}

static int cmd_action(cli *x)
{
    wf_json data;
    wf_result r = wf_action(x->client, x->pos[0], x->pos[1], x->pos[2], &x->query, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_upload(cli *x)
{
    wf_upload_desc d;
    wf_json data;
    wf_result r;

    memset(&d, 0, sizeof d);
    d.file = x->pos[0];
    d.doc_name = x->o.name;
    d.obj_code = x->o.obj;
    d.obj_id = x->o.id;
    if (x->progress) {
        d.progress = upload_progress;
        d.user = x;
        x->progress_last = -1;
    }
    r = wf_upload(x->client, &d, NULL, &data);
    progress_done(x);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

static int cmd_batch(cli *x)
{
    wf_json data;
    wf_result r = wf_batch_run(x->client, &x->batch, x->o.atomic, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

/* Secrets on our own stack are wiped too; volatile keeps the stores. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = (volatile unsigned char *)p;
    while (n--)
        *b++ = 0;
}

static int cmd_api_key(cli *x)
{
    char key[256];
    wf_result r;
    int rc = RC_OK;

    r = wf_api_key(x->client, (wf_api_key_op)x->api_key_op, x->o.user, x->o.password, key, sizeof key);
    if (r != WF_OK) {
        rc = report_client(x, r);
    } else if (x->api_key_op != WF_API_KEY_CLEAR) {
        /* Printed on purpose (like login's session): the key is the answer.
           The library wiped the response, so --raw has no body to show. */
        if (x->o.ndjson)
            r = wf_json_write_string(key, strlen(key), stdout_sink, NULL);
        else
            r = fputs(key, stdout) == EOF ? WF_ERR_IO : WF_OK;
        if (r != WF_OK || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
            rc = output_failed(x, r == WF_OK ? WF_ERR_IO : r);
    }
    wipe(key, sizeof key);
    return rc;
}

static int cmd_get(cli *x)
{
    const char *obj = x->pos[0], *ids = x->pos[1];
    wf_json data;
    wf_result r;

    r = wf_get(x->client, obj, ids, x->o.fields, &data);
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

/* --include: the status line and headers as received, then an empty line. */
static int print_head(cli *x)
{
    size_t len = 0;
    const char *head = wf_last_head(x->client, &len);
    if ((len && fwrite(head, 1, len, stdout) != len) || fputs("\r\n", stdout) == EOF)
        return output_failed(x, WF_ERR_IO);
    return RC_OK;
}

static int cmd_request(cli *x)
{
    wf_request_desc d;
    wf_body body;
    wf_json data;
    wf_result r;
    int rc = RC_OK;

    memset(&d, 0, sizeof d);
    memset(&body, 0, sizeof body);
    if (x->absolute) {
        body.content_type = "application/json";
        body.data = x->json;
        body.len = x->json_len;
        d.url = x->pos[1];
        d.raw = true;
    } else {
        body.content_type = "application/x-www-form-urlencoded";
        body.data = wf_query_str(&x->form);
        body.len = strlen(wf_query_str(&x->form));
        d.path = x->pos[1];
    }
    d.method = x->method;
    d.query = &x->query;
    d.body = x->json ? &body : NULL;
    d.headers = x->o.header.v;
    d.header_count = (size_t)x->o.header.n;
    r = wf_request_ex(x->client, &d, &data);
    if (x->o.include && wf_last_status(x->client) > 0)
        rc = print_head(x);
    if (r != WF_OK) {
        int code = report_client(x, r);
        if (x->absolute && x->pos[1][0] == '/' && wf_last_status(x->client) == 404)
            fputs("wf: hint: a PATH starting with / is from the host root; drop the / for a path under the API base\n",
                  stderr);
        return code;
    }
    if (rc != RC_OK)
        return rc;
    if (!x->absolute || x->o.raw)
        return print_data(x, data);
    if (wf_json_ok(data))
        return print_data(x, data);
    return print_raw(x); /* bytes as received; nothing for an empty answer */
}

/* -------------------------------------------------- event subscriptions */
static int prep_subscriptions(cli *x)
{
    static const char *const ops[] = { "list", "get", "create", "delete" };
    const char *op = x->pos[0];
    long v = 0;
    int i;

    for (i = 0; i < 4 && strcmp(op, ops[i]) != 0; i++)
        ;
    if (i == 4)
        return cmd_usage_error(x, "subscriptions", "expected list, get, create or delete");
    x->subs_op = i;
    snprintf(x->what, sizeof x->what, "subscriptions %s", op);
    if ((i == 1 || i == 3) && x->npos < 2)
        return cmd_usage_error(x, x->what, "missing the subscription ID");
    if ((i == 0 || i == 2) && x->npos > 1)
        return cmd_usage_error(x, x->what, "takes no ID");
    if (i != 0 && (x->o.limit || x->o.page))
        return cmd_usage_error(x, "--limit, --page", "only for subscriptions list");
    if (x->o.limit && !parse_long(x->o.limit, 1, 1000, &v))
        return usage_error("--limit", "expected a number from 1 to 1000 (Workfront's maximum for subscriptions)");
    if (x->o.page && !parse_long(x->o.page, 1, 2147483647L, &v))
        return usage_error("--page", "expected a number >= 1");
    if (i == 2) {
        wf_error e;
        if (!x->json)
            return cmd_usage_error(x, x->what, "needs --json with the subscription (a JSON object)");
        /* every documented rule, before anything is sent (login included) */
        if (wf_subscription_validate(x->json, x->json_len, &e) != WF_OK)
            return usage_error(x->what, e.text);
    } else if (x->json) {
        return cmd_usage_error(x, "--json", "only for subscriptions create");
    }
    return RC_OK;
}

static int cmd_subscriptions(cli *x)
{
    wf_json data;
    wf_result r;
    long page = 0, limit = 0;
    char id[128];

    switch (x->subs_op) {
    case 0:
        if (x->o.page) parse_long(x->o.page, 1, 2147483647L, &page);
        if (x->o.limit) parse_long(x->o.limit, 1, 1000, &limit);
        r = wf_subscription_list(x->client, (int)page, (int)limit, &data);
        break;
    case 1:
        r = wf_subscription_get(x->client, x->pos[1], &data);
        break;
    case 2:
        r = wf_subscription_create_json(x->client, x->json, x->json_len, id, sizeof id);
        if (r == WF_OK) {
            if (fputs("{\"id\":", stdout) == EOF || wf_json_write_string(id, strlen(id), stdout_sink, NULL) != WF_OK ||
                fputs("}\n", stdout) == EOF || fflush(stdout) != 0)
                return output_failed(x, WF_ERR_IO);
            return RC_OK;
        }
        return report_client(x, r);
    default:
        r = wf_subscription_delete(x->client, x->pos[1]);
        return r == WF_OK ? RC_OK : report_client(x, r);
    }
    return r == WF_OK ? print_data(x, data) : report_client(x, r);
}

/* ------------------------------------------------------------- download
   The file goes through the header's platform file hooks (POSIX and
   Windows alike): a new temporary file beside the target, flushed to disk
   and renamed over it once complete, removed on any failure. */
static int prep_download(cli *x)
{
    const char *id = x->pos[0], *s;
    struct stat st;

    snprintf(x->what, sizeof x->what, "download %.40s", id);
    for (s = id; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return cmd_usage_error(x, x->what, "DOC_ID must be letters and digits (a document ID)");
    if (x->o.doc_version)
        for (s = x->o.doc_version; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
                return usage_error("--version", "expected a document version ID (letters and digits)");
    if (x->o.version && !x->o.doc_version)
        return usage_error("--version", "goes after 'download' and needs the version ID");
    if (x->o.output && !*x->o.output)
        return usage_error("-o", "needs a file name (or - for stdout)");
    if (x->o.output && strcmp(x->o.output, "-") != 0) {
        if (strlen(x->o.output) >= sizeof x->dl_target - 16)
            return usage_error("-o", "file name too long");
        if (!x->o.force && stat(x->o.output, &st) == 0) {
            char detail[160];
            snprintf(detail, sizeof detail, "%.100s exists (--force replaces it)", x->o.output);
            return usage_error(x->what, detail);
        }
    }
    return RC_OK;
}

/* The version's file name as a safe name in the current directory: its last
   path component, without control characters; never ".", ".." or empty. */
static void safe_file_name(const char *name, const char *doc_id, char *out, size_t cap)
{
    const char *base = name, *s;
    size_t n = 0;
    for (s = name; *s; s++)
        if (*s == '/' || *s == '\\' || *s == ':')
            base = s + 1;
    for (s = base; *s && n + 1 < cap; s++)
        out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '_' : *s;
    out[n] = 0;
    if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, cap, "document-%.40s", doc_id);
}

/* A download interrupted by a signal (Ctrl-C, kill) leaves nothing behind
   either: the handler removes the temporary file, then dies of the signal.
   The one piece of process-wide state in wf, as a signal handler needs it. */
static char dl_sig_path[4096 + 32];
static volatile sig_atomic_t dl_sig_armed;

static void dl_on_signal(int sig)
{
    if (dl_sig_armed)
        remove(dl_sig_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void dl_guard(const char *tmp)
{
    dl_sig_armed = 0;
    if (!tmp)
        return;
    snprintf(dl_sig_path, sizeof dl_sig_path, "%s", tmp);
    dl_sig_armed = 1;
    signal(SIGINT, dl_on_signal);
    signal(SIGTERM, dl_on_signal);
#ifdef SIGHUP
    signal(SIGHUP, dl_on_signal);
#endif
}

static bool dl_start(void *user, const char *file_name, uint64_t size)
{
    cli *x = (cli *)user;
    struct stat st;
    wf_error e;

    (void)size;
    if (x->o.output && strcmp(x->o.output, "-") == 0) {
        x->dl_stdout = true;
        return true;
    }
    if (x->o.output)
        snprintf(x->dl_target, sizeof x->dl_target, "%s", x->o.output);
    else
        safe_file_name(file_name, x->pos[0], x->dl_target, sizeof x->dl_target - 16);
    if (!x->o.force && stat(x->dl_target, &st) == 0) {
        x->dl_exists = true;
        return false;
    }
    memset(&e, 0, sizeof e);
    if (wf__file_create_temp(NULL, &x->dl_file, x->dl_target, "the download", &e) != WF_OK) {
        snprintf(x->dl_error, sizeof x->dl_error, "%s", e.text);
        return false;
    }
    dl_guard(x->dl_file.tmp);
    return true;
}

static bool dl_sink(void *user, const char *data, size_t len)
{
    cli *x = (cli *)user;
    wf_error e;
    if (x->dl_stdout) {
        if (fwrite(data, 1, len, stdout) == len)
            return true;
        snprintf(x->dl_error, sizeof x->dl_error, "writing to stdout: %s", strerror(errno));
        return false;
    }
    memset(&e, 0, sizeof e);
    if (wf__file_write(&x->dl_file, data, len, &e) != WF_OK) {
        snprintf(x->dl_error, sizeof x->dl_error, "%s", e.text);
        return false;
    }
    return true;
}

static int cmd_download(cli *x)
{
    wf_download_desc d;
    wf_result r;
    uint64_t got = 0;
    struct stat st;
    wf_error e;

    memset(&d, 0, sizeof d);
    d.document_id = x->pos[0];
    d.version_id = x->o.doc_version;
    d.on_start = dl_start;
    d.sink = dl_sink;
    d.user = x;
    d.size = &got;
    r = wf_download(x->client, &d);
    if (r == WF_OK && x->dl_stdout) {
        if (fflush(stdout) != 0)
            return output_failed(x, WF_ERR_IO);
        return RC_OK;
    }
    if (r == WF_OK && !x->o.force && stat(x->dl_target, &st) == 0) {
        x->dl_exists = true; /* it appeared while the file came */
    } else if (r == WF_OK) {
        memset(&e, 0, sizeof e);
        dl_guard(NULL);
        if (wf__file_commit(NULL, &x->dl_file, &e) != WF_OK) {
            fprintf(stderr, "wf: %s: %s\n", x->what, e.text);
            return RC_NET;
        }
#ifdef WF__POSIX
        {
            /* the hooks create files private (0600); a download gets the usual mode */
            mode_t mask = umask(0);
            umask(mask);
            if (chmod(x->dl_target, 0666 & ~mask) != 0) { /* the file is there: keep it private */ }
        }
#endif
        if (!x->o.quiet)
            fprintf(stderr, "wf: saved %s (%llu bytes)\n", x->dl_target, (unsigned long long)got);
        return RC_OK;
    }
    dl_guard(NULL);
    wf__file_close(NULL, &x->dl_file); /* removes the temporary file */
    if (x->dl_exists) {
        char detail[160];
        snprintf(detail, sizeof detail, "%.100s exists (--force replaces it); nothing downloaded", x->dl_target);
        return usage_error(x->what, detail);
    }
    if (x->dl_error[0]) {
        fprintf(stderr, "wf: %s: %s\n", x->what, x->dl_error);
        return RC_NET;
    }
    return report_client(x, r);
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
    /* whether this build reaches a server that requires TLS 1.3 */
    if (strstr(wf_tls_protocols(), "1.3") || strcmp(wf_tls_protocols(), "none") == 0)
        printf("tls protocols: %s\n", wf_tls_protocols());
    else
        printf("tls protocols: %s (no TLS 1.3: it needs mbedTLS 3.x built with TLS 1.3, as make static-musl builds it)\n",
               wf_tls_protocols());
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
        fprintf(f, "  %s%s%s\n      %s\n      e.g. %.*s\n", k->name, k->synopsis[0] ? " " : "",
                k->synopsis, k->summary, (int)strcspn(k->examples, "\n"), k->examples);
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
        "Hosts: --domain NAME builds https://NAME.my.workfront.adobe.com, the host\n"
        "Adobe's page \"Domain format for Adobe Workfront API calls\" gives today for\n"
        "API calls (orgs on the Adobe Unified Shell, experience.adobe.com). A NAME with\n"
        "a dot is the whole host. --url-template picks another form for NAME:\n"
        "  adobe     NAME.my.workfront.adobe.com   (the default)\n"
        "  my        NAME.my.workfront.com         (the page's earlier row: orgs not on\n"
        "                                          the Unified Shell)\n"
        "  ondemand  NAME.attask-ondemand.com      (python-workfront's ondemand template)\n"
        "  sandbox   NAME.preview.workfront.com    (python-workfront's sandbox template)\n"
        "or a template of your own: '{protocol}://{domain}.example.com/attask/api/{api_version}'.\n"
        "\n"
        "The default API version is %s; --api-version or WF_API_VERSION changes it.\n"
        "'unsupported' means Workfront's unversioned API at /attask/api-unsupported,\n"
        "with --url and with templates alike; for /attask/api/unsupported give the\n"
        "full base, e.g. --url https://HOST/attask/api/unsupported.\n"
        "\n"
        "OAuth Server-to-Server (Adobe Developer Console): --ims-client-id,\n"
        "--ims-client-secret, --ims-scopes and --ims-org (or their WF_ variables); wf\n"
        "fetches the token from --ims-url's /ims/token/v3 and renews it by itself.\n"
        "--token-cache FILE keeps it between runs (mode 0600; a file others could\n"
        "read is refused).\n"
        "\n"
        "Output: the response's data as JSON on stdout, pretty on a terminal and one\n"
        "line otherwise; --ndjson prints an array one element a line, --raw the\n"
        "response body as received; count prints only the number. Errors go to\n"
        "stderr as 'wf: <what failed>: <detail>', often with a 'wf: hint:' line.\n"
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

/* Each line of text, indented by two spaces. */
static void print_indented(FILE *f, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        fprintf(f, "  %.*s\n", (int)n, text);
        text += n + (text[n] == '\n');
    }
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
    fputs("\nGlobal options (--url, --api-key, ..., --ndjson, --raw, -q): see 'wf --help'.\n"
          "\nExamples:\n", f);
    print_indented(f, k->examples);
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

/* ---------------------------------------------------------------- sync
   The state file is one line of JSON, small and readable:
     {"wf_sync":1,"objCode":"task","lastUpdateDate":"...","ID":"...",
      "deletes":{"entryDate":"...","ID":"..."}}
   It is written to FILE.tmp.PID, flushed to disk and renamed over FILE, and
   only after the objects printed have been flushed (and, for a file, synced):
   a run that fails or is cut short never moves the watermark. */
#define SYNC_VERSION 1

typedef struct sync_state {
    wf_watermark objects;
    wf_watermark deletes;
} sync_state;

static bool json_copy_str(wf_json v, char *buf, size_t cap)
{
    return wf_json_type_of(v) == WF_JSON_STRING && wf_json_str(v, buf, cap, NULL) == WF_OK;
}

/* RC_OK with *st filled (all zero when FILE does not exist yet). */
static int sync_load(cli *x, sync_state *st)
{
    FILE *f;
    char *text = NULL;
    size_t len = 0;
    wf_doc *doc = NULL;
    wf_json root, v, d;
    char obj[80];
    long long ver = 0;
    int rc = RC_OK;

    memset(st, 0, sizeof *st);
    if (!(f = fopen(x->o.state, "rb"))) {
        if (errno == ENOENT)
            return RC_OK;
        fprintf(stderr, "wf: sync: cannot read the state file %s: %s\n", x->o.state, strerror(errno));
        return RC_USAGE;
    }
    if (!read_stream(f, &text, &len)) {
        fclose(f);
        fprintf(stderr, "wf: sync: cannot read the state file %s\n", x->o.state);
        return RC_USAGE;
    }
    fclose(f);
    if (wf_doc_parse(text, len, NULL, &doc) != WF_OK ||
        wf_json_type_of(root = wf_doc_root(doc)) != WF_JSON_OBJECT ||
        wf_json_int(wf_json_get(root, "wf_sync"), &ver) != WF_OK) {
        fprintf(stderr, "wf: sync: %s is not a wf sync state file\n", x->o.state);
        rc = RC_USAGE;
    } else if (ver != SYNC_VERSION) {
        fprintf(stderr, "wf: sync: %s is a version %lld state file; this wf reads version %d\n", x->o.state, ver, SYNC_VERSION);
        rc = RC_USAGE;
    } else if (!json_copy_str(wf_json_get(root, "objCode"), obj, sizeof obj) || strcasecmp(obj, x->pos[0]) != 0) {
        fprintf(stderr, "wf: sync: %s holds the state of another object type (%s); give each its own file\n", x->o.state, obj);
        rc = RC_USAGE;
    } else {
        v = wf_json_get(root, "lastUpdateDate");
        if (wf_json_ok(v) && !wf_json_is_null(v) &&
            (!json_copy_str(v, st->objects.date, sizeof st->objects.date) ||
             !json_copy_str(wf_json_get(root, "ID"), st->objects.id, sizeof st->objects.id))) {
            fprintf(stderr, "wf: sync: %s: lastUpdateDate and ID must be strings\n", x->o.state);
            rc = RC_USAGE;
        }
        d = wf_json_get(root, "deletes");
        if (rc == RC_OK && wf_json_type_of(d) == WF_JSON_OBJECT &&
            (!json_copy_str(wf_json_get(d, "entryDate"), st->deletes.date, sizeof st->deletes.date) ||
             !json_copy_str(wf_json_get(d, "ID"), st->deletes.id, sizeof st->deletes.id))) {
            fprintf(stderr, "wf: sync: %s: deletes must hold entryDate and ID strings\n", x->o.state);
            rc = RC_USAGE;
        }
    }
    wf_doc_free(doc);
    free(text);
    return rc;
}

static void json_member(csv_line *l, const char *key, const char *value, bool first)
{
    if (!first)
        csv_put(l, ",", 1);
    wf_json_write_string(key, strlen(key), csv_sink, l);
    csv_put(l, ":", 1);
    if (value)
        wf_json_write_string(value, strlen(value), csv_sink, l);
    else
        csv_put(l, "null", 4);
}

/* Writes FILE.tmp.PID, syncs it and renames it over FILE. */
static int sync_save(cli *x, const sync_state *st)
{
    csv_line l;
    char tmp[4096];
    FILE *f;
    int ok;

    memset(&l, 0, sizeof l);
    csv_put(&l, "{\"wf_sync\":1", 12);
    json_member(&l, "objCode", x->pos[0], false);
    json_member(&l, "lastUpdateDate", st->objects.date[0] ? st->objects.date : NULL, false);
    json_member(&l, "ID", st->objects.date[0] ? st->objects.id : NULL, false);
    if (x->o.deletes || st->deletes.date[0]) {
        csv_put(&l, ",\"deletes\":{", 12);
        json_member(&l, "entryDate", st->deletes.date, true);
        json_member(&l, "ID", st->deletes.id, false);
        csv_put(&l, "}", 1);
    }
    csv_put(&l, "}\n", 2);
    if (l.nomem) {
        free(l.p);
        return report(x, "sync: state file", WF_ERR_NOMEM, NULL);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", x->o.state, (long)getpid()) >= sizeof tmp) {
        free(l.p);
        return usage_error("--state", "file name too long");
    }
    f = fopen(tmp, "wb");
    ok = f && fwrite(l.p, 1, l.len, f) == l.len && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, x->o.state) != 0)
        ok = 0;
    free(l.p);
    if (!ok) {
        fprintf(stderr, "wf: sync: cannot replace the state file %s: %s (the watermark did not move)\n", x->o.state, strerror(errno));
        remove(tmp);
        return RC_NET;
    }
    return RC_OK;
}

static int prep_sync(cli *x)
{
    int rc;

    snprintf(x->what, sizeof x->what, "sync %.100s", x->pos[0]);
    if ((rc = check_obj(x, x->pos[0])) != RC_OK)
        return rc;
    if (!x->o.state || !*x->o.state)
        return cmd_usage_error(x, "sync", "needs --state FILE (where the watermark is kept between runs)");
    if (x->o.raw)
        return cmd_usage_error(x, "--raw", "sync prints objects as NDJSON or CSV");
    add_kv_args(x, &x->query);
    if (x->o.fields) {
        /* the watermark field comes too, whatever was asked for */
        size_t n = strlen(x->o.fields);
        char *f = (char *)malloc(n + 16);
        if (!f)
            return report(x, "sync", WF_ERR_NOMEM, NULL);
        memcpy(f, x->o.fields, n + 1);
        if (!strstr(f, "*") && !strstr(f, "lastUpdateDate"))
            memcpy(f + n, ",lastUpdateDate", 16);
        wf_query_fields(&x->query, f);
        free(f);
    }
    if (strstr(wf_query_str(&x->query), "_Sort=") || query_has_key(wf_query_str(&x->query), "$$FIRST") ||
        query_has_key(wf_query_str(&x->query), "$$LIMIT"))
        return cmd_usage_error(x, "sync", "orders and pages by lastUpdateDate and ID itself: drop sorts, $$FIRST and $$LIMIT");
    return query_check(x, &x->query);
}

static bool sync_object_out(void *user, wf_json o)
{
    return object_out(user, o);
}

/* One deletion journal entry as a line: {"deleted":ID,"objCode":..,"entryDate":..}. */
static bool sync_delete_out(void *user, wf_json e)
{
    stream *s = (stream *)user;
    char id[64], code[64], when[64];
    csv_line l;
    bool ok;

    if (s->rc != RC_OK)
        return false;
    if (!json_copy_str(wf_json_get(e, "subObjID"), id, sizeof id) ||
        !json_copy_str(wf_json_get(e, "subObjCode"), code, sizeof code) ||
        !json_copy_str(wf_json_get(e, "entryDate"), when, sizeof when)) {
        fprintf(stderr, "wf: %s: a journal entry without subObjID, subObjCode or entryDate\n", s->x->what);
        s->rc = RC_RESPONSE;
        return false;
    }
    memset(&l, 0, sizeof l);
    csv_put(&l, "{", 1);
    json_member(&l, "deleted", id, true);
    json_member(&l, "objCode", code, false);
    json_member(&l, "entryDate", when, false);
    csv_put(&l, "}\n", 2);
    ok = !l.nomem && fwrite(l.p, 1, l.len, stdout) == l.len;
    free(l.p);
    if (!ok)
        s->rc = output_failed(s->x, WF_ERR_IO);
    return s->rc == RC_OK;
}

static int cmd_sync(cli *x)
{
    sync_state st;
    wf_pager_desc d;
    stream s;
    wf_query jq;
    long long total = 0;
    wf_result r = WF_OK;
    struct stat sb;
    int rc;

    if ((rc = sync_load(x, &st)) != RC_OK)
        return rc;
    memset(&d, 0, sizeof d);
    d.obj = x->pos[0];
    d.query = &x->query;
    d.page_size = 2000;
    d.on_object = sync_object_out;
    d.user = &s;
    d.since = &st.objects;
    x->progress_last_n = -1;
    stream_begin(&s, x);
    if (s.rc == RC_OK)
        r = wf_pager_run(x->client, &d, &total);
    progress_clear(x);
    if (r == WF_OK && s.rc == RC_OK && x->o.deletes) {
        /* Workfront journals deletions as JRNLE rows with changeType D
           (Adobe: "Track hour records with the Workfront API") */
        char code[72];
        size_t i;
        for (i = 0; x->pos[0][i] && i + 1 < sizeof code; i++)
            code[i] = (char)(x->pos[0][i] >= 'a' && x->pos[0][i] <= 'z' ? x->pos[0][i] - 32 : x->pos[0][i]);
        code[i] = 0;
        memset(&jq, 0, sizeof jq);
        wf_query_add(&jq, "subObjCode", code);
        wf_query_add(&jq, "changeType", "D");
        wf_query_fields(&jq, "subObjID,subObjCode,entryDate");
        d.obj = "JRNLE";
        d.query = &jq;
        d.on_object = sync_delete_out;
        d.since = &st.deletes;
        d.since_field = "entryDate";
        r = wf_pager_run(x->client, &d, NULL);
        wf_query_free(&jq);
    }
    rc = stream_end(&s);
    progress_fetched(x, s.fetched, true);
    progress_done(x);
    if (r != WF_OK)
        return report_client(x, r);
    if (rc != RC_OK)
        return rc;
    /* the output first: a file is synced to disk before the watermark moves */
    if (fstat(fileno(stdout), &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fileno(stdout)) != 0)
        return output_failed(x, WF_ERR_IO);
    return sync_save(x, &st);
}

/* ------------------------------------------------------------------ main */
static int run(int argc, char **argv)
{
    cli x;
    int rc;

    memset(&x, 0, sizeof x);
    x.pretty = isatty(fileno(stdout)) != 0;
    /* exports write megabytes: fewer, larger writes (a terminal keeps its
       line buffering).  glibc ignores the size without a buffer of ours; it
       is static because stdout is flushed after run returns. */
    if (!x.pretty) {
        static char outbuf[1 << 16];
        setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    }
    x.progress_tty = isatty(fileno(stderr)) != 0;
    rc = parse_cli(&x, argc, argv);
    if (rc != RC_OK)
        goto done;
    if (x.o.help) {
        rc = cmd_help(&x);
        goto done;
    }
    x.progress = !x.o.quiet && (x.o.progress || x.progress_tty);
    if (x.o.csv) {
        if (strcmp(x.cmd->name, "search") != 0 && strcmp(x.cmd->name, "get") != 0 && strcmp(x.cmd->name, "sync") != 0) {
            rc = cmd_usage_error(&x, "--csv", "prints objects: search, get and sync only");
            goto done;
        }
        if (x.o.count || x.o.deletes) {
            rc = cmd_usage_error(&x, x.o.count ? "--csv, --count" : "--csv, --deletes",
                                 x.o.count ? "--count prints a number" : "deletions are printed as NDJSON lines");
            goto done;
        }
        if (!(x.csv = (csv_out *)calloc(1, sizeof *x.csv)) || !csv_cols_from_fields(x.csv, x.o.fields)) {
            rc = report(&x, "--csv", WF_ERR_NOMEM, NULL);
            goto done;
        }
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
    if (x.cmd->auth != AUTH_NONE) {
        rc = open_client(&x);
        if (rc != RC_OK)
            goto done;
    }
    rc = x.cmd->run(&x);
done:
    if (x.client)
        close_client(&x);
    wf_batch_free(&x.batch);
    wf_updates_free(&x.updates);
    wf_query_free(&x.form);
    wf_query_free(&x.query);
    wf_doc_free(x.json_doc);
    free(x.json);
    if (x.csv)
        csv_free(x.csv);
    free(x.csv);
    return rc;
}

int main(int argc, char **argv)
{
    return run(argc, argv);
}
