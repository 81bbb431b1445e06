/* examples/create_edit.c - create, edit and delete a task; handle errors.
 *
 *   WF_URL=https://acme.my.workfront.com WF_API_KEY=... ./create_edit [PROJECT_ID]
 *
 * Creates a task in PROJECT_ID (default: the first project the search
 * finds), renames it and sets its progress, shows what a refused edit looks
 * like, then deletes the task again.
 *
 * Environment (the same as the wf CLI): WF_URL or WF_DOMAIN; WF_API_KEY, or
 * WF_USERNAME and WF_PASSWORD; WF_CACERT (extra CA bundle, optional).
 * Build: cc -std=c99 create_edit.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* What went wrong, from the client's error record.  Workfront often answers
   errors with HTTP 200: the envelope decides, and the class says what kind. */
static void report(const char *what, wf_client *c) {
    const wf_error *e = wf_client_error(c);
    fprintf(stderr, "create_edit: %s: %s\n", what, e->text);
    if (e->result == WF_ERR_API || e->result == WF_ERR_AUTH)
        fprintf(stderr, "  HTTP %d, class %s, message \"%s\"\n", e->http_status, e->wf_class, e->message);
}

int main(int argc, char **argv) {
    wf_client_desc desc = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_updates u = {0};   /* zero = empty, heap-backed; the first failure sticks */
    wf_json data;
    char project[64] = "", id[64] = "", name[256];
    wf_result r;
    int rc = 1;

    desc.url = env("WF_URL");
    desc.domain = env("WF_DOMAIN");
    desc.api_key = env("WF_API_KEY");
    desc.ca_file = env("WF_CACERT");
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "create_edit: %s\n", err.text);
        return 1;
    }
    if (env("WF_USERNAME") && wf_login(c, env("WF_USERNAME"), env("WF_PASSWORD") ? env("WF_PASSWORD") : "") != WF_OK) {
        report("login", c);
        goto done;
    }

    if (argc > 1) {
        snprintf(project, sizeof project, "%s", argv[1]);
    } else {
        wf_query q = {0};
        wf_query_fields(&q, "name");
        wf_query_limit(&q, 0, 1);
        r = wf_search(c, "project", &q, &data);
        wf_query_free(&q);
        if (r != WF_OK) { report("search project", c); goto done; }
        wf_json_str(wf_json_get(wf_json_at(data, 0), "ID"), project, sizeof project, NULL);
        if (!project[0]) { fprintf(stderr, "create_edit: no project to put the task in\n"); goto done; }
    }

    /* Create: the writer escapes quotes, backslashes and control characters,
       so any UTF-8 text goes in as it is. */
    wf_updates_set_str(&u, "name", "Example task \"created\" by workfront.h \xF0\x9F\x9A\x80");
    wf_updates_set_str(&u, "projectID", project);
    wf_updates_set_int(&u, "priority", 2);
    wf_updates_set_str(&u, "description", "line one\nline two");
    if (wf_create(c, "task", NULL, &u, &data) != WF_OK) { report("create", c); goto done; }
    wf_json_str(wf_json_get(data, "ID"), id, sizeof id, NULL);
    wf_json_str(wf_json_get(data, "name"), name, sizeof name, NULL);
    printf("created task %s: %s\n", id, name);

    /* Edit: only the fields written are sent (PUT /task/ID?updates=...). */
    wf_updates_reset(&u);
    wf_updates_set_str(&u, "name", "Example task, renamed");
    wf_updates_key(&u, "percentComplete");
    wf_updates_decimal(&u, "42.5");           /* exact decimal text, no double rounding */
    if (wf_edit(c, "task", id, NULL, &u, &data) != WF_OK) { report("edit", c); goto cleanup; }
    {
        double pct = 0;
        wf_json_str(wf_json_get(data, "name"), name, sizeof name, NULL);
        wf_json_num(wf_json_get(data, "percentComplete"), &pct);
        printf("edited task %s: %s, %.1f%% complete\n", id, name, pct);
    }

    /* A refused edit: Workfront answers with an error envelope.  The call
       returns WF_ERR_API and the record holds Workfront's class and message. */
    wf_updates_reset(&u);
    wf_updates_set_str(&u, "noSuchField", "x");
    r = wf_edit(c, "task", id, NULL, &u, &data);
    if (r == WF_ERR_API) {
        const wf_error *e = wf_client_error(c);
        printf("refused edit, as expected: %s (HTTP %d, %s)\n", e->message, e->http_status, e->wf_class);
    } else {
        fprintf(stderr, "create_edit: the edit of an unknown field gave \"%s\", not an API error\n", wf_result_str(r));
        goto cleanup;
    }
    rc = 0;

cleanup:
    /* Delete (force=false: refuse when other objects depend on it). */
    if (wf_delete(c, "task", id, false) != WF_OK) { report("delete", c); rc = 1; }
    else printf("deleted task %s\n", id);
done:
    if (env("WF_USERNAME")) wf_logout(c);
    wf_updates_free(&u);
    wf_client_destroy(c);
    return rc;
}
