/* examples/upload.c - upload a file and attach it to an object as a document.
 *
 *   WF_URL=https://acme.my.workfront.com WF_API_KEY=... ./upload FILE OBJ_CODE OBJ_ID [NAME]
 *   e.g.  ./upload report.pdf PROJ 4c78821c0000d6fa8d5e52f07a1d54d0
 *
 * The file is streamed (POST /upload, multipart), never loaded whole; then
 * the document is created from the upload handle (POST /document).
 *
 * Environment (the same as the wf CLI): WF_URL or WF_DOMAIN; WF_API_KEY, or
 * WF_USERNAME and WF_PASSWORD; WF_CACERT (extra CA bundle, optional).
 * Build: cc -std=c99 upload.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Called as the bytes go out; here a percentage on stderr, in steps of 25 %. */
static void progress(void *user, uint64_t sent, uint64_t total) {
    int *last = (int *)user;
    int pct = total ? (int)(sent * 100 / total) : 100;
    if (pct / 25 != *last / 25 || sent == total) {
        fprintf(stderr, "upload: %3d%% (%llu of %llu bytes)\n", pct,
                (unsigned long long)sent, (unsigned long long)total);
        *last = pct;
    }
}

int main(int argc, char **argv) {
    wf_client_desc desc = {0};
    wf_upload_desc up = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_json doc;
    char handle[64], id[64], name[256];
    int last = -25, rc = 1;

    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE OBJ_CODE OBJ_ID [DOCUMENT_NAME]\n"
                        "  OBJ_CODE: PROJ, TASK, OPTASK or USER\n", argv[0]);
        return 2;
    }
    desc.url = env("WF_URL");
    desc.domain = env("WF_DOMAIN");
    desc.api_key = env("WF_API_KEY");
    desc.ca_file = env("WF_CACERT");
    desc.timeout_ms = 600000;  /* the whole request: allow 10 minutes for big files */
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "upload: %s\n", err.text);
        return 1;
    }
    if (env("WF_USERNAME") && wf_login(c, env("WF_USERNAME"), env("WF_PASSWORD") ? env("WF_PASSWORD") : "") != WF_OK)
        goto fail;

    up.file = argv[1];         /* or .read/.user/.size for bytes from anywhere */
    up.obj_code = argv[2];
    up.obj_id = argv[3];
    up.doc_name = argc > 4 ? argv[4] : NULL;  /* default: the file's base name */
    up.progress = progress;
    up.user = &last;
    if (wf_upload(c, &up, handle, &doc) != WF_OK) goto fail;

    wf_json_str(wf_json_get(doc, "ID"), id, sizeof id, NULL);
    wf_json_str(wf_json_get(doc, "name"), name, sizeof name, NULL);
    printf("document %s \"%s\" attached to %s %s (upload handle %s)\n", id, name, argv[2], argv[3], handle);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "upload: %s\n", wf_client_error(c)->text);
done:
    if (env("WF_USERNAME")) wf_logout(c);
    wf_client_destroy(c);
    return rc;
}
