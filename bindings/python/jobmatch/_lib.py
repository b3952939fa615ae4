"""Loads libjobmatch and declares its C interface: the structs, the callback types and every
function the binding calls, each with its prototype. Nothing here is public.

The library is found, in order: the file or folder named by $JOBMATCH_LIBRARY (or its older
spelling $JOBMATCH_LIB); the build tree this package sits in (build/lib at the top of the source
tree); ctypes.util.find_library("jobmatch"); then the dynamic loader's own search
("libjobmatch.so.0": LD_LIBRARY_PATH, the cache, the default folders). It is loaded RTLD_GLOBAL,
so that plugin modules (jm-kafka.so, jm-pg.so) find libjobmatch's jm_ functions in the process.

At import, the layouts declared here are compared with the library's (jm_struct_size()), and the
error codes with its names (jm_err_name()): a library built with other layouts is refused with an
ImportError that names the struct, instead of being misread.
"""

import ctypes
import ctypes.util
import os

# The ABI this binding was written against: the number in the library's SONAME.
SOVERSION = 0

# ---- finding and loading ----------------------------------------------------------------------


def _env_path():
    for name in ("JOBMATCH_LIBRARY", "JOBMATCH_LIB"):
        value = os.environ.get(name)
        if value:  # set but empty counts as unset
            return name, value
    return None, None


def _in_folder(folder):
    return [os.path.join(folder, "libjobmatch.so.%d" % SOVERSION),
            os.path.join(folder, "libjobmatch.so")]


def _load():
    mode = getattr(os, "RTLD_GLOBAL", 0) | getattr(os, "RTLD_NOW", 0)
    tried = []
    var, value = _env_path()
    if var:
        paths = _in_folder(value) if os.path.isdir(value) else [value]
        for p in paths:
            try:
                return ctypes.CDLL(p, mode=mode), p
            except OSError as e:
                tried.append("%s (%s)" % (p, e))
        raise ImportError("jobmatch: $%s names %s, which cannot be loaded: %s"
                          % (var, value, "; ".join(tried)))
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    if os.path.isfile(os.path.join(top, "include", "jobmatch", "jobmatch.h")):  # a source tree
        for p in _in_folder(os.path.join(top, "build", "lib")):
            if os.path.exists(p):
                try:
                    return ctypes.CDLL(p, mode=mode), p
                except OSError as e:
                    tried.append("%s (%s)" % (p, e))
            else:
                tried.append("%s (not built: run make)" % p)
    for name in (ctypes.util.find_library("jobmatch"), "libjobmatch.so.%d" % SOVERSION):
        if name:
            try:
                return ctypes.CDLL(name, mode=mode), name
            except OSError as e:
                tried.append("%s (%s)" % (name, e))
    raise ImportError("jobmatch: cannot find libjobmatch.so.%d; install it (make install), "
                      "build it (make), or set JOBMATCH_LIBRARY to its path. Tried: %s"
                      % (SOVERSION, "; ".join(tried)))


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _file_of(handle, name):
    """The file the loader took the library from (a bare soname says nothing of where)."""
    try:
        dladdr = ctypes.CDLL(None).dladdr
        dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
        info = _DlInfo()
        addr = ctypes.cast(handle.jm_version, ctypes.c_void_p)
        if dladdr(addr, ctypes.byref(info)) and info.dli_fname:
            return os.path.abspath(info.dli_fname.decode())
    except (AttributeError, OSError):
        pass
    return name


lib, library_path = _load()
library_path = _file_of(lib, library_path)

# ---- C types ----------------------------------------------------------------------------------

c_int, c_uint, c_double, c_size_t = ctypes.c_int, ctypes.c_uint, ctypes.c_double, ctypes.c_size_t
c_int64, c_uint64, c_uint32, c_ulong = ctypes.c_int64, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_ulong
c_char_p, c_void_p, c_char = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char
POINTER, byref, sizeof = ctypes.POINTER, ctypes.byref, ctypes.sizeof
c_bytes = POINTER(c_char)  # bytes with a length beside them, not NUL-terminated

# Opaque handles.
RecordP = MatcherP = ReaderP = GenP = GenBlockP = ReportP = c_void_p
SinkP = SourceP = PluginP = SpecP = c_void_p

# Buffer sizes (docs/ABI.md, "Buffer sizes are macros").
JM_TIME_BUF, JM_UUID_BUF, JM_GEN_ID_BUF = 32, 37, 40
JM_ERROR_SOURCE_BUF = JM_ERROR_TEXT_BUF = 256
JM_SOURCE_ORIGIN_SIZE = 256
JM_COMPONENT_MAX = 8

# Error codes (error.h); checked against jm_err_name() below.
ERRORS = {
    0: "JM_OK", -1: "JM_ENOMEM", -2: "JM_EINVAL", -3: "JM_ESYNTAX", -4: "JM_ETYPE",
    -5: "JM_EKIND", -6: "JM_ENOID", -7: "JM_ETOOLONG", -8: "JM_EUTF8", -9: "JM_EIO",
    -10: "JM_EDUP", -11: "JM_EVALUE", -12: "JM_ECALLBACK", -13: "JM_EPLUGIN",
}
globals().update({name: code for code, name in ERRORS.items()})

JM_KIND_NONE, JM_KIND_JOB_POST, JM_KIND_CANDIDATE, JM_KIND_APPLICATION = 0, 1, 2, 3
JM_TYPE_STRING, JM_TYPE_NUMBER, JM_TYPE_INTEGER, JM_TYPE_LIST, JM_TYPE_TIME = 1, 2, 3, 4, 5
JM_FORMAT_NDJSON, JM_FORMAT_CSV = 1, 2
JM_GEN_NDJSON, JM_GEN_CSV, JM_GEN_CSV_BY_KIND = 1, 2, 3
JM_GEN_ENDLESS = (1 << 64) - 1
JM_CSV_REFERENCE, JM_CSV_MIXED = 1, 2
JM_REPORT_COLOR, JM_REPORT_COMPACT = 1, 2
JM_SOURCE_AGAIN, JM_SOURCE_END = 1, 2
JM_SINK_MSG_HEADER, JM_SINK_MSG_BAD, JM_SINK_MSG_LATE = 0x1, 0x2, 0x4
JM_SINK_MSG_LINES, JM_SINK_MSG_PART = 0x8, 0x10
JM_SINK_WANTS_RECORDS = 0x1
INT64_MIN = -(1 << 63)


class Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("line", c_uint64), ("column", c_uint64),
                ("source", c_char * JM_ERROR_SOURCE_BUF), ("text", c_char * JM_ERROR_TEXT_BUF)]


class Buf(ctypes.Structure):
    _fields_ = [("data", c_bytes), ("len", c_size_t), ("cap", c_size_t)]

    def take(self):
        """The bytes written so far; frees the buffer."""
        out = ctypes.string_at(self.data, self.len) if self.len else b""
        jm_buf_free(byref(self))
        return out


class Weights(ctypes.Structure):
    _fields_ = [("weight", c_double * JM_COMPONENT_MAX)]


class Score(ctypes.Structure):
    _fields_ = [("score", c_int), ("fraction", c_double * JM_COMPONENT_MAX),
                ("points", c_double * JM_COMPONENT_MAX), ("family", c_bytes),
                ("family_len", c_size_t), ("shared_skills", c_uint)]


class MatcherOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("weights", Weights), ("min_score", c_int),
                ("seed", c_uint64), ("top_k", c_uint), ("state_ttl_ms", c_int64),
                ("lateness_ms", c_int64), ("expire_jobs", c_int), ("threads", c_uint),
                ("max_future_ms", c_int64), ("max_state", c_uint64)]


class MatcherStats(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("records", c_uint64), ("duplicates", c_uint64),
                ("pairs_scored", c_uint64), ("applications", c_uint64), ("evicted", c_uint64),
                ("held_jobs", c_uint64), ("held_candidates", c_uint64),
                ("watermark_ms", c_int64), ("pairs_skipped", c_uint64)]


ClockFn = ctypes.CFUNCTYPE(c_int64, c_void_p)


class GenOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("seed", c_uint64), ("start_ms", c_int64),
                ("rate", c_double), ("speed", c_double), ("late_fraction", c_double),
                ("bad_fraction", c_double), ("late_min_ms", c_int64), ("late_max_ms", c_int64),
                ("format", c_int), ("clock", ClockFn), ("clock_ctx", c_void_p),
                ("threads", c_uint), ("reserved", c_uint), ("per_day", c_double)]


class GenInfo(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("kind", c_int), ("bad", c_int),
                ("late_ms", c_int64), ("event_ms", c_int64), ("id", c_char * JM_GEN_ID_BUF)]


class SinkMsg(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("kind", c_int), ("flags", c_uint),
                ("id", c_char_p), ("data", c_char_p), ("len", c_size_t),
                ("timestamp_ms", c_int64), ("record", RecordP)]


class SourceMsg(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t), ("seq", c_uint64), ("data", c_bytes),
                ("len", c_size_t), ("kind", c_int), ("timestamp_ms", c_int64),
                ("key", c_bytes), ("key_len", c_size_t),
                ("origin", c_char * JM_SOURCE_ORIGIN_SIZE)]


class PluginOption(ctypes.Structure):
    _fields_ = [("key", c_char_p), ("value", c_char_p)]


# The C name of each struct above, for the layout check.
STRUCTS = {"jm_error": Error, "jm_buf": Buf, "jm_weights": Weights, "jm_score": Score,
           "jm_matcher_options": MatcherOptions, "jm_matcher_stats": MatcherStats,
           "jm_gen_options": GenOptions, "jm_gen_info": GenInfo, "jm_sink_msg": SinkMsg,
           "jm_source_msg": SourceMsg, "jm_plugin_option": PluginOption}

# Callbacks.
ApplicationFn = ctypes.CFUNCTYPE(c_int, c_void_p, RecordP)
NdjsonFn = ctypes.CFUNCTYPE(c_int, c_void_p, c_bytes, c_size_t)
# jm_record_fn receives jm_record **: setting it to NULL takes the record.
RecordFn = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(RecordP), c_bytes, c_size_t, c_ulong)
RejectFn = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(Error), c_bytes, c_size_t)
RejectPartFn = ctypes.CFUNCTYPE(c_int, c_void_p, c_bytes, c_size_t)
LineFn = ctypes.CFUNCTYPE(c_int, c_void_p, ReaderP, c_bytes, c_size_t, c_ulong)
GenBlockFn = ctypes.CFUNCTYPE(c_int, c_void_p, GenBlockP)
PluginEachFn = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, PluginP, POINTER(Error))

# ---- functions: every one the binding calls, with its prototype -------------------------------
# bindings/python/README.md lists the exported functions left out, and why; tests/bindings checks
# that this table and that list together cover libjobmatch.map.

PROTOTYPES = {
    # version.h, error.h, buf.h
    "jm_version": (c_char_p,),
    "jm_version_num": (c_uint,),
    "jm_struct_size": (c_size_t, c_char_p),
    "jm_strerror": (c_char_p, c_int),
    "jm_err_name": (c_char_p, c_int),
    "jm_buf_free": (None, POINTER(Buf)),
    # record.h
    "jm_record_new": (RecordP, c_int, POINTER(Error)),
    "jm_record_free": (None, RecordP),
    "jm_record_reset": (None, RecordP, c_int),
    "jm_record_clone": (RecordP, RecordP, POINTER(Error)),
    "jm_record_kind": (c_int, RecordP),
    "jm_kind_name": (c_char_p, c_int),
    "jm_kind_from_name": (c_int, c_char_p),
    "jm_record_id": (c_char_p, RecordP),
    "jm_field_name": (c_char_p, c_int),
    "jm_field_type_of": (c_int, c_int),
    "jm_field_in_kind": (c_int, c_int, c_int),
    "jm_field_lookup": (c_int, c_int, c_char_p, c_size_t),
    "jm_record_has": (c_int, RecordP, c_int),
    "jm_record_string": (c_char_p, RecordP, c_int),
    "jm_record_number": (c_double, RecordP, c_int),
    "jm_record_integer": (c_int64, RecordP, c_int),
    "jm_record_list_count": (c_size_t, RecordP, c_int),
    "jm_record_list_item": (c_char_p, RecordP, c_int, c_size_t),
    "jm_record_set_string": (c_int, RecordP, c_int, c_char_p, c_size_t),
    "jm_record_set_number": (c_int, RecordP, c_int, c_double),
    "jm_record_set_integer": (c_int, RecordP, c_int, c_int64),
    "jm_record_list_append": (c_int, RecordP, c_int, c_char_p, c_size_t),
    "jm_record_list_clear": (c_int, RecordP, c_int),
    "jm_record_unset": (None, RecordP, c_int),
    "jm_time_parse": (c_int, c_char_p, c_size_t, POINTER(c_int64)),
    "jm_time_format": (c_size_t, c_int64, c_char_p),
    # writer.h
    "jm_write_ndjson": (c_int, RecordP, POINTER(Buf)),
    "jm_write_json_string": (c_int, c_char_p, c_size_t, POINTER(Buf)),
    "jm_write_csv_header": (c_int, c_int, c_int, POINTER(Buf)),
    "jm_write_csv": (c_int, RecordP, c_int, POINTER(Buf)),
    # reader.h
    "jm_reader_new": (ReaderP, c_int, c_char_p, c_size_t, RecordFn, RejectFn, c_void_p,
                      POINTER(Error)),
    "jm_reader_free": (None, ReaderP),
    "jm_reader_set_reject_part": (None, ReaderP, RejectPartFn),
    "jm_reader_set_line_fn": (c_int, ReaderP, LineFn),
    "jm_reader_reject": (c_int, ReaderP, POINTER(Error)),
    "jm_reader_feed": (c_int, ReaderP, c_char_p, c_size_t),
    "jm_reader_finish": (c_int, ReaderP),
    "jm_reader_feed_record": (c_int, ReaderP, c_char_p, c_size_t, c_char_p),
    "jm_reader_records": (c_uint64, ReaderP),
    "jm_reader_rejects": (c_uint64, ReaderP),
    "jm_reader_lines": (c_uint64, ReaderP),
    "jm_parse_ndjson": (c_int, c_char_p, c_size_t, RecordP, POINTER(Error)),
    "jm_parse_list_cell": (c_int, c_char_p, c_size_t, RecordP, c_int),
    # score.h
    "jm_weights_default": (None, POINTER(Weights)),
    "jm_weights_parse_err": (c_int, c_char_p, POINTER(Weights), POINTER(Error)),
    "jm_component_name": (c_char_p, c_int),
    "jm_score_pair": (c_int, RecordP, RecordP, POINTER(Weights), POINTER(Score)),
    "jm_status_draw": (c_double, c_uint64, c_char_p, c_char_p),
    "jm_status_for": (c_char_p, c_int, c_double),
    "jm_application_id": (None, c_char_p, c_char_p, c_char_p),
    "jm_make_application": (c_int, RecordP, RecordP, POINTER(Weights), c_uint64, c_int64,
                            RecordP),
    # taxonomy.h
    "jm_category_name": (c_char_p, c_int),
    "jm_family_name": (c_char_p, c_int),
    "jm_category_index": (c_int, c_char_p, c_size_t),
    "jm_category_families": (c_uint32, c_int),
    "jm_seniority_rank": (c_int, c_char_p, c_size_t),
    "jm_years_min": (c_int, c_char_p, c_size_t),
    # matcher.h
    "jm_matcher_options_init": (None, POINTER(MatcherOptions)),
    "jm_matcher_new": (MatcherP, POINTER(MatcherOptions), ApplicationFn, c_void_p,
                       POINTER(Error)),
    "jm_matcher_new_ndjson": (MatcherP, POINTER(MatcherOptions), NdjsonFn, c_void_p,
                              POINTER(Error)),
    "jm_matcher_free": (None, MatcherP),
    "jm_matcher_add_take": (c_int, MatcherP, POINTER(RecordP), c_int64),
    "jm_matcher_get_stats": (c_int, MatcherP, POINTER(MatcherStats)),
    # gen.h
    "jm_gen_options_init": (None, POINTER(GenOptions)),
    "jm_gen_new": (GenP, POINTER(GenOptions), POINTER(Error)),
    "jm_gen_free": (None, GenP),
    "jm_gen_next": (c_int, GenP, c_int, RecordP),
    "jm_gen_bad_name": (c_char_p, c_int),
    "jm_gen_emit": (c_int, GenP, c_int, POINTER(Buf), POINTER(GenInfo)),
    "jm_gen_last_record": (c_int, GenP, RecordP),
    "jm_gen_csv_header": (c_int, GenP, c_int, POINTER(Buf)),
    "jm_gen_run": (c_int, GenP, c_uint64, c_uint64, GenBlockFn, c_void_p),
    "jm_gen_block_lines": (c_size_t, GenBlockP),
    "jm_gen_block_line": (c_bytes, GenBlockP, c_size_t, POINTER(c_size_t), POINTER(GenInfo)),
    "jm_gen_block_data": (c_bytes, GenBlockP, POINTER(c_size_t)),
    "jm_gen_clock": (c_int64, GenP),
    # report.h
    "jm_report_new": (ReportP, POINTER(Error)),
    "jm_report_free": (None, ReportP),
    "jm_report_set_dedup_window": (c_int, ReportP, c_size_t),
    "jm_report_audit_by": (c_int, ReportP, c_char_p),
    "jm_report_set_audit_min_share": (c_int, ReportP, c_double),
    "jm_report_set_drilldown": (c_int, ReportP, c_int),
    "jm_report_add": (c_int, ReportP, RecordP),
    "jm_report_add_ndjson": (c_int, ReportP, c_bytes, c_size_t, RecordP, POINTER(Error)),
    "jm_report_count_reject": (None, ReportP),
    "jm_report_count": (c_uint64, ReportP, c_int),
    "jm_report_duplicates": (c_uint64, ReportP, c_int),
    "jm_report_write_json": (c_int, ReportP, c_int64, POINTER(Buf)),
    "jm_report_write_text": (c_int, ReportP, c_int64, c_uint, c_uint, POINTER(Buf)),
    "jm_report_write_html": (c_int, ReportP, c_int64, c_uint, POINTER(Buf)),
    # sink.h
    "jm_sink_fd_new": (SinkP, c_int, c_int, POINTER(Error)),
    "jm_sink_free": (c_int, SinkP),
    "jm_sink_write": (c_int, SinkP, POINTER(SinkMsg)),
    "jm_sink_flush": (c_int, SinkP),
    "jm_sink_sync": (c_int, SinkP),
    "jm_sink_flags": (c_uint, SinkP),
    "jm_sink_name": (c_char_p, SinkP),
    # source.h
    "jm_source_free": (None, SourceP),
    "jm_source_next": (c_int, SourceP, c_int, POINTER(SourceMsg), POINTER(Error)),
    "jm_source_commit": (c_int, SourceP, c_uint64, POINTER(Error)),
    "jm_source_delivered": (c_uint64, SourceP),
    "jm_source_committed": (c_uint64, SourceP),
    "jm_source_name": (c_char_p, SourceP),
    # plugin.h
    "jm_plugin_open": (PluginP, c_char_p, POINTER(Error)),
    "jm_plugin_open_path": (PluginP, c_char_p, POINTER(Error)),
    "jm_plugin_free": (None, PluginP),
    "jm_plugin_name": (c_char_p, PluginP),
    "jm_plugin_version": (c_char_p, PluginP),
    "jm_plugin_description": (c_char_p, PluginP),
    "jm_plugin_path": (c_char_p, PluginP),
    "jm_plugin_sink_new": (SinkP, PluginP, POINTER(PluginOption), c_size_t, POINTER(Error)),
    "jm_plugin_source_new": (SourceP, PluginP, POINTER(PluginOption), c_size_t,
                             POINTER(Error)),
    "jm_plugin_dir": (c_char_p,),
    "jm_plugin_each": (c_int, PluginEachFn, c_void_p),
    "jm_plugin_spec_parse": (SpecP, c_char_p, POINTER(Error)),
    "jm_plugin_spec_free": (None, SpecP),
    "jm_plugin_spec_name": (c_char_p, SpecP),
    "jm_plugin_spec_options": (POINTER(PluginOption), SpecP, POINTER(c_size_t)),
}


def _declare():
    missing = []
    for name, (restype, *argtypes) in PROTOTYPES.items():
        try:
            f = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        f.restype = restype
        f.argtypes = argtypes
        globals()[name] = f
    if missing:
        raise ImportError("jobmatch: %s lacks %s: it is older than this binding"
                          % (library_path, ", ".join(missing)))


_declare()


def _check_library():
    """Refuses a library whose ABI, layouts or error codes differ from what is declared here."""
    num = jm_version_num()
    if num >> 16 != SOVERSION:
        raise ImportError("jobmatch: %s is libjobmatch %s; this binding needs major version %d"
                          % (library_path, jm_version().decode(), SOVERSION))
    for cname, ctype in STRUCTS.items():
        theirs = jm_struct_size(cname.encode())
        if theirs != sizeof(ctype):
            raise ImportError("jobmatch: %s is %d bytes in %s but %d in this binding; the "
                              "binding's copy of its layout is out of date"
                              % (cname, theirs, library_path, sizeof(ctype)))
    for code, name in ERRORS.items():
        if code and jm_err_name(code).decode() != name:
            raise ImportError("jobmatch: error %d is %s in %s but %s in this binding"
                              % (code, jm_err_name(code).decode(), library_path, name))


_check_library()

# Tables the library owns, read from it rather than copied.
FIELDS = []  # canonical names by jm_field value
while True:
    _n = jm_field_name(len(FIELDS))
    if _n is None:
        break
    FIELDS.append(_n.decode())
FIELD_TYPES = [jm_field_type_of(f) for f in range(len(FIELDS))]
FIELD_INDEX = {name: f for f, name in enumerate(FIELDS)}
KIND_NAMES = {k: jm_kind_name(k).decode() for k in (JM_KIND_JOB_POST, JM_KIND_CANDIDATE,
                                                      JM_KIND_APPLICATION)}
KINDS = {name: k for k, name in KIND_NAMES.items()}
COMPONENTS = []
while True:
    _n = jm_component_name(len(COMPONENTS))
    if _n is None:
        break
    COMPONENTS.append(_n.decode())
COMPONENTS = tuple(COMPONENTS)


# The record getters again, without argtypes, for reading applications in the matcher's callback:
# ctypes checks no arguments then, which halves the cost of a call. Callers pass a c_void_p and
# a field number (a C int) only.
_fast = ctypes.CDLL(library_path, mode=getattr(os, "RTLD_GLOBAL", 0))
fast_string = _fast.jm_record_string
fast_string.restype = c_char_p
fast_number = _fast.jm_record_number
fast_number.restype = c_double
fast_integer = _fast.jm_record_integer
fast_integer.restype = c_int64


def new_error():
    return Error()


def error_text(err):
    return err.text.decode("utf-8", "replace")
