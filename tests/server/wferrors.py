"""Error envelopes and Workfront's JSON encoding.

Which error goes with which HTTP status -- the awkward part a client must
survive: Workfront reports many request problems inside an error envelope
with HTTP 200, and others with a real status.  This server's table (the
class names are the ones Workfront's envelopes carry where we know them;
the rest are plausible stand-ins, marked *):

 kind           status  class                                          why / when
 -------------  ------  ---------------------------------------------  ------------------------------------
 auth             401   com.attask.common.AuthenticationException      no/invalid/expired session, key, token
 login            401   com.attask.common.AuthenticationException      /login or api-key action: bad password
 ims_org          403   com.attask.common.AuthenticationException      IMS Bearer without x-gw-ims-org-id (403,
                                                                       so a client does not try to renew)
 forbidden        403   com.attask.common.SecurityException *          not allowed for this user
 notfound         404   com.attask.common.NotFoundException            unknown object ID
 nopath           404   com.attask.common.NotFoundException            unknown path / object code / version
 invalid_field    200   com.attask.common.InvalidParameterException    fields=/filter/sort names an unknown field
                                                                       ("APIModel V22_0 does not support field
                                                                       x (Task)", the historic message)
 depth            200   com.attask.common.InvalidParameterException    more than 4 reference hops
 limit            200   java.lang.IllegalArgumentException             $$LIMIT > 2000 (the basics page names
                                                                       IllegalArgumentException)
 bulk_limit       200   java.lang.IllegalArgumentException             > 100 objects in one bulk / batch
 modifier         200   java.lang.IllegalArgumentException             unknown _Mod value
 bad_param        200   java.lang.IllegalArgumentException             unparsable JSON, bad sort direction,
                                                                       bad $$FIRST, unknown action ...
 bad_value        200   java.lang.IllegalArgumentException             filter value not a number/date
 validation       422   com.attask.common.ValidationException *        create/edit: missing required field,
                                                                       bad value, unknown referenced ID
 conflict         422   com.attask.common.ValidationException *        delete with dependants, no force=true
 method           405   java.lang.UnsupportedOperationException *      e.g. POST /task/<ID> without action
 too_large        413   com.attask.common.RequestTooLargeException *   form body / upload over the cap
 throttle         429   com.attask.common.TooManyRequestsException *   max_concurrent switch exceeded
 internal         500   java.lang.RuntimeException                     a bug in this server
 unavailable      503   com.attask.common.ServiceUnavailableException * (only via test switches)

Switches (see wfserver.py): errors_200=1 sends every envelope with HTTP 200;
error_status=N sends every non-authentication envelope with status N.
"""

import json

ERRORS = {
    # kind:          (status, class, msgKey, code)
    "auth":          (401, "com.attask.common.AuthenticationException", "exception.authentication", 4),
    "login":         (401, "com.attask.common.AuthenticationException", "exception.login.failed", 4),
    "ims_org":       (403, "com.attask.common.AuthenticationException", "exception.ims.org", 5),
    "forbidden":     (403, "com.attask.common.SecurityException", "exception.security", 6),
    "notfound":      (404, "com.attask.common.NotFoundException", "exception.object.notfound", 8),
    "nopath":        (404, "com.attask.common.NotFoundException", "exception.path.notfound", 8),
    "invalid_field": (200, "com.attask.common.InvalidParameterException", "exception.apimodel.field", 10),
    "depth":         (200, "com.attask.common.InvalidParameterException", "exception.apimodel.depth", 10),
    "limit":         (200, "java.lang.IllegalArgumentException", "exception.query.limit", 11),
    "bulk_limit":    (200, "java.lang.IllegalArgumentException", "exception.bulk.limit", 11),
    "modifier":      (200, "java.lang.IllegalArgumentException", "exception.query.modifier", 11),
    "bad_param":     (200, "java.lang.IllegalArgumentException", "exception.parameter", 11),
    "bad_value":     (200, "java.lang.IllegalArgumentException", "exception.parameter.value", 11),
    "validation":    (422, "com.attask.common.ValidationException", "exception.validation", 12),
    "conflict":      (422, "com.attask.common.ValidationException", "exception.delete.dependants", 13),
    "method":        (405, "java.lang.UnsupportedOperationException", "exception.method", 14),
    "too_large":     (413, "com.attask.common.RequestTooLargeException", "exception.request.size", 15),
    "throttle":      (429, "com.attask.common.TooManyRequestsException", "exception.throttle", 16),
    "internal":      (500, "java.lang.RuntimeException", "exception.internal", 1),
    "unavailable":   (503, "com.attask.common.ServiceUnavailableException", "exception.unavailable", 17),
}

AUTH_KINDS = ("auth", "login", "ims_org")

_TITLES = {
    "auth": "Authentication required", "login": "Login failed", "ims_org": "Missing IMS organization",
    "notfound": "Object not found", "nopath": "Not found", "validation": "Validation failed",
    "conflict": "Cannot delete", "throttle": "Too many requests",
}


class ApiError(Exception):
    def __init__(self, kind, message, attributes=None, status=None, headers=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.attributes = attributes or []
        self.status = status
        self.headers = headers or []

    def envelope(self):
        status, cls, key, code = ERRORS[self.kind]
        return {"error": {"class": cls, "message": self.message,
                          "title": _TITLES.get(self.kind), "msgKey": key,
                          "attributes": list(self.attributes), "code": code}}

    def http_status(self, config=None):
        status = self.status or ERRORS[self.kind][0]
        if config:
            if config.get("errors_200"):
                return 200
            if config.get("error_status") and self.kind not in AUTH_KINDS:
                return int(config["error_status"])
        return status


def encode(obj):
    """Workfront's wire format: compact, every non-ASCII character as \\uXXXX
    (UTF-16 surrogate pairs for astral ones) and '/' escaped as '\\/'.  A '/'
    can only occur inside JSON strings, so replacing it afterwards is safe."""
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode("ascii")
