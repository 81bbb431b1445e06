"""Fixed, documented values of the Workfront test server.

Everything a C test may want to assert lives here, so that the tests, the
README and the server agree.  wfserver.py re-exports all of these names.
"""

# --- users -----------------------------------------------------------------
# The admin: logs in with username/password, owns the fixed API key, is the
# subject of the test JWT and the user behind the IMS test token.
ADMIN_USERNAME = "admin@test.example"
ADMIN_PASSWORD = "s3cret-Pa55"
ADMIN_API_KEY = "adminapikey0123456789abcdef0000"
ADMIN_USER_ID = "4c76ed7a0000054c172b2c2d9f7f81c3"
ADMIN_NAME = "Admin User"

# A plain second user (not an admin).
JANE_USERNAME = "jane.doe@test.example"
JANE_PASSWORD = "Jane-Pa55"
JANE_USER_ID = "5a1b2c3d00000a11b0b0c0c0d0d0e0e1"
JANE_NAME = 'Jane "JD" Doe'

# A user whose name and password are full of characters that must be
# percent-encoded in a query string or form body.
ZOE_USERNAME = "zoe.obrien@test.example"
ZOE_PASSWORD = "p@ss w0rd&=+%#?/:$ \u65e5\u672c\U0001F680"   # "p@ss w0rd&=+%#?/:$ 日本🚀"
ZOE_USER_ID = "6b2c3d4e00000b22c1c1d1d1e1e1f1f2"
ZOE_NAME = "Zo\u00eb O'Brien-\u0141ukasiewicz"               # "Zoë O'Brien-Łukasiewicz"

# Every other generated user has this password (their usernames are
# user01@test.example ... user17@test.example).
OTHER_USER_PASSWORD = "user-Pa55"

# --- OAuth2 / JWT / IMS ----------------------------------------------------
OAUTH_CLIENT_ID = "test-client"
OAUTH_CLIENT_SECRET = "test-client-secret"
OAUTH_AUTH_CODE = "test-auth-code"          # reusable authorization code
JWT_CUSTOMER_ID = "test-customer"           # the JWT "iss" claim
IMS_TOKEN = "test-ims-token"                # Authorization: Bearer <this>
IMS_ORG = "TESTORG@AdobeOrg"                # x-gw-ims-org-id: <this>
DEFAULT_TOKEN_TTL = 3600                    # expires_in of issued tokens
# OAuth Server-to-Server credential (Adobe Developer Console) of the IMS
# token endpoint POST /ims/token/v3; its tokens act as the admin.
IMS_CLIENT_ID = "test-ims-client"
IMS_CLIENT_SECRET = "test-ims-secret-p@ss/w0rd+="
IMS_SCOPES = "openid,AdobeID,additional_info.projectedProductContext"
DEFAULT_IMS_TOKEN_TTL = 86399               # expires_in of IMS tokens (24 h)

# --- named test objects ----------------------------------------------------
FIRST_PROJECT_ID = "4c78821c0000d6fa8d5e52f07a1d54d0"
FIRST_PROJECT_NAME = "First Project"
SECOND_PROJECT_ID = "4c78821c0000d6fa8d5e52f07a1d54d9"
SECOND_PROJECT_NAME = "Second Project"

# Awkward task names: exact strings, all in FIRST_PROJECT, all with these IDs.
AWKWARD_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d1"
AWKWARD_TASK_NAME = 'Quote " Backslash \\ Slash / Tab \t Emoji \U0001F680 CJK \u65e5\u672c'
CONTROL_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d2"
CONTROL_TASK_NAME = "Control \x01 and \x1f, newline\nand CR\r end"
CJK_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d3"
CJK_TASK_NAME = "\u65e5\u672c\u8a9e\u306e\u30bf\u30b9\u30af"          # 日本語のタスク
EMOJI_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d4"
EMOJI_TASK_NAME = "Launch \U0001F680 and astronaut \U0001F469\u200D\U0001F680"
RTL_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d5"
RTL_TASK_NAME = "\u0645\u0647\u0645\u0629 \u0628\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e9\u05dc\u05d5\u05dd"  # Arabic + Hebrew
SEPARATOR_TASK_ID = "4c78821c0000d6fa8d5e52f07a1d54d6"
SEPARATOR_TASK_NAME = "Line\u2028Separator\u2029Paragraph"
# The awkward task's description exercises the same escapes plus JSON-ish text.
AWKWARD_TASK_DESCRIPTION = ('{"not":"json"} </script> \\u0041 literal, "quoted", '
                            'back\\slash, tab\t, NUL-free \x07 bell, \u00e9\u00e8 \U0001F600')

AWKWARD_ISSUE_ID = "4c78821c0000d6fa8d5e52f07a1d54d7"
AWKWARD_ISSUE_NAME = 'Issue with "quotes" & <html> / slashes \\ and \U0001F4A5'

# A chain of nested tasks (parent links) to exercise the field-depth limit:
# DEPTH_CHAIN_IDS[k] is named "Depth chain <k+1>" and its parent is
# DEPTH_CHAIN_IDS[k-1].  "parent:parent:parent:parent:name" (4 hops) is the
# deepest allowed field; 5 hops is an error.
DEPTH_CHAIN_IDS = ["4c78821c0000d6fa8d5e52f07a1d5%03x" % (0x100 + k) for k in range(6)]

# --- limits ----------------------------------------------------------------
DEFAULT_LIMIT = 100          # $$LIMIT when absent
MAX_LIMIT = 2000             # $$LIMIT above this is an error (HTTP 200)
MAX_FIELD_DEPTH = 4          # reference hops in fields / filters
MAX_BULK = 100               # objects per bulk create/edit request
MAX_BATCH = 100              # uri= items per /batch
MAX_URI = 8892               # request-target bytes before the CDN's 414
MAX_FORM_BODY = 32 << 20     # urlencoded body cap (413 above)
MAX_UPLOAD = 1 << 30         # multipart upload cap (413 above)
DEFAULT_TASKS = 10000

# The customer ID the event subscription service reports.
CUSTOMER_ID_FOR_SUBS = "504f9640000013401be513579fbebffa"
# The seeded document whose current version (v2.0) is 20 MiB.
BIG_DOC_SIZE = 20 << 20
