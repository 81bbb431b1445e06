/* examples/jwt.c - server-to-server authentication (JWT exchange).
 *
 *   WF_URL=https://acme.my.workfront.com WF_JWT_KEY=private.key \
 *   WF_CUSTOMER_ID=... WF_USER_ID=... WF_CLIENT_ID=... WF_CLIENT_SECRET=... ./jwt
 *
 * The client signs an RS256 JWT {iss: customer ID, sub: user ID} with the
 * integration's RSA private key, exchanges it for an access token at
 * /integrations/oauth2/api/v1/jwt/exchange, and sends that token with every
 * request.  Because the client keeps the key, it signs and exchanges again
 * by itself when the token expires (one retry of the refused call).
 *
 * Environment (the same names as the wf CLI's options): WF_URL or
 * WF_DOMAIN, WF_JWT_KEY (PEM file), WF_CUSTOMER_ID, WF_USER_ID,
 * WF_CLIENT_ID, WF_CLIENT_SECRET; WF_CACERT (extra CA bundle, optional).
 * Build: cc -std=c99 jwt.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int main(void) {
    wf_client_desc desc = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_json me;
    char name[200], email[200];
    const char *user_id = env("WF_USER_ID");
    int rc = 1;

    desc.url = env("WF_URL");
    desc.domain = env("WF_DOMAIN");
    desc.ca_file = env("WF_CACERT");
    desc.jwt_key_file = env("WF_JWT_KEY");       /* read and checked now */
    desc.customer_id = env("WF_CUSTOMER_ID");    /* JWT iss */
    desc.jwt_user_id = user_id;                  /* JWT sub: the user acted as */
    desc.client_id = env("WF_CLIENT_ID");
    desc.client_secret = env("WF_CLIENT_SECRET");
    if (!desc.jwt_key_file || !desc.customer_id || !user_id || !desc.client_id || !desc.client_secret) {
        fprintf(stderr, "jwt: set WF_JWT_KEY, WF_CUSTOMER_ID, WF_USER_ID, WF_CLIENT_ID and WF_CLIENT_SECRET\n");
        return 2;
    }
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "jwt: %s\n", err.text);
        return 1;
    }
    /* Optional: the first call would also do it (auth failure -> renew ->
       retry); doing it up front gives a clear error before any real work. */
    if (wf_jwt_exchange(c) != WF_OK) goto fail;
    printf("exchanged a JWT for an access token\n");

    if (wf_get(c, "user", user_id, "name,emailAddr", &me) != WF_OK) goto fail;
    wf_json_str(wf_json_get(me, "name"), name, sizeof name, NULL);
    wf_json_str(wf_json_get(me, "emailAddr"), email, sizeof email, NULL);
    printf("acting as %s <%s>\n", name, email);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "jwt: %s\n", wf_client_error(c)->text);
done:
    wf_client_destroy(c);  /* wipes the key and the tokens */
    return rc;
}
