/* examples/webhook.c - register an event subscription (webhook), show it,
 * remove it; then stream a document's file to stdout.
 *
 *   WF_URL=https://acme.my.workfront.com WF_API_KEY=... ./webhook HOOK_URL [DOC_ID]
 *   e.g.  ./webhook https://hooks.example.com/workfront 4c78821c0000d6fa8d5e52f07a1d54d0 > file
 *
 * Event subscriptions (System Administrators only) live beside the REST API
 * and answer without the data envelope; the library checks a subscription
 * before sending it (an https:// URL, a known event type, ...).  The
 * download goes through the document's downloadURL in pieces of at most
 * 16 KB: memory does not grow with the file.
 *
 * Environment (the same as the wf CLI): WF_URL or WF_DOMAIN; WF_API_KEY, or
 * WF_USERNAME and WF_PASSWORD; WF_CACERT (extra CA bundle, optional).
 * Build: cc -std=c99 webhook.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bool to_stdout(void *user, const char *data, size_t len) {
    (void)user;
    return fwrite(data, 1, len, stdout) == len;
}

static bool announce(void *user, const char *file_name, uint64_t size) {
    (void)user;
    fprintf(stderr, "webhook: downloading \"%s\" (%llu bytes)\n", file_name, (unsigned long long)size);
    return true;
}

int main(int argc, char **argv) {
    wf_client_desc desc = {0};
    wf_subscription_desc sub = {0};
    wf_download_desc dl = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_json s;
    char id[64], event[32];
    uint64_t got = 0;
    int rc = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: %s HOOK_URL [DOC_ID]\n  HOOK_URL: the https:// endpoint Workfront will call\n", argv[0]);
        return 2;
    }
    desc.url = env("WF_URL");
    desc.domain = env("WF_DOMAIN");
    desc.api_key = env("WF_API_KEY");
    desc.ca_file = env("WF_CACERT");
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "webhook: %s\n", err.text);
        return 1;
    }
    if (env("WF_USERNAME") && wf_login(c, env("WF_USERNAME"), env("WF_PASSWORD") ? env("WF_PASSWORD") : "") != WF_OK)
        goto fail;

    sub.obj_code = "TASK";
    sub.event_type = "UPDATE";
    sub.url = argv[1];
    sub.auth_token = "example-shared-secret"; /* sent back to HOOK_URL with every event */
    sub.filters_json = "[{\"fieldName\":\"status\",\"fieldValue\":\"CPL\",\"comparison\":\"eq\"}]";
    if (wf_subscription_create(c, &sub, id, sizeof id) != WF_OK) {
        rc = wf_client_error(c)->result == WF_ERR_INVALID ? 2 : 1; /* refused before sending */
        goto fail;
    }
    if (wf_subscription_get(c, id, &s) != WF_OK) goto fail;
    wf_json_str(wf_json_get(s, "eventType"), event, sizeof event, NULL);
    fprintf(stderr, "webhook: subscription %s (%s of TASK, completed tasks only)\n", id, event);
    if (wf_subscription_delete(c, id) != WF_OK) goto fail;
    fprintf(stderr, "webhook: subscription %s deleted\n", id);

    if (argc > 2) {
        dl.document_id = argv[2];
        dl.on_start = announce;
        dl.sink = to_stdout;
        dl.size = &got;
        if (wf_download(c, &dl) != WF_OK) goto fail;
        if (fflush(stdout) != 0) { perror("webhook: stdout"); goto done; }
        fprintf(stderr, "webhook: %llu bytes written\n", (unsigned long long)got);
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "webhook: %s\n", wf_client_error(c)->text);
done:
    if (env("WF_USERNAME")) wf_logout(c);
    wf_client_destroy(c);
    return rc;
}
