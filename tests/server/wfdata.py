"""Schema, deterministic test data and the in-memory store.

Rows are plain dicts keyed by field name.  Custom data ("DE:" fields) lives
in row["_params"], privately owned collections (project.accessRules) in
row["_" + name]; keys starting with "_" are never sent as they are.

Data is generated from fixed seeds, one random stream per object type, so
the projects, users and issues are the same whatever --tasks says and two
runs of the server hand out the same IDs.
"""

import datetime
import functools
import random
import re
import time

from wfconst import *  # noqa: F401,F403  (names documented in wfconst.py)

# ---------------------------------------------------------------------------
# Dates.  Workfront writes "2017-03-24T17:00:00:000+0400": milliseconds after
# a colon and a +HHMM offset.  Rows store that text; comparisons parse it.
# ---------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[:.](\d{1,6}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_REL_RE = re.compile(r"^\$\$(TODAY|NOW)\s*(?:([+-])\s*(\d+)\s*([hdwmyHDWMY]))?$")


def fmt_date(dt):
    """datetime (aware) -> Workfront date text."""
    off = dt.utcoffset() or datetime.timedelta(0)
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    return "%04d-%02d-%02dT%02d:%02d:%02d:%03d%s%02d%02d" % (
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
        dt.microsecond // 1000, sign, mins // 60, mins % 60)


@functools.lru_cache(maxsize=65536)
def parse_date(text):
    """Workfront/ISO date or $$TODAY/$$NOW[+-N unit] -> aware datetime, or None."""
    if text is None:
        return None
    s = str(text).strip()
    m = _REL_RE.match(s)
    if m:
        now = datetime.datetime.now(datetime.timezone.utc)
        base = now if m.group(1) == "NOW" else now.replace(hour=0, minute=0, second=0, microsecond=0)
        if m.group(2):
            n = int(m.group(3)) * (1 if m.group(2) == "+" else -1)
            unit = m.group(4).lower()
            if unit == "h":
                base += datetime.timedelta(hours=n)
            elif unit == "d":
                base += datetime.timedelta(days=n)
            elif unit == "w":
                base += datetime.timedelta(weeks=n)
            elif unit in ("m", "y"):
                months = n if unit == "m" else 12 * n
                y, mo = divmod(base.month - 1 + months, 12)
                base = base.replace(year=base.year + y, month=mo + 1, day=min(base.day, 28))
        return base
    m = _DATE_RE.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, tz = m.groups()
    if tz is None or tz == "Z":
        tzinfo = datetime.timezone.utc
    else:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        tzinfo = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    micro = int((frac or "0").ljust(6, "0")[:6])
    try:
        return datetime.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0),
                                 micro, tzinfo)
    except ValueError:
        return None


def date_key(text):
    """Sortable/comparable number for a date value (seconds since epoch)."""
    dt = parse_date(text)
    return None if dt is None else dt.timestamp()


# The clock writes read (entryDate, lastUpdateDate); the frozen_now test
# switch stops it, so tests can give many objects one timestamp.
FROZEN_NOW = None


def now_text():
    if FROZEN_NOW:
        return FROZEN_NOW
    return fmt_date(datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=-6))).replace(microsecond=0))


# ---------------------------------------------------------------------------
# Schema.  Field types: string, int, double, date, bool, enum, id (a 32-hex
# reference field such as projectID).  Reference: name -> (target code, id
# field).  Collection: name -> (target code, foreign-key field on the target)
# or (target code, None) for a privately owned list stored in the row.
# ---------------------------------------------------------------------------

class ObjType:
    def __init__(self, code, label, aliases, fields, refs=None, colls=None, defaults=(),
                 required=(), readonly=(), enums=None, actions=(), queries=(), params=(),
                 copyable=False):
        self.code = code
        self.label = label
        self.aliases = aliases
        self.fields = dict(fields)          # name -> type, in display order
        self.refs = dict(refs or {})
        self.colls = dict(colls or {})
        self.defaults = list(defaults)      # the "most commonly-used subset"
        self.required = list(required)
        self.readonly = set(readonly) | {"ID", "objCode"}
        self.enums = dict(enums or {})
        self.actions = list(actions)
        self.queries = list(queries)
        self.params = dict(params)          # known custom fields: "DE:x" -> type
        self.copyable = copyable

    @property
    def has_name(self):
        return "name" in self.fields

    def basic_fields(self):
        """What a nested reference shows when no subfield is asked for."""
        return [f for f in ("ID", "name", "objCode") if f in self.fields]


_COMMON_DATES = ["entryDate", "lastUpdateDate"]

TASK_FIELDS = [
    ("ID", "string"), ("name", "string"), ("objCode", "string"), ("status", "enum"),
    ("priority", "int"), ("percentComplete", "double"), ("description", "string"),
    ("plannedStartDate", "date"), ("plannedCompletionDate", "date"),
    ("projectedStartDate", "date"), ("projectedCompletionDate", "date"),
    ("actualStartDate", "date"), ("actualCompletionDate", "date"),
    ("entryDate", "date"), ("lastUpdateDate", "date"), ("constraintDate", "date"),
    ("projectID", "id"), ("assignedToID", "id"), ("parentID", "id"),
    ("enteredByID", "id"), ("lastUpdatedByID", "id"),
    ("taskNumber", "int"), ("referenceNumber", "int"), ("numberOfChildren", "int"),
    ("workRequired", "double"), ("actualWork", "double"), ("durationMinutes", "int"),
    ("duration", "double"), ("durationType", "enum"), ("durationUnit", "enum"),
    ("plannedCost", "double"), ("actualCost", "double"), ("estimate", "double"),
    ("progressStatus", "enum"), ("taskConstraint", "enum"), ("color", "string"),
    ("wbs", "string"), ("extRefID", "string"), ("URL", "string"),
    ("isCritical", "bool"), ("isReady", "bool"), ("isDurationLocked", "bool"),
    ("trackingMode", "enum"), ("commitDate", "date"),
]

SCHEMA = {}


def _register(t):
    SCHEMA[t.code] = t


_register(ObjType(
    "PROJ", "Project", ["proj", "project"],
    [("ID", "string"), ("name", "string"), ("objCode", "string"), ("status", "enum"),
     ("priority", "int"), ("percentComplete", "double"), ("description", "string"),
     ("plannedStartDate", "date"), ("plannedCompletionDate", "date"),
     ("projectedCompletionDate", "date"), ("entryDate", "date"), ("lastUpdateDate", "date"),
     ("ownerID", "id"), ("sponsorID", "id"), ("budget", "double"), ("plannedCost", "double"),
     ("actualCost", "double"), ("condition", "enum"), ("referenceNumber", "int"),
     ("extRefID", "string"), ("currency", "string")],
    refs={"owner": ("USER", "ownerID"), "sponsor": ("USER", "sponsorID")},
    colls={"tasks": ("TASK", "projectID"), "issues": ("OPTASK", "projectID"),
           "hours": ("HOUR", "projectID"), "documents": ("DOCU", "projectID"),
           "accessRules": ("ACSRUL", None)},
    defaults=["ID", "name", "objCode", "percentComplete", "plannedCompletionDate",
              "plannedStartDate", "priority", "projectedCompletionDate", "status"],
    required=["name"], readonly=["entryDate", "lastUpdateDate", "referenceNumber"],
    enums={"status": ["CUR", "PLN", "CPL", "ONH", "DED", "APR", "REJ", "IDA"],
           "condition": ["ON", "AR", "IT"]},
    actions=["share", "unshare", "calculateTimeline", "calculateFinance",
             "calculateDataExtension", "approveApproval", "recallApproval", "rejectApproval"],
    params={"DE:Custom Text": "string", "DE:Budget Code": "string", "DE:Custom Number": "double",
            "DE:Custom CheckBoxes": "list"},
    copyable=True))

_register(ObjType(
    "TASK", "Task", ["task"], TASK_FIELDS,
    refs={"project": ("PROJ", "projectID"), "assignedTo": ("USER", "assignedToID"),
          "parent": ("TASK", "parentID"), "enteredBy": ("USER", "enteredByID"),
          "lastUpdatedBy": ("USER", "lastUpdatedByID")},
    colls={"assignments": ("ASSGN", "taskID"), "children": ("TASK", "parentID"),
           "hours": ("HOUR", "taskID"), "documents": ("DOCU", "taskID")},
    defaults=["ID", "name", "objCode", "percentComplete", "plannedCompletionDate",
              "plannedStartDate", "priority", "projectedCompletionDate", "status", "taskNumber"],
    required=["name", "projectID"],
    readonly=["entryDate", "lastUpdateDate", "taskNumber", "referenceNumber", "numberOfChildren",
              "wbs", "enteredByID", "lastUpdatedByID"],
    enums={"status": ["NEW", "INP", "CPL", "CUR", "INP:A", "CPL:A"],
           "durationType": ["A", "C", "D", "E", "S"], "durationUnit": ["M", "H", "D", "W", "T"],
           "progressStatus": ["ON", "LT", "BH", "AR"],
           "taskConstraint": ["ASAP", "ALAP", "FOND", "FIXT", "SNET", "SNLT"],
           "trackingMode": ["AUTO", "USER", "DEP", "SUB"]},
    actions=["move", "markDone", "markNotDone", "calculateTimeline"],
    queries=["myTasks"],
    params={"DE:Custom Text": "string", "DE:Budget Code": "string", "DE:Custom Number": "double",
            "DE:Custom CheckBoxes": "list", "DE:Big Number": "int"},
    copyable=True))

_register(ObjType(
    "OPTASK", "Issue", ["optask", "issue"],
    [("ID", "string"), ("name", "string"), ("objCode", "string"), ("status", "enum"),
     ("priority", "int"), ("severity", "int"), ("percentComplete", "double"),
     ("description", "string"), ("opTaskType", "enum"), ("projectID", "id"),
     ("assignedToID", "id"), ("ownerID", "id"), ("enteredByID", "id"),
     ("entryDate", "date"), ("lastUpdateDate", "date"), ("plannedCompletionDate", "date"),
     ("referenceNumber", "int"), ("workRequired", "double")],
    refs={"project": ("PROJ", "projectID"), "assignedTo": ("USER", "assignedToID"),
          "owner": ("USER", "ownerID"), "enteredBy": ("USER", "enteredByID")},
    colls={"documents": ("DOCU", "opTaskID"), "hours": ("HOUR", "opTaskID")},
    defaults=["ID", "name", "objCode", "percentComplete", "plannedCompletionDate", "priority",
              "status"],
    required=["name", "projectID"],
    readonly=["entryDate", "lastUpdateDate", "referenceNumber", "enteredByID"],
    enums={"status": ["NEW", "INP", "CLS", "RLV", "AWF"],
           "opTaskType": ["BUG", "ISU", "REQ", "CHG", "RSK"]},
    actions=["markDone", "markNotDone"],
    queries=["myRequests"],
    params={"DE:Custom Text": "string", "DE:Budget Code": "string"},
    copyable=True))

_register(ObjType(
    "USER", "User", ["user"],
    [("ID", "string"), ("name", "string"), ("objCode", "string"), ("firstName", "string"),
     ("lastName", "string"), ("username", "string"), ("emailAddr", "string"),
     ("title", "string"), ("phoneNumber", "string"), ("isAdmin", "bool"),
     ("isActive", "bool"), ("timeZone", "string"), ("locale", "string"),
     ("managerID", "id"), ("entryDate", "date"), ("lastLoginDate", "date")],
    refs={"manager": ("USER", "managerID")},
    colls={"assignments": ("ASSGN", "assignedToID")},
    defaults=["ID", "name", "objCode", "emailAddr", "firstName", "lastName", "title", "username"],
    required=["firstName", "lastName", "username"],
    readonly=["entryDate", "lastLoginDate", "name"],
    actions=["getApiKey", "generateApiKey", "clearApiKey"],
    params={"DE:Custom Text": "string"}))

_register(ObjType(
    "HOUR", "Hour", ["hour"],
    [("ID", "string"), ("objCode", "string"), ("hours", "double"), ("entryDate", "date"),
     ("projectID", "id"), ("taskID", "id"), ("opTaskID", "id"), ("ownerID", "id"),
     ("status", "enum"), ("description", "string")],
    refs={"project": ("PROJ", "projectID"), "task": ("TASK", "taskID"),
          "opTask": ("OPTASK", "opTaskID"), "owner": ("USER", "ownerID")},
    defaults=["ID", "objCode", "hours", "entryDate", "projectID", "taskID", "ownerID", "status"],
    required=["hours", "projectID"],
    readonly=["entryDate"],
    enums={"status": ["SUB", "APP", "REJ", "UNS"]}))

_register(ObjType(
    "ASSGN", "Assignment", ["assgn", "assignment"],
    [("ID", "string"), ("objCode", "string"), ("taskID", "id"), ("opTaskID", "id"),
     ("projectID", "id"), ("assignedToID", "id"), ("roleID", "string"),
     ("assignmentPercent", "double"), ("workRequired", "double"), ("status", "enum")],
    refs={"task": ("TASK", "taskID"), "assignedTo": ("USER", "assignedToID"),
          "project": ("PROJ", "projectID")},
    defaults=["ID", "objCode", "assignedToID", "assignmentPercent", "taskID", "status"],
    required=["taskID"],
    enums={"status": ["A", "D", "T"]}))

_register(ObjType(
    "DOCU", "Document", ["docu", "document"],
    [("ID", "string"), ("name", "string"), ("objCode", "string"), ("description", "string"),
     ("docObjCode", "string"), ("objID", "string"), ("handle", "string"),
     ("projectID", "id"), ("taskID", "id"), ("opTaskID", "id"), ("ownerID", "id"),
     ("currentVersionID", "id"), ("entryDate", "date"), ("lastUpdateDate", "date"),
     ("downloadURL", "string")],
    refs={"project": ("PROJ", "projectID"), "task": ("TASK", "taskID"),
          "opTask": ("OPTASK", "opTaskID"), "owner": ("USER", "ownerID"),
          "currentVersion": ("DOCV", "currentVersionID")},
    colls={"versions": ("DOCV", "documentID")},
    defaults=["ID", "name", "objCode", "description", "docObjCode", "objID", "entryDate"],
    required=["name", "docObjCode", "objID"],
    readonly=["entryDate", "lastUpdateDate", "currentVersionID", "projectID", "taskID",
              "opTaskID", "downloadURL"]))

_register(ObjType(
    "DOCV", "Document Version", ["docv", "documentversion"],
    [("ID", "string"), ("objCode", "string"), ("documentID", "id"), ("version", "string"),
     ("fileName", "string"), ("fileSize", "int"), ("handle", "string"),
     ("fileHash", "string"), ("entryDate", "date"), ("downloadURL", "string")],
    refs={"document": ("DOCU", "documentID")},
    defaults=["ID", "objCode", "version", "fileName", "fileSize", "entryDate"]))

_register(ObjType(
    "ACSRUL", "Access Rule", ["acsrul", "accessrule"],
    [("ID", "string"), ("objCode", "string"), ("accessorID", "string"),
     ("accessorObjCode", "string"), ("coreAction", "string"), ("forbiddenActions", "string"),
     ("secondaryActions", "string"), ("ancestorID", "string")],
    defaults=["ID", "objCode", "accessorID", "accessorObjCode", "coreAction"]))

# WORK: the virtual "work item" (tasks and issues) behind /work/myWork.  Only
# named queries and metadata use it; its rows are TASK and OPTASK rows.
_register(ObjType(
    "WORK", "Work", ["work", "workitem"],
    [("ID", "string"), ("name", "string"), ("objCode", "string"), ("status", "enum"),
     ("priority", "int"), ("percentComplete", "double"), ("description", "string"),
     ("plannedCompletionDate", "date"), ("projectID", "id"), ("assignedToID", "id"),
     ("entryDate", "date")],
    refs={"project": ("PROJ", "projectID"), "assignedTo": ("USER", "assignedToID")},
    defaults=["ID", "name", "objCode", "percentComplete", "plannedCompletionDate", "priority",
              "status"],
    queries=["myWork"]))

# JRNLE: journal entries.  Workfront journals changes (changeType A added,
# E edited, D deleted) of the objects its administrator set up for it, the
# object as subObjCode/subObjID (Adobe's "Track hour records with the
# Workfront API"); here every delete is journaled.
_register(ObjType(
    "JRNLE", "Journal Entry", ["jrnle", "journalentry"],
    [("ID", "string"), ("objCode", "string"), ("changeType", "string"), ("subObjCode", "string"),
     ("subObjID", "string"), ("objObjCode", "string"), ("objID", "string"), ("entryDate", "date"),
     ("aux2", "string")],
    defaults=["ID", "objCode", "changeType", "subObjCode", "subObjID", "entryDate"],
    readonly=["changeType", "subObjCode", "subObjID", "objObjCode", "objID", "entryDate", "aux2"]))

# Object types that have rows of their own (everything but the virtual WORK
# and ACSRUL, which lives inside projects).
TABLES = ["PROJ", "TASK", "OPTASK", "USER", "HOUR", "ASSGN", "DOCU", "DOCV", "JRNLE"]

_ALIASES = {}
for _t in SCHEMA.values():
    _ALIASES[_t.code.lower()] = _t.code
    for _a in _t.aliases:
        _ALIASES[_a.lower()] = _t.code


def objcode_for(name):
    """URL object name (any case, objCode or alternate name) -> objCode."""
    return _ALIASES.get(name.lower())


# ---------------------------------------------------------------------------
# Store
# ---------------------------------------------------------------------------

class Store:
    """All rows, with a write journal so a batch or bulk can be rolled back.

    Callers hold the server's data lock around every use.
    """

    def __init__(self, ntasks):
        self.ntasks = ntasks
        self.tables = {code: {} for code in TABLES}
        self._sorted = {}          # code -> rows in ID order (cache)
        self._fk = {}              # (code, field) -> {value: [rows]} (cache)
        self.journal = None        # list of (code, ID, old row or None) while recording
        self.counters = {}         # next taskNumber / referenceNumber
        self.rng = random.Random(424242)   # for IDs of created objects
        generate(self, ntasks)

    # -- reads --
    def get(self, code, oid):
        return self.tables[code].get(oid)

    def rows(self, code):
        rows = self._sorted.get(code)
        if rows is None:
            rows = [self.tables[code][k] for k in sorted(self.tables[code])]
            self._sorted[code] = rows
        return rows

    def children(self, code, field, value):
        idx = self._fk.get((code, field))
        if idx is None:
            idx = {}
            for row in self.rows(code):
                v = row.get(field)
                if v is not None:
                    idx.setdefault(v, []).append(row)
            self._fk[(code, field)] = idx
        return idx.get(value, [])

    # -- writes (all go through _touch so the journal and caches stay right) --
    def _touch(self, code, oid):
        if self.journal is not None:
            old = self.tables[code].get(oid)
            self.journal.append((code, oid, None if old is None else _copy_row(old)))
        self._sorted.pop(code, None)
        for key in [k for k in self._fk if k[0] == code]:
            del self._fk[key]

    def insert(self, code, row):
        self._touch(code, row["ID"])
        self.tables[code][row["ID"]] = row

    def update(self, code, oid, changes):
        self._touch(code, oid)
        self.tables[code][oid].update(changes)

    def delete(self, code, oid):
        self._touch(code, oid)
        del self.tables[code][oid]

    def begin(self):
        """Start recording; returns the previous journal for nesting."""
        prev = self.journal
        self.journal = []
        return prev

    def commit(self, prev):
        if prev is not None:
            prev.extend(self.journal)
        self.journal = prev

    def rollback(self, prev):
        entries, self.journal = self.journal, None
        for code, oid, old in reversed(entries):
            self._touch(code, oid)
            if old is None:
                self.tables[code].pop(oid, None)
            else:
                self.tables[code][oid] = old
        self.journal = prev

    def new_id(self):
        while True:
            oid = "%032x" % self.rng.getrandbits(128)
            if all(oid not in t for t in self.tables.values()):
                return oid

    def next_number(self, key):
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        return n


def _copy_row(row):
    """Copy deep enough that editing the copy never changes the original:
    the custom-data dict, its list values and owned lists of dicts."""
    out = dict(row)
    for k, v in row.items():
        if isinstance(v, dict):
            out[k] = {kk: (list(vv) if isinstance(vv, list) else vv) for kk, vv in v.items()}
        elif isinstance(v, list):
            out[k] = [dict(x) if isinstance(x, dict) else x for x in v]
    return out


def copy_row(row):
    return _copy_row(row)


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

_WORDS = ["design", "review", "build", "test", "deploy", "plan", "audit", "migrate", "refactor",
          "document", "measure", "budget", "release", "verify", "archive", "approve", "draft",
          "research", "train", "support", "optimize", "integrate", "localize", "secure"]
_NOUNS = ["homepage", "API", "database", "campaign", "brochure", "invoice", "dashboard",
          "onboarding", "report", "backlog", "website", "newsletter", "pipeline", "contract",
          "launch", "survey", "catalogue", "workflow", "server", "logo"]
_PROJECT_WORDS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel",
                  "India", "Juliett", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa"]
_OFFSETS = [datetime.timezone(datetime.timedelta(hours=h, minutes=m)) for h, m in
            [(-6, 0), (-6, 0), (-6, 0), (4, 0), (0, 0), (5, 30), (-3, -30), (9, 0)]]
_BASE = datetime.datetime(2024, 1, 1, 9, 0, 0)

# Users beyond the three named ones: (first, last).  Awkward on purpose.
_USER_NAMES = [
    ("\u5c71\u7530", "\u592a\u90ce"),                  # 山田 太郎
    ("\u0645\u0631\u064a\u0645", "\u0627\u0644\u062d\u0633\u0646"),  # مريم الحسن (RTL)
    ("Rocket \U0001F680", "Rider"),
    ("Back\\slash", "Bob"),
    ("Quinn", "\"Quotes\" McGee"),
    ("Sl/ash", "Stevens"), ("Steve", "Stone"), ("Ana", "M\u00fcller"), ("Bj\u00f6rk", "Gu\u00f0mundsd\u00f3ttir"),
    ("Olu", "Ade\u1e63\u00ednà"), ("Chen", "\u9648"), ("Tab\tbed", "Tom"), ("Priya", "Natarajan"),
    ("Fran\u00e7ois", "L'\u00c9cuyer"), ("Kim", "\ubbfc\uc900"), ("Line", "Break\nLarsen"),
    ("Zed", "Zero"),
]


def _date(rng, day_lo, day_hi, offset=None):
    tz = offset or rng.choice(_OFFSETS)
    d = _BASE + datetime.timedelta(days=rng.randint(day_lo, day_hi),
                                   minutes=rng.randrange(0, 8 * 60, 15))
    return fmt_date(d.replace(tzinfo=tz))


def _rid(rng, used):
    while True:
        oid = "%032x" % rng.getrandbits(128)
        if oid not in used:
            used.add(oid)
            return oid


def generate(store, ntasks):
    used = {ADMIN_USER_ID, JANE_USER_ID, ZOE_USER_ID, FIRST_PROJECT_ID, SECOND_PROJECT_ID,
            AWKWARD_TASK_ID, CONTROL_TASK_ID, CJK_TASK_ID, EMOJI_TASK_ID, RTL_TASK_ID,
            SEPARATOR_TASK_ID, AWKWARD_ISSUE_ID, *DEPTH_CHAIN_IDS}
    T = store.tables

    # -- users --
    rng = random.Random(1001)
    users = []

    def add_user(oid, first, last, username, password, admin=False, title="Specialist"):
        row = {"ID": oid, "name": ("%s %s" % (first, last)).strip(), "objCode": "USER",
               "firstName": first, "lastName": last, "username": username,
               "emailAddr": username, "title": title,
               "phoneNumber": "555-%04d" % rng.randrange(10000), "isAdmin": admin,
               "isActive": True, "timeZone": "America/Denver", "locale": "en_US",
               "managerID": None if admin else ADMIN_USER_ID,
               "entryDate": _date(rng, -900, -400), "lastLoginDate": None,
               "_params": {"DE:Custom Text": None},
               "_password": password, "_apiKey": None}
        T["USER"][oid] = row
        users.append(row)
        return row

    admin = add_user(ADMIN_USER_ID, "Admin", "User", ADMIN_USERNAME, ADMIN_PASSWORD, True,
                     "Operations Specialist")
    admin["_apiKey"] = ADMIN_API_KEY
    admin["phoneNumber"] = "555-1234"
    add_user(JANE_USER_ID, "Jane", '"JD" Doe', JANE_USERNAME, JANE_PASSWORD)["name"] = JANE_NAME
    z = add_user(ZOE_USER_ID, "Zo\u00eb", "O'Brien-\u0141ukasiewicz", ZOE_USERNAME, ZOE_PASSWORD)
    z["name"] = ZOE_NAME
    for i, (first, last) in enumerate(_USER_NAMES, 1):
        add_user(_rid(rng, used), first, last, "user%02d@test.example" % i, OTHER_USER_PASSWORD)
    user_ids = [u["ID"] for u in users]

    # -- projects --
    rng = random.Random(2002)
    projects = []
    for i in range(50):
        if i == 0:
            oid, name = FIRST_PROJECT_ID, FIRST_PROJECT_NAME
        elif i == 1:
            oid, name = SECOND_PROJECT_ID, SECOND_PROJECT_NAME
        else:
            oid = _rid(rng, used)
            name = "Project %03d \u2013 %s %s" % (i, rng.choice(_PROJECT_WORDS), rng.choice(_NOUNS))
        tz = rng.choice(_OFFSETS)
        start = rng.randint(-300, 60)
        row = {"ID": oid, "name": name, "objCode": "PROJ",
               "status": rng.choice(["CUR", "CUR", "CUR", "PLN", "CPL", "ONH"]),
               "priority": rng.randint(0, 4), "percentComplete": round(rng.uniform(0, 100), 2),
               "description": rng.choice([None, "", "Project %d / phase %d" % (i, rng.randint(1, 4))]),
               "plannedStartDate": _date(rng, start, start, tz),
               "plannedCompletionDate": _date(rng, start + 30, start + 200, tz),
               "projectedCompletionDate": _date(rng, start + 30, start + 220, tz),
               "entryDate": _date(rng, start - 60, start - 1, tz),
               "lastUpdateDate": _date(rng, -10, 0, tz),
               "ownerID": rng.choice(user_ids), "sponsorID": rng.choice(user_ids + [None]),
               "budget": round(rng.uniform(1e4, 5e7), 2),
               "plannedCost": round(rng.uniform(1e4, 9.9e9), 2),
               "actualCost": round(rng.uniform(0, 1e9), 2),
               "condition": rng.choice(["ON", "ON", "AR", "IT"]), "referenceNumber": 1000 + i,
               "extRefID": None if i % 3 else "EXT-%d" % i, "currency": "USD",
               "_params": {"DE:Custom Text": rng.choice([None, "", "alpha", "Beta", "gamma delta"]),
                           "DE:Budget Code": "BC-%04d/Q%d" % (rng.randrange(10000), rng.randint(1, 4)),
                           "DE:Custom Number": round(rng.uniform(0, 100), 1),
                           "DE:Custom CheckBoxes": rng.sample(["first", "second", "third"], rng.randint(0, 3))},
               "_accessRules": []}
        T["PROJ"][oid] = row
        projects.append(row)
    proj_ids = [p["ID"] for p in projects]
    store.counters["PROJ.ref"] = 1000 + len(projects)

    # -- tasks --
    rng = random.Random(3003)
    specials = [(AWKWARD_TASK_ID, AWKWARD_TASK_NAME), (CONTROL_TASK_ID, CONTROL_TASK_NAME),
                (CJK_TASK_ID, CJK_TASK_NAME), (EMOJI_TASK_ID, EMOJI_TASK_NAME),
                (RTL_TASK_ID, RTL_TASK_NAME), (SEPARATOR_TASK_ID, SEPARATOR_TASK_NAME)]
    specials += [(oid, "Depth chain %d" % (k + 1)) for k, oid in enumerate(DEPTH_CHAIN_IDS)]
    task_rows = []
    per_project = {}
    statuses = ["NEW", "NEW", "INP", "INP", "INP:A", "CPL", "CPL", "CUR"]
    pstatus = ["ON", "ON", "ON", "LT", "BH", "AR"]
    durtypes = ["A", "C", "D", "E", "S"]
    for i in range(ntasks):
        if i < len(specials):
            oid, name = specials[i]
            proj = FIRST_PROJECT_ID
        else:
            oid = _rid(rng, used)
            name = "%s the %s #%d" % (rng.choice(_WORDS).capitalize(), rng.choice(_NOUNS), i)
            proj = proj_ids[rng.randrange(len(proj_ids))]
        num = per_project[proj] = per_project.get(proj, 0) + 1
        tz = rng.choice(_OFFSETS)
        start = rng.randint(-400, 200)
        length = rng.randint(0, 90)
        status = rng.choice(statuses)
        work = round(rng.uniform(0, 16000), 2)
        d = rng.random()
        desc = None if d < 0.3 else ("" if d < 0.45 else
                                     "Step %d: %s the %s, see https://example.com/tasks/%d" %
                                     (num, rng.choice(_WORDS), rng.choice(_NOUNS), i))
        row = {"ID": oid, "name": name, "objCode": "TASK", "status": status,
               "priority": rng.randint(0, 4),
               "percentComplete": 100.0 if status.startswith("CPL") else float(rng.randrange(0, 100, 5)),
               "description": desc,
               "plannedStartDate": _date(rng, start, start, tz),
               "plannedCompletionDate": _date(rng, start + length, start + length, tz),
               "projectedStartDate": _date(rng, start, start + 3, tz),
               "projectedCompletionDate": _date(rng, start + length, start + length + 10, tz),
               "actualStartDate": None if status == "NEW" else _date(rng, start, start + 2, tz),
               "actualCompletionDate": _date(rng, start + length, start + length + 5, tz)
               if status.startswith("CPL") else None,
               "entryDate": _date(rng, start - 30, start, tz),
               "lastUpdateDate": _date(rng, -30, 0, tz),
               "constraintDate": None,
               "projectID": proj,
               "assignedToID": None if rng.random() < 0.2 else user_ids[rng.randrange(len(user_ids))],
               "parentID": None,
               "enteredByID": ADMIN_USER_ID, "lastUpdatedByID": user_ids[rng.randrange(len(user_ids))],
               "taskNumber": num, "referenceNumber": 100000 + i, "numberOfChildren": 0,
               "workRequired": work, "actualWork": round(work * rng.random(), 2),
               "durationMinutes": length * 480, "duration": float(length),
               "durationType": rng.choice(durtypes), "durationUnit": "D",
               "plannedCost": round(rng.uniform(0, 1e10), 2),
               "actualCost": round(rng.uniform(0, 1e9), 2),
               "estimate": round(rng.uniform(0, 500), 2),
               "progressStatus": rng.choice(pstatus), "taskConstraint": "ASAP",
               "color": None if i % 4 else "#%06x" % rng.randrange(1 << 24),
               "wbs": "%d" % num, "extRefID": None if i % 5 else "jira/PROJ-%d" % i,
               "URL": None if i % 7 else "https://example.com/wiki/task/%d" % i,
               "isCritical": rng.random() < 0.1, "isReady": rng.random() < 0.7,
               "isDurationLocked": False, "trackingMode": "AUTO",
               "commitDate": None if i % 9 else _date(rng, start, start + length, tz),
               "_params": {"DE:Custom Text": rng.choice([None, "", "alpha", "Beta", "gamma delta", "ALPHA-2"]),
                           "DE:Budget Code": "BC-%04d/Q%d" % (rng.randrange(10000), rng.randint(1, 4)),
                           "DE:Custom Number": round(rng.uniform(0, 100), 1),
                           "DE:Custom CheckBoxes": rng.sample(["first", "second", "third"], rng.randint(0, 3)),
                           "DE:Big Number": 9007199254740993 + i}}
        T["TASK"][oid] = row
        task_rows.append(row)

    # Fixed values for the special tasks so tests can assert them.
    if ntasks >= len(specials):
        T["TASK"][AWKWARD_TASK_ID].update({"description": AWKWARD_TASK_DESCRIPTION, "priority": 4,
                                           "status": "INP", "percentComplete": 50.0,
                                           "assignedToID": ADMIN_USER_ID})
        T["TASK"][AWKWARD_TASK_ID]["_params"]["DE:Custom Text"] = AWKWARD_TASK_NAME
        for k in range(1, len(DEPTH_CHAIN_IDS)):
            T["TASK"][DEPTH_CHAIN_IDS[k]]["parentID"] = DEPTH_CHAIN_IDS[k - 1]
    # Some ordinary parent/child structure: every 25th task adopts the next two
    # tasks of the same project.
    last_parent = {}
    for i, row in enumerate(task_rows[len(specials):], len(specials)):
        p = row["projectID"]
        if i % 25 == 0:
            last_parent[p] = (row, 2)
        elif p in last_parent and last_parent[p][1] > 0:
            parent, left = last_parent[p]
            row["parentID"] = parent["ID"]
            last_parent[p] = (parent, left - 1)
    for row in task_rows:
        if row["parentID"]:
            T["TASK"][row["parentID"]]["numberOfChildren"] += 1
    for p, n in per_project.items():
        store.counters["TASK#" + p] = n
    store.counters["TASK.ref"] = 100000 + ntasks

    # -- assignments: one per assigned task, a second one now and then --
    rng = random.Random(4004)
    for row in task_rows:
        if row["assignedToID"]:
            who = [row["assignedToID"]]
            if rng.random() < 0.1:
                who.append(user_ids[rng.randrange(len(user_ids))])
            for w in who:
                aid = _rid(rng, used)
                T["ASSGN"][aid] = {"ID": aid, "objCode": "ASSGN", "taskID": row["ID"],
                                   "opTaskID": None, "projectID": row["projectID"],
                                   "assignedToID": w, "roleID": None,
                                   "assignmentPercent": 100.0 / len(who),
                                   "workRequired": row["workRequired"] / len(who), "status": "A"}

    # -- issues --
    rng = random.Random(5005)
    for i in range(500):
        oid = AWKWARD_ISSUE_ID if i == 0 else _rid(rng, used)
        name = AWKWARD_ISSUE_NAME if i == 0 else "%s: %s %s" % (
            rng.choice(["Bug", "Request", "Question", "Risk"]), rng.choice(_WORDS), rng.choice(_NOUNS))
        proj = FIRST_PROJECT_ID if i == 0 else proj_ids[rng.randrange(len(proj_ids))]
        d = rng.random()
        T["OPTASK"][oid] = {
            "ID": oid, "name": name, "objCode": "OPTASK",
            "status": rng.choice(["NEW", "NEW", "INP", "CLS", "RLV"]),
            "priority": rng.randint(0, 4), "severity": rng.randint(1, 5),
            "percentComplete": float(rng.randrange(0, 101, 10)),
            "description": None if d < 0.3 else ("" if d < 0.4 else "Reported by \u201c%s\u201d\n\tsee log C:\\logs\\%d.txt" % (rng.choice(_NOUNS), i)),
            "opTaskType": rng.choice(["BUG", "ISU", "REQ", "CHG", "RSK"]),
            "projectID": proj, "assignedToID": rng.choice(user_ids + [None, None]),
            "ownerID": rng.choice(user_ids), "enteredByID": rng.choice(user_ids),
            "entryDate": _date(rng, -200, 0), "lastUpdateDate": _date(rng, -20, 0),
            "plannedCompletionDate": _date(rng, 0, 90), "referenceNumber": 500000 + i,
            "workRequired": round(rng.uniform(0, 4800), 2),
            "_params": {"DE:Custom Text": rng.choice([None, "", "alpha", "Beta"]),
                        "DE:Budget Code": "BC-%04d" % rng.randrange(10000)}}
    store.counters["OPTASK.ref"] = 500500

    # -- hours (for reports: project:name grouping, hours sums) --
    rng = random.Random(6006)
    tasks_by_project = {}
    for row in task_rows:
        tasks_by_project.setdefault(row["projectID"], []).append(row["ID"])
    # The first seven match the API basics page's report example exactly:
    # First Project 15 hours, Second Project 30; the rest go to other projects.
    for i in range(1000):
        proj = proj_ids[rng.randrange(2, len(proj_ids))] if i >= 7 else (FIRST_PROJECT_ID if i < 3 else SECOND_PROJECT_ID)
        tids = tasks_by_project.get(proj)
        oid = _rid(rng, used)
        T["HOUR"][oid] = {"ID": oid, "objCode": "HOUR",
                          "hours": [5.0, 5.0, 5.0, 10.0, 10.0, 5.0, 5.0][i] if i < 7 else rng.choice([0.25, 0.5, 1.0, 1.5, 2.0, 4.0, 7.5, 8.0]),
                          "entryDate": _date(rng, -120, 0), "projectID": proj,
                          "taskID": tids[rng.randrange(len(tids))] if tids and rng.random() < 0.8 else None,
                          "opTaskID": None, "ownerID": rng.choice(user_ids),
                          "status": rng.choice(["SUB", "APP", "APP", "REJ"]),
                          "description": None}

    # -- documents: a few, with made-up handles --
    rng = random.Random(7007)
    for i in range(5):
        did, vid = _rid(rng, used), _rid(rng, used)
        fname = ["spec.pdf", "budget 2024.xlsx", "\u65e5\u672c\u8a9e.docx", "notes/readme.txt", "logo \U0001F680.png"][i]
        T["DOCU"][did] = {"ID": did, "name": fname, "objCode": "DOCU", "description": None,
                          "docObjCode": "PROJ", "objID": FIRST_PROJECT_ID, "handle": "%032x" % rng.getrandbits(128),
                          "projectID": FIRST_PROJECT_ID, "taskID": None, "opTaskID": None,
                          "ownerID": ADMIN_USER_ID, "currentVersionID": vid,
                          "entryDate": _date(rng, -50, 0), "lastUpdateDate": _date(rng, -5, 0)}
        T["DOCU"][did]["downloadURL"] = "/document/download?ID=%s" % did
        T["DOCV"][vid] = {"ID": vid, "objCode": "DOCV", "documentID": did, "version": "v1.0",
                          "fileName": fname, "fileSize": rng.randrange(100, 100000),
                          "handle": T["DOCU"][did]["handle"], "fileHash": None,
                          "entryDate": T["DOCU"][did]["entryDate"],
                          "downloadURL": "/document/download?ID=%s&versionID=%s" % (did, vid)}
    # The first document has a second, current version of 20 MiB (downloads
    # in bounded memory); its own generator keeps every other ID as it was.
    rng = random.Random(7008)
    did = next(iter(T["DOCU"]))
    vid = _rid(rng, used)
    T["DOCV"][vid] = {"ID": vid, "objCode": "DOCV", "documentID": did, "version": "v2.0",
                      "fileName": "spec-v2.pdf", "fileSize": BIG_DOC_SIZE,
                      "handle": T["DOCU"][did]["handle"], "fileHash": None,
                      "entryDate": T["DOCU"][did]["lastUpdateDate"],
                      "downloadURL": "/document/download?ID=%s&versionID=%s" % (did, vid)}
    T["DOCU"][did]["currentVersionID"] = vid


if __name__ == "__main__":
    t0 = time.time()
    s = Store(DEFAULT_TASKS)
    print("generated in %.2fs" % (time.time() - t0), {k: len(v) for k, v in s.tables.items()})
