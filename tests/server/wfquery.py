"""Reads: fields projection, filters, sorting, paging and reports.

Everything here works on a Store (wfdata) and raises ApiError (wferrors) for
bad requests.  Semantics chosen where Workfront's documentation is silent are
written next to the code that implements them.
"""

import json
import re

from wfconst import MAX_FIELD_DEPTH, MAX_LIMIT, DEFAULT_LIMIT
from wfdata import SCHEMA, date_key
from wferrors import ApiError

# Parameters that are never filters.  username/password/apiKey/sessionID are
# consumed by authentication before filters are read, exactly the pitfall the
# API basics page describes (use filters={"username":...} instead).
RESERVED = {"fields", "method", "sessionID", "apiKey", "username", "password", "filters",
            "map", "updates", "action", "id", "force", "copySourceID", "jsonp", "callback",
            "uri", "atomic", "concurrent", "_", "$$LIMIT", "$$FIRST", "$$ROLLUP"}

# ---------------------------------------------------------------------------
# Field paths
# ---------------------------------------------------------------------------


def split_path(text):
    """'project:owner:DE:Custom Text' -> ['project', 'owner', 'DE:Custom Text']."""
    parts = text.split(":")
    out = []
    i = 0
    while i < len(parts):
        if parts[i] == "DE" and i + 1 < len(parts):
            out.append("DE:" + ":".join(parts[i + 1:]))  # a custom field name ends the path
            break
        out.append(parts[i])
        i += 1
    return out


def version_label(version):
    """'v22.0' -> 'V22_0' as in Workfront's 'APIModel V22_0 does not support field ...'."""
    v = (version or "unsupported").lstrip("vV")
    return "V" + v.replace(".", "_") if v[:1].isdigit() else v


def bad_field(code, name, version):
    return ApiError("invalid_field", "APIModel %s does not support field %s (%s)"
                    % (version_label(version), name, SCHEMA[code].label), attributes=[name])


class Resolved:
    """What a path ends in: ('field', type) | ('ref', target) | ('coll', target) | ('param', type)."""

    def __init__(self, kind, type_or_code, hops):
        self.kind = kind
        self.type = type_or_code
        self.hops = hops


def resolve_path(code, segs, version, what="field"):
    """Validate a path against the schema; returns Resolved for its last segment."""
    t = SCHEMA[code]
    hops = 0
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg.startswith("DE:"):
            if not last:
                raise bad_field(t.code, seg, version)
            return Resolved("param", t.params.get(seg, "string"), hops)
        if seg in t.fields:
            if not last:
                raise bad_field(t.code, ":".join(segs[i:]), version)
            return Resolved("field", t.fields[seg], hops)
        if seg == "parameterValues" and last:
            return Resolved("pv", None, hops)
        if seg in t.refs or seg in t.colls:
            hops += 1
            if hops > MAX_FIELD_DEPTH:
                raise ApiError("depth", "Field %s is more than %d levels away from %s"
                               % (":".join(segs), MAX_FIELD_DEPTH, SCHEMA[code].label),
                               attributes=[":".join(segs)])
            kind = "ref" if seg in t.refs else "coll"
            target = (t.refs[seg] if kind == "ref" else t.colls[seg])[0]
            if last:
                return Resolved(kind, target, hops)
            t = SCHEMA[target]
            continue
        raise bad_field(t.code, seg, version)
    raise bad_field(code, ":".join(segs), version)


def follow(store, code, row, seg):
    """One reference or collection hop: returns a list of (code, row)."""
    t = SCHEMA[code]
    if seg in t.refs:
        target, idf = t.refs[seg]
        oid = row.get(idf)
        other = store.get(target, oid) if oid else None
        return [(target, other)] if other is not None else []
    target, fk = t.colls[seg]
    if fk is None:
        return [(target, r) for r in row.get("_" + seg, [])]
    return [(target, r) for r in store.children(target, fk, row["ID"])]


def row_value(code, row, seg):
    if seg.startswith("DE:"):
        return row.get("_params", {}).get(seg)
    return row.get(seg)


def path_values(store, code, row, segs):
    """All values a (validated) path reaches from row; [None] when it reaches nothing."""
    if len(segs) == 1:
        v = row_value(code, row, segs[0])
        if isinstance(v, list):
            return list(v) if v else [None]
        return [v]
    out = []
    for c2, r2 in follow(store, code, row, segs[0]):
        out.extend(path_values(store, c2, r2, segs[1:]))
    return out or [None]


# ---------------------------------------------------------------------------
# fields=  ->  projection tree
# ---------------------------------------------------------------------------


def parse_fields(code, text, version):
    """Comma list -> tree {name: subtree-or-None}; None when no fields were given."""
    if text is None:
        return None
    tree = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        segs = split_path(item)
        # '*' may end any path: 'project:*'.
        star = segs[-1] == "*"
        if star:
            if len(segs) > 1:
                resolve_path(code, segs[:-1], version)
        else:
            resolve_path(code, segs, version)
        node = tree
        for seg in segs[:-1]:
            sub = node.get(seg)
            if sub is None:
                sub = node[seg] = {}
            node = sub
        node.setdefault(segs[-1], None if (star or segs[-1].startswith("DE:")) else {})
    return tree


def project(store, code, row, tree):
    """Row -> output dict.  tree None: the default field set of the type."""
    t = SCHEMA[code]
    if tree is None:
        names = t.defaults
        tree = {}
    else:
        names = t.basic_fields() + [k for k in tree if k not in ("ID", "name", "objCode")]
    out = {}
    for name in names:
        if name == "*":
            for f in t.fields:
                if f not in out:
                    out[f] = row.get(f)
        elif name in t.fields:
            out[name] = row.get(name)
        elif name.startswith("DE:"):
            params = row.get("_params", {})
            if name in params:   # custom fields not on the object are left out, like Workfront
                out[name] = params[name]
        elif name == "parameterValues":
            out[name] = {k: v for k, v in row.get("_params", {}).items()}
        elif name in t.refs:
            hit = follow(store, code, row, name)
            out[name] = project(store, hit[0][0], hit[0][1], tree.get(name) or {}) if hit else None
        elif name in t.colls:
            out[name] = [project(store, c2, r2, tree.get(name) or {})
                         for c2, r2 in follow(store, code, row, name)]
    return out


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

# Modifier -> (how many values it takes, case-insensitive?).  "values" are the
# repeated field= parameters; between/notbetween take field_Range as upper end.
MODIFIERS = {
    "eq": 1, "ne": 1, "gte": 1, "gt": 1, "lte": 1, "lt": 1,
    "cieq": 1, "cine": 1,
    "contains": 1, "notcontains": 1, "cicontains": 1, "cinotcontains": 1,
    "like": 1, "notlike": 1, "cilike": 1, "cinotlike": 1,
    "between": 1, "notbetween": 1, "cibetween": 1, "cinotbetween": 1,
    "in": "*", "notin": "*", "ciin": "*", "cinotin": "*",
    "isnull": 0, "notnull": 0, "isblank": 0, "notblank": 0, "blank": 0,
    # bitwise (integer fields): this server's reading of the modifiers Workfront
    # lists without defining them -- bitwiseand: all bits of the value set;
    # bitwiseor: any bit set; bitwisenand: not all set; bitwisenor: none set.
    "bitwiseand": 1, "bitwiseor": 1, "bitwisenand": 1, "bitwisenor": 1,
    # multi-value text modifiers (Workfront's text-mode filters list the ci
    # forms): each repeated value is a case-insensitive substring (for a
    # multi-select custom field: an option).
    "cicontainsall": "*", "cicontainsany": "*", "cinotcontainsall": "*", "cinotcontainsany": "*",
    "containsall": "*", "containsany": "*", "notcontainsall": "*", "notcontainsany": "*",
}
MOD_ALIASES = {"null": "isnull", "isnotnull": "notnull", "isnotblank": "notblank", "blank": "isblank"}


class Filter:
    def __init__(self, path, segs, ftype, mod, values, rng):
        self.path, self.segs, self.type, self.mod = path, segs, ftype, mod
        self.values, self.range = values, rng


def _coerce(ftype, text, path):
    """Filter value text -> comparable value for the field type."""
    if text is None:
        return None
    if ftype in ("int", "double"):
        try:
            return float(text)
        except (TypeError, ValueError):
            raise ApiError("bad_value", "Invalid number '%s' for filter %s" % (text, path),
                           attributes=[path])
    if ftype == "date":
        k = date_key(text)
        if k is None:
            raise ApiError("bad_value", "Invalid date '%s' for filter %s" % (text, path),
                           attributes=[path])
        return k
    if ftype == "bool":
        return str(text).lower() in ("true", "1", "yes")
    return str(text)


def _cmp_value(ftype, v):
    """Stored value -> comparable value (same domain as _coerce)."""
    if v is None:
        return None
    if ftype == "date":
        return date_key(v)
    if ftype in ("int", "double"):
        return float(v) if not isinstance(v, bool) else float(v)
    if ftype == "bool":
        return bool(v)
    return v


def _like_regex(pattern, ci):
    # SQL LIKE with % as the wildcard; every other character is literal.
    rx = ".*".join(re.escape(p) for p in pattern.split("%"))
    return re.compile("^" + rx + "$", re.S | (re.I if ci else 0))


def collect_filters(params, extra=None):
    """Group filter parameters: {group: {path: {'values': [...], 'mod': m, 'range': r}}}.

    Group 0 holds the plain filters, group n the OR:n: ones.  params is the
    ordered (key, value) list; extra is the same list built from filters=JSON.
    """
    groups = {}
    tagged = [(k, v, True) for k, v in params] + [(k, v, False) for k, v in (extra or [])]
    for key, value, from_query in tagged:
        # RESERVED applies to query/form parameters only: inside filters=
        # "username" is a filter like any other (that is what filters= is for).
        if (from_query and key in RESERVED) or key.startswith("$$"):
            continue
        g = 0
        m = re.match(r"^OR:(\d+):(.+)$", key)
        if m:
            g, key = int(m.group(1)), m.group(2)
        if re.search(r"_(\d+_)?(Sort|GroupBy|AggFunc|AggCurrency)$", key):
            continue
        slot = "values"
        if key.endswith("_Mod"):
            key, slot = key[:-4], "mod"
        elif key.endswith("_Range"):
            key, slot = key[:-6], "range"
        ent = groups.setdefault(g, {}).setdefault(key, {"values": [], "mod": None, "range": None})
        if slot == "values":
            ent["values"].append(value)
        else:
            ent[slot] = value
    return groups


def json_filters(text):
    """filters={"name":"x","name_Mod":"contains","status":["NEW","INP"]} -> param list."""
    if text is None:
        return []
    try:
        obj = json.loads(text)
    except ValueError as e:
        raise ApiError("bad_param", "Invalid JSON in filters: %s" % e, attributes=["filters"])
    if not isinstance(obj, dict):
        raise ApiError("bad_param", "filters must be a JSON object", attributes=["filters"])
    out = []
    for k, v in obj.items():
        for item in (v if isinstance(v, list) else [v]):
            if isinstance(item, bool):
                item = "true" if item else "false"
            elif item is None:
                item = ""
            elif not isinstance(item, str):
                item = json.dumps(item)
            out.append((k, item))
    return out


def build_filters(code, params, version):
    """-> list of groups, each a list of Filter (empty groups dropped)."""
    groups = collect_filters(params, json_filters(_first(params, "filters")))
    out = []
    for g in sorted(groups):
        flist = []
        for path, ent in groups[g].items():
            segs = split_path(path)
            res = resolve_path(code, segs, version)
            if res.kind in ("ref", "coll", "pv"):
                raise bad_field(code, path, version)
            mod = (ent["mod"] or "eq").strip().lower()
            mod = MOD_ALIASES.get(mod, mod)
            if mod not in MODIFIERS:
                raise ApiError("modifier", "Unknown modifier '%s' for filter %s" % (ent["mod"], path),
                               attributes=[path])
            ftype = res.type if res.type != "list" else "string"
            if ftype in ("enum", "id"):
                ftype = "string"
            arity = MODIFIERS[mod]
            raw = ent["values"]
            if arity == 1 and not raw:
                raise ApiError("bad_value", "Filter %s with modifier %s needs a value" % (path, mod),
                               attributes=[path])
            if mod in ("between", "notbetween", "cibetween", "cinotbetween") and ent["range"] is None:
                raise ApiError("bad_value", "Filter %s with modifier %s needs %s_Range"
                               % (path, mod, path), attributes=[path])
            if mod.startswith("bitwise") and ftype not in ("int", "double"):
                raise ApiError("modifier", "Modifier %s needs a numeric field, %s is not" % (mod, path),
                               attributes=[path])
            ctype = "string" if mod.startswith("ci") or "contains" in mod or "like" in mod else ftype
            vals = [_coerce(ctype, v, path) for v in (raw if arity == "*" else raw[:1])]
            rng = _coerce(ctype, ent["range"], path) if ent["range"] is not None else None
            flist.append(Filter(path, segs, ftype, mod, vals, rng))
        if flist:
            out.append(flist)
    return out


def _as_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _test(f, cands):
    """Does a filter hold for the candidate values a path reached?

    Null semantics follow SQL: a null (or missing reference) only satisfies
    isnull/isblank; every other modifier, the negative ones included, is
    false for it.  A path through a collection holds when any element does.
    """
    mod = f.mod
    if mod == "isnull":
        return any(c is None for c in cands)
    if mod == "notnull":
        return any(c is not None for c in cands)
    if mod == "isblank":
        return any(c is None or c == "" for c in cands)
    if mod == "notblank":
        return any(c is not None and c != "" for c in cands)
    present = [c for c in cands if c is not None]
    if not present:
        return False
    if mod.endswith(("containsall", "containsany")):
        ci = mod.startswith("ci")
        base = mod[2:] if ci else mod
        texts = [(_as_text(c).lower() if ci else _as_text(c)) for c in present]
        needles = [(v.lower() if ci else v) for v in f.values]
        hit = [any(n in t for t in texts) for n in needles]
        return {"containsall": all(hit), "containsany": any(hit),
                "notcontainsall": not all(hit), "notcontainsany": not any(hit)}[base]
    return any(_test_one(f, c) for c in present)


def _test_one(f, c):
    mod, vals = f.mod, f.values
    if mod.startswith("ci") or "contains" in mod or "like" in mod:
        text = _as_text(c)
        ci = mod.startswith("ci")
        if ci:
            text = text.lower()
            vals = [v.lower() for v in vals]
            mod = mod[2:]
        v = vals[0] if vals else None
        if mod == "eq":
            return text == v
        if mod == "ne":
            return text != v
        if mod == "contains":
            return v in text
        if mod == "notcontains":
            return v not in text
        if mod == "like":
            return bool(_like_regex(v, False).match(text))
        if mod == "notlike":
            return not _like_regex(v, False).match(text)
        if mod == "in":
            return text in vals
        if mod == "notin":
            return text not in vals
        hi = f.range.lower()
        if mod == "between":
            return v <= text <= hi
        if mod == "notbetween":
            return not (v <= text <= hi)
        return False
    c = _cmp_value(f.type, c)
    if c is None:
        return False
    v = vals[0] if vals else None
    try:
        if mod == "eq":
            return c == v
        if mod == "ne":
            return c != v
        if mod == "gt":
            return c > v
        if mod == "gte":
            return c >= v
        if mod == "lt":
            return c < v
        if mod == "lte":
            return c <= v
        if mod == "between":
            return v <= c <= f.range
        if mod == "notbetween":
            return not (v <= c <= f.range)
        if mod == "in":
            return c in vals
        if mod == "notin":
            return c not in vals
        if mod.startswith("bitwise"):
            a, b = int(c), int(v)
            return {"bitwiseand": a & b == b, "bitwiseor": a & b != 0,
                    "bitwisenand": a & b != b, "bitwisenor": a & b == 0}[mod]
    except TypeError:
        return False
    return False


def matches(store, code, row, groups):
    """OR-group semantics from the API basics page: the plain filters form one
    group, every OR:n: prefix another; a row is selected when ANY group holds
    entirely ("Filters are not implied across OR statement levels").  No
    filters at all selects everything."""
    if not groups:
        return True
    for flist in groups:
        if all(_test(f, path_values(store, code, row, f.segs)) for f in flist):
            return True
    return False


# ---------------------------------------------------------------------------
# Sorting and paging
# ---------------------------------------------------------------------------


def parse_sort(code, params, version):
    """-> list of (segs, type, direction) in priority order.

    'x_Sort' keys keep their order of appearance; 'x_N_Sort' sorts by N
    (plain ones count as N=0, before numbered ones with the same N).
    """
    keys = []
    for pos, (key, value) in enumerate(params):
        m = re.match(r"^(.+?)(?:_(\d+))?_Sort$", key)
        if not m or key.startswith("OR:"):
            continue
        path, n = m.group(1), int(m.group(2) or 0)
        d = value.strip().lower()
        if d not in ("asc", "desc", "ciasc", "cidesc"):
            raise ApiError("bad_param", "Invalid sort direction '%s' for %s" % (value, path),
                           attributes=[key])
        segs = split_path(path)
        res = resolve_path(code, segs, version)
        if res.kind not in ("field", "param"):
            raise bad_field(code, path, version)
        keys.append((n, pos, segs, res.type, d))
    keys.sort(key=lambda k: (k[0], k[1]))
    return [(segs, t, d) for _, _, segs, t, d in keys]


def sort_rows(store, code, rows, sort):
    """Stable multi-key sort; rows arrive in ID order, so ID breaks ties.

    Nulls sort last ascending and first descending (Oracle's default).
    """
    for segs, ftype, d in reversed(sort):
        desc = d.endswith("desc")
        ci = d.startswith("ci")

        def key(row, segs=segs, ftype=ftype, ci=ci, desc=desc):
            v = path_values(store, code, row, segs)[0]
            if v is None:
                return (1, 0) if not desc else (0, 0)
            if ftype == "date":
                v = date_key(v) or 0
            elif isinstance(v, str) and ci:
                v = v.lower()
            elif isinstance(v, bool):
                v = int(v)
            elif not isinstance(v, (int, float, str)):
                v = str(v)
            return (0, v) if not desc else (1, v)
        rows.sort(key=key, reverse=desc)
    return rows


def _first(params, key):
    for k, v in params:
        if k == key:
            return v
    return None


def parse_paging(params):
    """$$FIRST / $$LIMIT; a limit above 2000 is Workfront's IllegalArgumentException."""
    def num(key, default):
        v = _first(params, key)
        if v is None or v.strip() == "":
            return default
        try:
            return int(v)
        except ValueError:
            raise ApiError("bad_param", "Invalid value '%s' for %s" % (v, key), attributes=[key])
    first = num("$$FIRST", 0)
    limit = num("$$LIMIT", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        raise ApiError("limit", "The requested limit of %d exceeds the maximum of %d results per "
                       "query (use $$FIRST to page)" % (limit, MAX_LIMIT), attributes=["$$LIMIT"])
    if first < 0 or limit < 0:
        raise ApiError("bad_param", "$$FIRST and $$LIMIT must not be negative",
                       attributes=["$$FIRST" if first < 0 else "$$LIMIT"])
    if limit == 0:
        limit = DEFAULT_LIMIT
    return first, limit


# ---------------------------------------------------------------------------
# Reports:  <path>[_N]_GroupBy=true, <path>[_N]_AggFunc=sum|avg|min|max|count,
# $$ROLLUP=true.  Shape (from the API basics page): an object keyed by the
# group value, each holding "<func>_<path>" aggregates; with several
# groupings the objects nest in grouping order; $$ROLLUP adds a "$$ROLLUP"
# entry with the totals at every level.  Without any AggFunc each group
# reports "count".  A null group value is keyed "" (empty string).
# ---------------------------------------------------------------------------

AGG_FUNCS = ("sum", "avg", "min", "max", "count")


def parse_report(code, params, version):
    groups, aggs = [], []
    for pos, (key, value) in enumerate(params):
        m = re.match(r"^(.+?)(?:_(\d+))?_(GroupBy|AggFunc)$", key)
        if not m or key.startswith("OR:"):
            continue
        path, n, kind = m.group(1), int(m.group(2) or 0), m.group(3)
        segs = split_path(path)
        res = resolve_path(code, segs, version)
        if res.kind not in ("field", "param"):
            raise bad_field(code, path, version)
        if kind == "GroupBy":
            if value.strip().lower() in ("true", "1"):
                groups.append((n, pos, path, segs))
        else:
            f = value.strip().lower()
            if f not in AGG_FUNCS:
                raise ApiError("bad_param", "Unknown aggregate function '%s' for %s" % (value, path),
                               attributes=[key])
            if f != "count" and res.type not in ("int", "double"):
                raise ApiError("bad_param", "Aggregate %s needs a numeric field, %s is not" % (f, path),
                               attributes=[key])
            aggs.append((n, pos, f, path, segs))
    groups.sort(key=lambda g: (g[0], g[1]))
    aggs.sort(key=lambda a: (a[0], a[1]))
    return [(p, s) for _, _, p, s in groups], [(f, p, s) for _, _, f, p, s in aggs]


def _aggregate(store, code, rows, aggs):
    if not aggs:
        return {"count": len(rows)}
    out = {}
    for f, path, segs in aggs:
        vals = [v for r in rows for v in path_values(store, code, r, segs) if v is not None]
        name = "%s_%s" % (f, path)
        if f == "count":
            out[name] = len(vals)
        elif not vals:
            out[name] = None
        elif f == "sum":
            s = sum(vals)
            out[name] = round(s, 6) if isinstance(s, float) else s
        elif f == "avg":
            out[name] = round(sum(vals) / len(vals), 6)
        elif f == "min":
            out[name] = min(vals)
        else:
            out[name] = max(vals)
    return out


def report(store, code, rows, groups, aggs, rollup):
    if not groups:
        return _aggregate(store, code, rows, aggs)
    (path, segs), rest = groups[0], groups[1:]
    buckets = {}
    for r in rows:
        v = path_values(store, code, r, segs)[0]
        k = "" if v is None else (_as_text(v) if not isinstance(v, str) else v)
        buckets.setdefault(k, []).append(r)
    out = {}
    for k in sorted(buckets):
        out[k] = report(store, code, buckets[k], rest, aggs, rollup)
    if rollup:
        out["$$ROLLUP"] = _aggregate(store, code, rows, aggs)
    return out
