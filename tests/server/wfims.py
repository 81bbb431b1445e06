"""Adobe IMS, as far as an OAuth Server-to-Server credential sees it.

POST /ims/token/v3 with grant_type=client_credentials, client_id,
client_secret and scope (Adobe: "OAuth Server-to-Server credential API
Reference", developer.adobe.com/developer-console/docs/guides/authentication/
ServerToServerAuthentication/ims).  The parameters may come in the form body
or the query string, as that page says.  Success is a bare JSON object
{"access_token", "token_type": "bearer", "expires_in": <seconds>} (86399 by
default: tokens last 24 hours).  Failures are OAuth 2.0 error objects
(RFC 6749 section 5.2) the way IMS words them; a wrong client ID or secret
is HTTP 400 {"error":"invalid_client","error_description":"invalid
client_secret parameter"} (the answer Adobe's own client code tests for).

Tokens issued here are accepted by the Workfront API as
"Authorization: Bearer <token>" together with "x-gw-ims-org-id: <org of the
credential>" (the official JS client sends both); they expire after
ims_token_ttl seconds (config switch), after session_max_requests uses, or
when /__test/expire is called.
"""

import secrets
import time

from wfconst import ADMIN_USER_ID, IMS_CLIENT_ID, IMS_CLIENT_SECRET, IMS_SCOPES, IMS_ORG, DEFAULT_IMS_TOKEN_TTL
from wferrors import encode
from wfhttp import Response

TOKEN_PATH = "/ims/token/v3"


class ImsToken:
    def __init__(self, org, ttl):
        self.org = org
        self.created = time.monotonic()
        self.ttl = ttl
        self.uses = 0


def _fail(status, err, desc):
    return Response(status, encode({"error": err, "error_description": desc}))


def token(api, req, cfg):
    """The token endpoint; api is the wfapi.Api (for params and state)."""
    if req.method != "POST":
        return _fail(405, "invalid_request", "method not allowed")
    params = api._params(req)

    def get(k):
        for key, v in params:
            if key == k:
                return v
        return None
    grant = get("grant_type")
    if not grant:
        return _fail(400, "invalid_request", "missing grant_type parameter")
    if grant != "client_credentials":
        return _fail(400, "unsupported_grant_type", "unsupported grant_type parameter")
    if not get("client_id"):
        return _fail(400, "invalid_request", "missing client_id parameter")
    if get("client_id") != IMS_CLIENT_ID:
        return _fail(400, "invalid_client", "invalid client_id parameter")
    if get("client_secret") != IMS_CLIENT_SECRET:
        return _fail(400, "invalid_client", "invalid client_secret parameter")
    asked = [s for s in (get("scope") or "").split(",") if s]
    allowed = IMS_SCOPES.split(",")
    if not asked or any(s not in allowed for s in asked):
        return _fail(400, "invalid_scope", "invalid scope parameter")
    ttl = int(cfg.get("ims_token_ttl") or DEFAULT_IMS_TOKEN_TTL)
    tok = "ims-" + secrets.token_urlsafe(32)
    st = api.state
    with st.lock:
        st.ims_tokens[tok] = ImsToken(IMS_ORG, ttl)
        st.ims_tokens_issued += 1
    return Response(200, encode({"access_token": tok, "token_type": "bearer", "expires_in": ttl}))


def bearer_user(api, tok, org, cfg):
    """The user behind an issued IMS token, None when tok is not one; raises
    the 401 of an expired token or a wrong/missing organisation."""
    from wferrors import ApiError
    st = api.state
    t = st.ims_tokens.get(tok)
    if t is None:
        return None
    if not org:
        raise ApiError("ims_org", "Missing x-gw-ims-org-id header for IMS token")
    if org != t.org:
        raise ApiError("auth", "IMS token not valid for organization %s" % org)
    maxreq = int(cfg.get("session_max_requests") or 0)
    if time.monotonic() - t.created > t.ttl or (maxreq and t.uses >= maxreq):
        del st.ims_tokens[tok]
        raise ApiError("auth", "IMS access token expired")
    t.uses += 1
    st.ims_token_uses += 1
    return api.store.get("USER", ADMIN_USER_ID)
