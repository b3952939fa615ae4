"""Python binding of libjobmatch over its shared library, with ctypes and the standard library only.

Records, scoring, the streaming matcher and the NDJSON/CSV readers of libjobmatch, in Python
terms: records read from NDJSON lines or dicts, scores as dicts, applications as dicts, readers as
generators, and every libjobmatch error code raised as JobmatchError.

The library is found, in order: the file (or folder) named by $JOBMATCH_LIB; an in-tree build
next to this package (build/lib, then build-py/lib, at the top of the source tree); then
ctypes.util.find_library("jobmatch").

Ownership: every Record owns its C record and frees it when closed or collected. Calls that hand
a record to the library for keeping (Matcher.add) give it a copy, so the caller's Record stays
valid.
"""

import collections
import ctypes
import ctypes.util
import json
import os
import time

__all__ = [
    "JobmatchError", "Record", "Reject", "Matcher", "version", "version_num", "score_pair",
    "make_application", "application_id", "status_draw", "status_for", "read_ndjson", "read_csv",
    "COMPONENTS", "library_path",
]

# The ABI this binding was written against: the library's SONAME number.
_SOVERSION = 0

# ---- finding and loading the library ----------------------------------------------------------


def _candidates():
    env = os.environ.get("JOBMATCH_LIB")
    if env:  # set but empty counts as unset
        if os.path.isdir(env):
            return [os.path.join(env, "libjobmatch.so.%d" % _SOVERSION),
                    os.path.join(env, "libjobmatch.so")], True
        return [env], True
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    paths = []
    for build in ("build", "build-py"):
        for name in ("libjobmatch.so.%d" % _SOVERSION, "libjobmatch.so"):
            paths.append(os.path.join(top, build, "lib", name))
    return paths, False


def _load():
    paths, from_env = _candidates()
    tried = []
    for p in paths:
        if os.path.exists(p) or from_env:
            try:
                return ctypes.CDLL(p), p
            except OSError as e:
                tried.append("%s (%s)" % (p, e))
                if from_env:
                    break
        else:
            tried.append("%s (not found)" % p)
    if not from_env:
        name = ctypes.util.find_library("jobmatch")
        if name:
            try:
                return ctypes.CDLL(name), name
            except OSError as e:
                tried.append("%s (%s)" % (name, e))
        else:
            tried.append("find_library('jobmatch') (not found)")
    raise OSError("jobmatch: cannot load libjobmatch; set JOBMATCH_LIB to its path, build it with "
                  "'make', or install it. Tried: " + "; ".join(tried))


_lib, library_path = _load()

# ---- C types --------------------------------------------------------------------------------

c_int, c_uint, c_double, c_size_t = ctypes.c_int, ctypes.c_uint, ctypes.c_double, ctypes.c_size_t
c_int64, c_uint64, c_ulong, c_char_p = ctypes.c_int64, ctypes.c_uint64, ctypes.c_ulong, ctypes.c_char_p
c_void_p, c_uint32 = ctypes.c_void_p, ctypes.c_uint32
_RecordP = c_void_p  # jm_record *: opaque

JM_KIND_NONE, JM_KIND_JOB_POST, JM_KIND_CANDIDATE, JM_KIND_APPLICATION = 0, 1, 2, 3
_KIND_NAMES = {JM_KIND_JOB_POST: "job_post", JM_KIND_CANDIDATE: "candidate",
               JM_KIND_APPLICATION: "application"}
_KINDS = {v: k for k, v in _KIND_NAMES.items()}
JM_TYPE_STRING, JM_TYPE_NUMBER, JM_TYPE_INTEGER, JM_TYPE_LIST, JM_TYPE_TIME = 1, 2, 3, 4, 5
JM_FORMAT_NDJSON, JM_FORMAT_CSV = 1, 2
JM_EDUP, JM_ECALLBACK = -10, -12
JM_ENOMEM = -1
_INT64_MIN = -(1 << 63)

COMPONENTS = ("category", "skills", "experience", "seniority", "salary")
_NCOMP = len(COMPONENTS)
JM_COMPONENT_MAX = 8  # the fixed room per component in jm_weights and jm_score
JM_TIME_BUF, JM_UUID_BUF = 32, 37


JM_ERROR_SOURCE_BUF, JM_ERROR_TEXT_BUF = 256, 256


# The structs below copy include/jobmatch/*.h field for field (docs/ABI.md); tests/bindings
# checks the versioned ones against the sizes the library reports.
class _Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("line", c_uint64), ("column", c_uint64),
                ("source", ctypes.c_char * JM_ERROR_SOURCE_BUF),
                ("text", ctypes.c_char * JM_ERROR_TEXT_BUF)]


class _Buf(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_char)), ("len", c_size_t), ("cap", c_size_t)]

    def bytes(self):
        return ctypes.string_at(self.data, self.len) if self.len else b""


class _Weights(ctypes.Structure):
    _fields_ = [("weight", c_double * JM_COMPONENT_MAX)]


class _Score(ctypes.Structure):
    _fields_ = [("score", c_int), ("fraction", c_double * JM_COMPONENT_MAX),
                ("points", c_double * JM_COMPONENT_MAX),
                ("family", ctypes.POINTER(ctypes.c_char)), ("family_len", c_size_t),
                ("shared_skills", c_uint)]


class _MatcherOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("weights", _Weights), ("min_score", c_int),
                ("seed", c_uint64), ("top_k", c_uint), ("state_ttl_ms", c_int64),
                ("lateness_ms", c_int64), ("expire_jobs", c_int), ("threads", c_uint),
                ("max_future_ms", c_int64), ("max_state", c_uint64)]


class _MatcherStats(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("records", c_uint64), ("duplicates", c_uint64),
                ("pairs_scored", c_uint64), ("applications", c_uint64), ("evicted", c_uint64),
                ("held_jobs", c_uint64), ("held_candidates", c_uint64),
                ("watermark_ms", c_int64), ("pairs_skipped", c_uint64)]


_ApplicationFn = ctypes.CFUNCTYPE(c_int, c_void_p, _RecordP)
# jm_record_fn receives jm_record **: setting it to NULL takes the record.
_RecordFn = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(_RecordP),
                             ctypes.POINTER(ctypes.c_char), c_size_t, c_ulong)
_RejectFn = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(_Error),
                             ctypes.POINTER(ctypes.c_char), c_size_t)
_RejectPartFn = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(ctypes.c_char), c_size_t)


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_jm_version = _fn("jm_version", c_char_p)
_jm_version_num = _fn("jm_version_num", c_uint)
_jm_strerror = _fn("jm_strerror", c_char_p, c_int)
_jm_err_name = _fn("jm_err_name", c_char_p, c_int)

_jm_record_new = _fn("jm_record_new", _RecordP, c_int, ctypes.POINTER(_Error))
_jm_record_free = _fn("jm_record_free", None, _RecordP)
_jm_record_clone = _fn("jm_record_clone", _RecordP, _RecordP, ctypes.POINTER(_Error))
_jm_record_kind = _fn("jm_record_kind", c_int, _RecordP)
_jm_record_id = _fn("jm_record_id", c_char_p, _RecordP)
_jm_field_name = _fn("jm_field_name", c_char_p, c_int)
_jm_field_type_of = _fn("jm_field_type_of", c_int, c_int)
_jm_field_in_kind = _fn("jm_field_in_kind", c_int, c_int, c_int)
_jm_field_lookup = _fn("jm_field_lookup", c_int, c_int, c_char_p, c_size_t)
_jm_record_has = _fn("jm_record_has", c_int, _RecordP, c_int)
_jm_record_string = _fn("jm_record_string", c_char_p, _RecordP, c_int)
_jm_record_number = _fn("jm_record_number", c_double, _RecordP, c_int)
_jm_record_integer = _fn("jm_record_integer", c_int64, _RecordP, c_int)
_jm_record_list_count = _fn("jm_record_list_count", c_size_t, _RecordP, c_int)
_jm_record_list_item = _fn("jm_record_list_item", c_char_p, _RecordP, c_int, c_size_t)
_jm_record_set_string = _fn("jm_record_set_string", c_int, _RecordP, c_int, c_char_p, c_size_t)
_jm_record_set_number = _fn("jm_record_set_number", c_int, _RecordP, c_int, c_double)
_jm_record_set_integer = _fn("jm_record_set_integer", c_int, _RecordP, c_int, c_int64)
_jm_record_list_append = _fn("jm_record_list_append", c_int, _RecordP, c_int, c_char_p, c_size_t)
_jm_record_list_clear = _fn("jm_record_list_clear", c_int, _RecordP, c_int)
_jm_record_unset = _fn("jm_record_unset", None, _RecordP, c_int)
_jm_time_parse = _fn("jm_time_parse", c_int, c_char_p, c_size_t, ctypes.POINTER(c_int64))
_jm_time_format = _fn("jm_time_format", c_size_t, c_int64, ctypes.c_char_p)
_jm_buf_free = _fn("jm_buf_free", None, ctypes.POINTER(_Buf))

_jm_write_ndjson = _fn("jm_write_ndjson", c_int, _RecordP, ctypes.POINTER(_Buf))
_jm_parse_ndjson = _fn("jm_parse_ndjson", c_int, c_char_p, c_size_t, _RecordP,
                       ctypes.POINTER(_Error))
_jm_reader_new = _fn("jm_reader_new", c_void_p, c_int, c_char_p, c_size_t, _RecordFn, _RejectFn,
                     c_void_p, ctypes.POINTER(_Error))
_jm_reader_set_reject_part = _fn("jm_reader_set_reject_part", None, c_void_p, _RejectPartFn)
_jm_reader_free = _fn("jm_reader_free", None, c_void_p)
_jm_reader_feed = _fn("jm_reader_feed", c_int, c_void_p, c_char_p, c_size_t)
_jm_reader_finish = _fn("jm_reader_finish", c_int, c_void_p)

_jm_weights_default = _fn("jm_weights_default", None, ctypes.POINTER(_Weights))
_jm_weights_parse = _fn("jm_weights_parse", c_int, c_char_p, ctypes.POINTER(_Weights))
_jm_score_pair = _fn("jm_score_pair", c_int, _RecordP, _RecordP, ctypes.POINTER(_Weights),
                     ctypes.POINTER(_Score))
_jm_status_draw = _fn("jm_status_draw", c_double, c_uint64, c_char_p, c_char_p)
_jm_status_for = _fn("jm_status_for", c_char_p, c_int, c_double)
_jm_application_id = _fn("jm_application_id", None, c_char_p, c_char_p, ctypes.c_char_p)
_jm_make_application = _fn("jm_make_application", c_int, _RecordP, _RecordP,
                           ctypes.POINTER(_Weights), c_uint64, c_int64, _RecordP)

_jm_matcher_options_init = _fn("jm_matcher_options_init", None, ctypes.POINTER(_MatcherOptions))
_jm_matcher_new = _fn("jm_matcher_new", c_void_p, ctypes.POINTER(_MatcherOptions), _ApplicationFn,
                      c_void_p, ctypes.POINTER(_Error))
_jm_matcher_free = _fn("jm_matcher_free", None, c_void_p)
_jm_matcher_add_take = _fn("jm_matcher_add_take", c_int, c_void_p, ctypes.POINTER(_RecordP),
                           c_int64)
_jm_matcher_get_stats = _fn("jm_matcher_get_stats", c_int, c_void_p, ctypes.POINTER(_MatcherStats))

if _jm_version_num() >> 16 != _SOVERSION:
    raise ImportError("jobmatch: %s is libjobmatch %s; this binding needs major version %d"
                      % (library_path, _jm_version().decode(), _SOVERSION))

# ---- errors ---------------------------------------------------------------------------------


class JobmatchError(Exception):
    """A libjobmatch error: .code (a negative JM_E... value), .name ("JM_ESYNTAX"), .reason (the
    library's explanation or jm_strerror's text), and where known .source, .line and .column."""

    def __init__(self, code, reason=None, source=None, line=0, column=0):
        self.code = code
        self.name = _jm_err_name(code).decode()
        self.reason = reason or _jm_strerror(code).decode()
        self.source, self.line, self.column = source, line, column
        where = ""
        if source:
            where = "%s:%d: " % (source, line) if line else "%s: " % source
        super().__init__("%s%s (%s)" % (where, self.reason, self.name))


def _check(rc):
    if rc < 0:
        raise JobmatchError(rc)
    return rc


def _made(make, *args):
    """Calls a constructor that takes a trailing jm_error *; raises what it says on failure."""
    err = _Error()
    p = make(*args, ctypes.byref(err))
    if not p:
        if err.code == JM_ENOMEM:
            raise MemoryError("libjobmatch: out of memory")
        raise JobmatchError(err.code, err.text.decode("utf-8", "replace") or None)
    return p


def version():
    """The version of the libjobmatch loaded, e.g. "0.1.0"."""
    return _jm_version().decode()


def version_num():
    """The loaded library's version as 0xMMmmpp."""
    return _jm_version_num()


# ---- records --------------------------------------------------------------------------------


def _text(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def _format_time(ms):
    out = ctypes.create_string_buffer(JM_TIME_BUF)
    n = _jm_time_format(ms, out)
    return out.raw[:n].decode()


def _parse_time(value):
    if isinstance(value, bool):
        raise TypeError("a time is an ISO-8601 string or milliseconds since 1970")
    if isinstance(value, int):
        return value
    b = _text(value)
    ms = c_int64()
    rc = _jm_time_parse(b, len(b), ctypes.byref(ms))
    if rc < 0:
        raise ValueError("not an ISO-8601 time: %r" % (value,))
    return ms.value


def _record_json(ptr):
    buf = _Buf()
    try:
        _check(_jm_write_ndjson(ptr, ctypes.byref(buf)))
        return buf.bytes().decode("utf-8").rstrip("\n")
    finally:
        _jm_buf_free(ctypes.byref(buf))


class Record:
    """One job post, candidate or application.

    Record(source) parses an NDJSON line (str or bytes, one JSON object) or a dict (through
    json.dumps), with the field aliases of docs/FORMAT.md and type inference; Record(kind="job_post") makes an
    empty record to fill with rec[name] = value. Fields are read and set by canonical name (or a
    plain alias); the components of an application are "components.category" and so on. Times
    read as ISO-8601 strings and are set from such strings or from milliseconds since 1970.
    Raises JobmatchError for what libjobmatch rejects.
    """

    __slots__ = ("_ptr", "line", "__weakref__")

    def __init__(self, source=None, *, kind=None):
        self._ptr = None
        self.line = 0  # where a reader found it
        if source is None:
            if kind is None:
                raise TypeError("Record needs an NDJSON line, a dict, or kind=")
            if kind not in _KINDS:
                raise ValueError("unknown record kind %r" % (kind,))
            self._ptr = _made(_jm_record_new, _KINDS[kind])
            return
        if kind is not None:
            raise TypeError("give either a source or kind=, not both")
        if isinstance(source, Record):
            self._ptr = _made(_jm_record_clone, source._handle())
            return
        if isinstance(source, dict):
            line = json.dumps(source, ensure_ascii=False).encode("utf-8")
        elif isinstance(source, (str, bytes, bytearray)):
            line = _text(source).rstrip(b"\r\n")
        else:
            raise TypeError("Record source must be an NDJSON line, a dict or a Record, not %s"
                            % type(source).__name__)
        ptr = _made(_jm_record_new, JM_KIND_NONE)
        err = _Error()
        rc = _jm_parse_ndjson(line, len(line), ptr, ctypes.byref(err))
        if rc < 0:
            _jm_record_free(ptr)
            raise JobmatchError(rc, err.text.decode("utf-8", "replace") or None,
                                column=err.column)
        self._ptr = ptr

    @classmethod
    def _own(cls, ptr):
        r = cls.__new__(cls)
        r._ptr = ptr
        r.line = 0
        return r

    def _handle(self):
        if not self._ptr:
            raise ValueError("the record is closed")
        return self._ptr

    def close(self):
        """Frees the C record now (it is also freed when collected)."""
        ptr, self._ptr = self._ptr, None
        if ptr and _jm_record_free is not None:
            _jm_record_free(ptr)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: module globals may be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def clone(self):
        """A deep copy."""
        return Record(self)

    @property
    def kind(self):
        """"job_post", "candidate" or "application"."""
        return _KIND_NAMES.get(_jm_record_kind(self._handle()), "")

    @property
    def id(self):
        """post_id, candidate_id or application_id by kind; None when unset."""
        s = _jm_record_id(self._handle())
        return None if s is None else s.decode("utf-8")

    def _field(self, name):
        kind = _jm_record_kind(self._handle())
        b = _text(name)
        f = _jm_field_lookup(kind, b, len(b))
        if f < 0:
            raise KeyError(name)
        return f

    def _get(self, f):
        p = self._ptr
        t = _jm_field_type_of(f)
        if t == JM_TYPE_STRING:
            return _jm_record_string(p, f).decode("utf-8")
        if t == JM_TYPE_NUMBER:
            return _jm_record_number(p, f)
        if t == JM_TYPE_INTEGER:
            return _jm_record_integer(p, f)
        if t == JM_TYPE_TIME:
            return _format_time(_jm_record_integer(p, f))
        if t == JM_TYPE_LIST:
            return [_jm_record_list_item(p, f, i).decode("utf-8")
                    for i in range(_jm_record_list_count(p, f))]
        raise AssertionError("field %d has unknown type %d" % (f, t))

    def __getitem__(self, name):
        f = self._field(name)
        if not _jm_record_has(self._ptr, f):
            raise KeyError(name)
        return self._get(f)

    def get(self, name, default=None):
        """The field's value, or default when it is unset or not a field of this kind."""
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name):
        try:
            return bool(_jm_record_has(self._ptr, self._field(name)))
        except KeyError:
            return False

    def __setitem__(self, name, value):
        f = self._field(name)
        p, t = self._ptr, _jm_field_type_of(f)
        if value is None:
            _jm_record_unset(p, f)
            return
        if t == JM_TYPE_STRING:
            b = _text(value)
            rc = _jm_record_set_string(p, f, b, len(b))
        elif t == JM_TYPE_NUMBER:
            rc = _jm_record_set_number(p, f, float(value))
        elif t == JM_TYPE_INTEGER:
            if isinstance(value, bool) or int(value) != value:
                raise ValueError("%s takes an integer" % name)
            rc = _jm_record_set_integer(p, f, int(value))
        elif t == JM_TYPE_TIME:
            rc = _jm_record_set_integer(p, f, _parse_time(value))
        else:
            if isinstance(value, (str, bytes)):
                raise TypeError("%s takes a list of strings" % name)
            items = [_text(v) for v in value]
            rc = _jm_record_list_clear(p, f)
            for b in items:
                if rc == 0:
                    rc = _jm_record_list_append(p, f, b, len(b))
        _check(rc)

    def __delitem__(self, name):
        _jm_record_unset(self._ptr, self._field(name))

    def fields(self):
        """The canonical names of the fields this record holds, in the order records are written."""
        p = self._handle()
        names = []
        f = 0
        while True:
            n = _jm_field_name(f)
            if n is None:
                break
            if _jm_record_has(p, f):
                names.append(n.decode())
            f += 1
        return names

    def to_json(self):
        """The record as one NDJSON line (jm_write_ndjson), without the newline."""
        return _record_json(self._handle())

    def to_dict(self):
        """The record as the dict its NDJSON line decodes to."""
        return json.loads(self.to_json())

    def __eq__(self, other):
        return isinstance(other, Record) and self.to_json() == other.to_json()

    __hash__ = None

    def __repr__(self):
        if not self._ptr:
            return "<jobmatch.Record closed>"
        return "<jobmatch.Record %s %s>" % (self.kind, self.id)


def _as_record(value):
    """A Record for value, and whether it was made here (so the caller may consume it)."""
    if isinstance(value, Record):
        value._handle()
        return value, False
    return Record(value), True


# ---- scoring --------------------------------------------------------------------------------


def _weights(weights):
    if weights is None:
        return None
    w = _Weights()
    _jm_weights_default(ctypes.byref(w))
    if isinstance(weights, (str, bytes)):
        rc = _jm_weights_parse(_text(weights), ctypes.byref(w))
        if rc < 0:
            raise JobmatchError(rc, "invalid weights %r" % (weights,))
        return w
    if isinstance(weights, dict):
        items = weights.items()
    else:
        items = zip(COMPONENTS, weights)
    for name, value in items:
        if name not in COMPONENTS:
            raise ValueError("unknown scoring component %r" % (name,))
        value = float(value)
        if not value >= 0 or value == float("inf"):
            raise ValueError("weight of %s must be finite and >= 0" % name)
        w.weight[COMPONENTS.index(name)] = value
    return w


def _wref(w):
    return None if w is None else ctypes.byref(w)


def score_pair(candidate, job, weights=None):
    """Scores candidate against job (Records, dicts or NDJSON lines) by the score of docs/MATCHING.md.

    weights: None (the default profile), a dict {"skills": 25, ...} over the defaults, five
    numbers in component order, or a "category=30,skills=25" text. Returns None when the two
    are not joined (share no family), else a dict: score, family, shared_skills, fractions and
    points (dicts keyed by component).
    """
    c, _ = _as_record(candidate)
    j, _ = _as_record(job)
    w = _weights(weights)
    s = _Score()
    rc = _check(_jm_score_pair(c._handle(), j._handle(), _wref(w), ctypes.byref(s)))
    if rc == 0:
        return None
    return {
        "score": s.score,
        "family": ctypes.string_at(s.family, s.family_len).decode("utf-8"),
        "shared_skills": s.shared_skills,
        "fractions": dict(zip(COMPONENTS, list(s.fraction)[:_NCOMP])),
        "points": dict(zip(COMPONENTS, list(s.points)[:_NCOMP])),
    }


def _now_ms():
    # Like the CLIs: SOURCE_DATE_EPOCH (seconds), when set, is the clock.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return int(epoch) * 1000
        except ValueError:
            pass
    return int(time.time() * 1000)


def make_application(candidate, job, seed=0, weights=None, time_ms=None):
    """The full application record of a pair (docs/FORMAT.md), or None when not joined.

    seed chooses the status draws; time_ms is the application's timestamp when neither record
    has one (default: now, or $SOURCE_DATE_EPOCH)."""
    c, _ = _as_record(candidate)
    j, _ = _as_record(job)
    w = _weights(weights)
    out = _made(_jm_record_new, JM_KIND_APPLICATION)
    app = Record._own(out)
    rc = _check(_jm_make_application(c._handle(), j._handle(), _wref(w), seed,
                                     _now_ms() if time_ms is None else time_ms, out))
    if rc == 0:
        app.close()
        return None
    return app


def application_id(candidate_id, post_id):
    """The deterministic application_id of (candidate_id, post_id), a UUID string."""
    out = ctypes.create_string_buffer(JM_UUID_BUF)
    _jm_application_id(_text(candidate_id), _text(post_id), out)
    return out.value.decode()


def status_draw(seed, candidate_id, post_id):
    """The uniform draw u in [0, 1) of (seed, candidate_id, post_id) that picks the status."""
    return _jm_status_draw(seed, _text(candidate_id), _text(post_id))


def status_for(score, u):
    """The status for a score and a draw u (docs/MATCHING.md, "The status")."""
    return _jm_status_for(score, u).decode()


# ---- the streaming matcher ------------------------------------------------------------------


class Matcher:
    """The streaming join (docs/MATCHING.md, "The streaming join").

    Options: min_score (30), seed (0), top_k (0: every application), state_ttl_ms (7 days; 0
    keeps everything), lateness_ms (2 minutes), expire_jobs (False), weights (as score_pair),
    max_future_ms (0: no bound; a timestamp further ahead of the clock and of the newest event
    time is refused), max_state (0: no bound; at most this many records held, oldest first out).
    add() offers one job post or candidate and returns the applications it produced, as dicts.
    Use as a context manager, or close(), to free the matcher and the records it holds.
    """

    def __init__(self, min_score=None, seed=None, top_k=None, state_ttl_ms=None,
                 lateness_ms=None, expire_jobs=None, weights=None, max_future_ms=None,
                 max_state=None):
        o = _MatcherOptions()
        _jm_matcher_options_init(ctypes.byref(o))
        if weights is not None:
            o.weights = _weights(weights)
        for name, value in (("min_score", min_score), ("seed", seed), ("top_k", top_k),
                            ("state_ttl_ms", state_ttl_ms), ("lateness_ms", lateness_ms),
                            ("max_future_ms", max_future_ms), ("max_state", max_state)):
            if value is not None:
                if isinstance(value, bool) or int(value) != value or value < 0:
                    raise ValueError("%s must be a whole number >= 0" % name)
                setattr(o, name, int(value))
        if expire_jobs is not None:
            o.expire_jobs = 1 if expire_jobs else 0
        self._out = []
        self._failure = None
        self._cb = _ApplicationFn(self._on_application)  # kept alive as long as the matcher
        err = _Error()
        self._m = _jm_matcher_new(ctypes.byref(o), self._cb, None, ctypes.byref(err))
        if not self._m:
            raise JobmatchError(err.code, err.text.decode("utf-8", "replace"))

    def _on_application(self, ctx, app):
        try:
            self._out.append(_record_json(app))
            return 0
        except BaseException as e:  # an exception cannot cross C; stop the add and re-raise
            self._failure = e
            return JM_ECALLBACK

    def add(self, record, time_ms=None):
        """Offers a job post or candidate (a Record, which stays the caller's, a dict or an
        NDJSON line). time_ms is the clock's reading (default: now, or $SOURCE_DATE_EPOCH): the
        event time of a record without a timestamp before any record with one (later ones take
        the newest event time), and where max_future_ms counts from. Returns the list of
        application dicts it produced, in output order; [] for a duplicate id (counted in
        stats()). Raises JobmatchError for an application, a record of no kind, a missing id,
        or a timestamp past max_future_ms (JM_EVALUE)."""
        if not self._m:
            raise ValueError("the matcher is closed")
        if isinstance(record, Record):
            ptr = _made(_jm_record_clone, record._handle())
        else:
            rec = Record(record)
            ptr, rec._ptr = rec._ptr, None  # handed over below
        self._out = []
        self._failure = None
        # The matcher takes the record whatever it returns (it sets ptr to NULL).
        ptr = _RecordP(ptr)
        rc = _jm_matcher_add_take(self._m, ctypes.byref(ptr),
                                  _now_ms() if time_ms is None else time_ms)
        out, self._out = self._out, []
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        if rc == JM_EDUP:
            return []
        _check(rc)
        return [json.loads(s) for s in out]

    def add_all(self, records, time_ms=None):
        """add() for each record in turn; all the applications, in order."""
        apps = []
        for r in records:
            apps.extend(self.add(r, time_ms))
        return apps

    def stats(self):
        """Counters as a dict: records, duplicates, pairs_scored, applications, evicted,
        held_jobs, held_candidates, watermark_ms (None before any event), pairs_skipped (under
        top_k: pairs passed over by a bound, unscored)."""
        if not self._m:
            raise ValueError("the matcher is closed")
        s = _MatcherStats(struct_size=ctypes.sizeof(_MatcherStats))
        _check(_jm_matcher_get_stats(self._m, ctypes.byref(s)))
        d = {name: getattr(s, name) for name, _ in _MatcherStats._fields_[1:]}
        if d["watermark_ms"] == _INT64_MIN:
            d["watermark_ms"] = None
        return d

    def close(self):
        """Frees the matcher and every record it holds."""
        m, self._m = getattr(self, "_m", None), None
        if m and _jm_matcher_free is not None:
            _jm_matcher_free(m)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- readers --------------------------------------------------------------------------------

Reject = collections.namedtuple("Reject", "line reason raw source code")
Reject.__doc__ = """A record a reader rejected: line (1-based), reason (libjobmatch's one-line
text), raw (its bytes unchanged, without the line ending), source, code (a JM_E... value)."""
Reject.message = property(lambda self: "%s:%d: %s" % (self.source, self.line, self.reason))

_CHUNK = 1 << 16


def _chunks(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        for i in range(0, len(data), _CHUNK):
            yield data[i:i + _CHUNK]
        return
    if hasattr(data, "read"):  # a file object, text or binary
        while True:
            chunk = data.read(_CHUNK)
            if not chunk:
                return
            yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
    for chunk in data:  # any iterable of chunks
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _read(fmt, data, source, rejects, strict, max_record_bytes):
    got = []
    failure = []
    parts = []  # the text of an over-long record, handed on in pieces before its reject

    def on_record(ctx, rec, raw, raw_len, line):
        try:
            r = Record._own(rec[0])
            rec[0] = None  # taken: the reader makes a fresh one
            r.line = line
            got.append(r)
            return 0
        except BaseException as e:
            failure.append(e)
            return JM_ECALLBACK

    def on_reject_part(ctx, part, n):
        parts.append(ctypes.string_at(part, n))
        return 0

    def on_reject(ctx, err, raw, raw_len):
        try:
            e = err.contents
            text = ctypes.string_at(raw, raw_len) if raw else b"".join(parts)
            del parts[:]
            rj = Reject(e.line, e.text.decode("utf-8", "replace"), text,
                        e.source.decode("utf-8", "replace"), e.code)
            if strict:
                failure.append(JobmatchError(rj.code, rj.reason, rj.source, rj.line, e.column))
                return JM_ECALLBACK
            if rejects is not None:
                rejects.append(rj)
            else:
                got.append(rj)
            return 0
        except BaseException as ex:
            failure.append(ex)
            return JM_ECALLBACK

    record_cb, reject_cb = _RecordFn(on_record), _RejectFn(on_reject)
    part_cb = _RejectPartFn(on_reject_part)
    err = _Error()
    reader = _jm_reader_new(fmt, _text(source), max_record_bytes, record_cb, reject_cb, None,
                            ctypes.byref(err))
    if not reader:
        raise JobmatchError(err.code, err.text.decode("utf-8", "replace"))
    _jm_reader_set_reject_part(reader, part_cb)
    try:
        chunks = _chunks(data)
        done = False
        while not done:
            chunk = next(chunks, None)
            if chunk is None:
                rc = _jm_reader_finish(reader)
                done = True
            else:
                rc = _jm_reader_feed(reader, chunk, len(chunk))
            if failure:
                raise failure[0]
            _check(rc)
            items, got[:] = list(got), []
            yield from items
    finally:
        _jm_reader_free(reader)
        del got[:]


def read_ndjson(data, source="<data>", rejects=None, strict=False, max_record_bytes=0):
    """Reads NDJSON records from data (bytes, str, a file object or an iterable of chunks) and
    yields a Record for each good line, with .line set to its line number.

    A bad line is a Reject(line, reason, raw, source, code): appended to the list rejects when
    one is given, else yielded in its place; with strict=True the first one raises
    JobmatchError instead. max_record_bytes 0 is the library's default limit (1 MiB)."""
    return _read(JM_FORMAT_NDJSON, data, source, rejects, strict, max_record_bytes)


def read_csv(data, source="<data>", rejects=None, strict=False, max_record_bytes=0):
    """Reads CSV (a header row of canonical or alias names, then one record a row) like
    read_ndjson."""
    return _read(JM_FORMAT_CSV, data, source, rejects, strict, max_record_bytes)
