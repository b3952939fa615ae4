"""Records (job posts, candidates, applications) over libjobmatch's jm_record, and the helpers
for the values they hold: times, list cells, JSON strings and CSV lines."""

import datetime
import json
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made

Kind = str  # "job_post", "candidate" or "application"
TimeLike = Union[int, str, datetime.datetime]

KINDS: Tuple[str, ...] = tuple(_lib.KINDS)
CSV_LAYOUTS = {"reference": _lib.JM_CSV_REFERENCE, "mixed": _lib.JM_CSV_MIXED}
_TYPE_NAMES = {_lib.JM_TYPE_STRING: "string", _lib.JM_TYPE_NUMBER: "number",
               _lib.JM_TYPE_INTEGER: "integer", _lib.JM_TYPE_LIST: "list",
               _lib.JM_TYPE_TIME: "time"}
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MS = datetime.timedelta(milliseconds=1)


def text(value: Union[str, bytes, bytearray]) -> bytes:
    """value as the UTF-8 bytes the library takes."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError("expected a str or bytes, not %s" % type(value).__name__)


def kind_code(kind: Optional[str], what: str = "kind") -> int:
    if kind is None or kind == "":
        return _lib.JM_KIND_NONE
    k = _lib.jm_kind_from_name(text(kind))
    if k == _lib.JM_KIND_NONE:
        raise ValueError("%s must be one of %s, not %r" % (what, ", ".join(KINDS), kind))
    return k


def kind_name(code: int) -> str:
    return _lib.KIND_NAMES.get(code, "")


# ---- times ------------------------------------------------------------------------------------


def parse_time(value: TimeLike) -> int:
    """Milliseconds since 1970 (UTC) of an ISO-8601 text (jm_time_parse()), an aware datetime,
    or a number of milliseconds."""
    if isinstance(value, bool):
        raise TypeError("a time is an ISO-8601 text, a datetime or milliseconds, not a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no zone; give one with tzinfo (UTC?)")
        return (value - _EPOCH) // _MS
    b = text(value)
    out = _lib.c_int64()
    rc = _lib.jm_time_parse(b, len(b), byref(out))
    if rc < 0:
        raise JobmatchError(rc, "%r is not an ISO-8601 time between years 0000 and 9999"
                            % (value,))
    return out.value


def format_time(ms: int) -> str:
    """ms as libjobmatch writes times: "2025-11-16T16:33:10Z" (".mmm" when not whole seconds)."""
    out = _lib.ctypes.create_string_buffer(_lib.JM_TIME_BUF)
    _lib.jm_time_format(ms, out)
    return out.value.decode()


def to_datetime(ms: Optional[int]) -> Optional[datetime.datetime]:
    """ms as an aware UTC datetime (None stays None). Years before 1 do not fit a datetime:
    ValueError."""
    if ms is None:
        return None
    try:
        return _EPOCH + ms * _MS
    except OverflowError:
        raise ValueError("%s is outside the years a datetime holds" % format_time(ms)) from None


# ---- fields -----------------------------------------------------------------------------------


def fields(kind: Optional[str] = None) -> Tuple[str, ...]:
    """The canonical field names (docs/FORMAT.md) in the order records are written; of records of
    kind only, when given. Application components are "components.category" and so on."""
    if kind is None:
        return tuple(_lib.FIELDS)
    k = kind_code(kind)
    return tuple(n for f, n in enumerate(_lib.FIELDS) if _lib.jm_field_in_kind(f, k))


def field_type(name: str) -> str:
    """"string", "number", "integer", "list" or "time": what field name holds."""
    try:
        return _TYPE_NAMES[_lib.FIELD_TYPES[_lib.FIELD_INDEX[name]]]
    except KeyError:
        raise KeyError("%r is not a canonical field name" % (name,)) from None


def lookup_field(kind: str, name: str) -> Optional[str]:
    """The canonical name that name (canonical or a plain alias, e.g. "category") stands for in
    records of kind, or None."""
    b = text(name)
    f = _lib.jm_field_lookup(kind_code(kind), b, len(b))
    return None if f < 0 else _lib.FIELDS[f]


# ---- records ----------------------------------------------------------------------------------


def _record_json(ptr) -> bytes:
    buf = _lib.Buf()
    rc = _lib.jm_write_ndjson(ptr, byref(buf))
    data = buf.take()
    check(rc)
    return data[:-1]  # the newline


class Record:
    """One record: a job post, a candidate or an application, owning its C record.

    Record(line) parses an NDJSON line (str or bytes) and Record(mapping) a dict, with the
    aliases and type inference of docs/FORMAT.md; Record(kind="job_post") is an empty record of
    that kind; Record(other) copies another. rec["field"] reads a field by canonical name or
    alias (times as ISO-8601 texts, lists as lists of str); rec["field"] = value sets it (None
    unsets it); KeyError for a field the kind lacks or that is unset. A record is freed when
    closed or collected; `with Record(...) as r:` closes it at the end.

    Records from a reader carry .line, where they started (0 otherwise).
    """

    __slots__ = ("_ptr", "line", "__weakref__")

    def __init__(self, source: Union[str, bytes, Mapping[str, Any], "Record", None] = None, *,
                 kind: Optional[str] = None) -> None:
        self._ptr = None
        self.line = 0
        if source is None:
            if kind is None:
                raise TypeError("Record needs an NDJSON line, a dict, a Record, or kind=")
            code = kind_code(kind)
            self._ptr = made(_lib.jm_record_new, code)
            return
        if kind is not None:
            raise TypeError("give either a source or kind=, not both")
        if isinstance(source, Record):
            self._ptr = made(_lib.jm_record_clone, source._handle())
            return
        if isinstance(source, Mapping):
            line = json.dumps(dict(source), ensure_ascii=False).encode("utf-8")
        elif isinstance(source, (str, bytes, bytearray)):
            line = text(source).rstrip(b"\r\n")
        else:
            raise TypeError("Record source must be an NDJSON line, a dict or a Record, not %s"
                            % type(source).__name__)
        ptr = made(_lib.jm_record_new, _lib.JM_KIND_NONE)
        err = _lib.Error()
        rc = _lib.jm_parse_ndjson(line, len(line), ptr, byref(err))
        if rc < 0:
            _lib.jm_record_free(ptr)
            raise JobmatchError._from(err, rc)
        self._ptr = ptr

    @classmethod
    def _own(cls, ptr) -> "Record":
        """A Record that takes the C record ptr."""
        r = cls.__new__(cls)
        r._ptr = ptr
        r.line = 0
        return r

    def _handle(self):
        if not self._ptr:
            raise ValueError("the record is closed")
        return self._ptr

    def _take(self):
        """Hands the C record over to the caller; this Record is closed after it."""
        ptr, self._ptr = self._handle(), None
        return ptr

    def close(self) -> None:
        """Frees the C record now (it is also freed when collected)."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            _lib.jm_record_free(ptr)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: module globals may be gone
            pass

    def __enter__(self) -> "Record":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def clone(self) -> "Record":
        """A deep copy."""
        return Record(self)

    def reset(self, kind: Optional[str] = None) -> None:
        """Empties the record and makes it of kind (None: no kind yet), keeping its memory."""
        _lib.jm_record_reset(self._handle(), kind_code(kind))

    @property
    def kind(self) -> str:
        """"job_post", "candidate", "application", or "" for a record of no kind."""
        return kind_name(_lib.jm_record_kind(self._handle()))

    @property
    def id(self) -> Optional[str]:
        """post_id, candidate_id or application_id by kind; None when unset."""
        s = _lib.jm_record_id(self._handle())
        return None if s is None else s.decode("utf-8")

    def _field(self, name: str) -> int:
        kind = _lib.jm_record_kind(self._handle())
        b = text(name)
        f = _lib.jm_field_lookup(kind, b, len(b))
        if f < 0:
            raise KeyError(name)
        return f

    def _get(self, f: int) -> Any:
        p = self._ptr
        t = _lib.FIELD_TYPES[f]
        if t == _lib.JM_TYPE_STRING:
            return _lib.jm_record_string(p, f).decode("utf-8")
        if t == _lib.JM_TYPE_NUMBER:
            return _lib.jm_record_number(p, f)
        if t == _lib.JM_TYPE_INTEGER:
            return _lib.jm_record_integer(p, f)
        if t == _lib.JM_TYPE_TIME:
            return format_time(_lib.jm_record_integer(p, f))
        return [_lib.jm_record_list_item(p, f, i).decode("utf-8")
                for i in range(_lib.jm_record_list_count(p, f))]

    def __getitem__(self, name: str) -> Any:
        f = self._field(name)
        if not _lib.jm_record_has(self._ptr, f):
            raise KeyError(name)
        return self._get(f)

    def get(self, name: str, default: Any = None) -> Any:
        """The field's value, or default when it is unset or not a field of this kind."""
        try:
            return self[name]
        except KeyError:
            return default

    def time_ms(self, name: str) -> Optional[int]:
        """A time field as milliseconds since 1970, or None when unset."""
        f = self._field(name)
        if _lib.FIELD_TYPES[f] != _lib.JM_TYPE_TIME:
            raise TypeError("%s is not a time field" % name)
        if not _lib.jm_record_has(self._ptr, f):
            return None
        return _lib.jm_record_integer(self._ptr, f)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return bool(_lib.jm_record_has(self._ptr, self._field(name)))
        except KeyError:
            return False

    def __setitem__(self, name: str, value: Any) -> None:
        f = self._field(name)
        p, t = self._ptr, _lib.FIELD_TYPES[f]
        if value is None:
            _lib.jm_record_unset(p, f)
            return
        if t == _lib.JM_TYPE_STRING:
            if not isinstance(value, (str, bytes)):
                raise TypeError("%s takes a string, not %s" % (name, type(value).__name__))
            b = text(value)
            rc = _lib.jm_record_set_string(p, f, b, len(b))
        elif t == _lib.JM_TYPE_NUMBER:
            if isinstance(value, bool):
                raise TypeError("%s takes a number, not a bool" % name)
            rc = _lib.jm_record_set_number(p, f, float(value))
        elif t == _lib.JM_TYPE_INTEGER:
            if isinstance(value, bool) or int(value) != value:
                raise ValueError("%s takes an integer, not %r" % (name, value))
            rc = _lib.jm_record_set_integer(p, f, int(value))
        elif t == _lib.JM_TYPE_TIME:
            rc = _lib.jm_record_set_integer(p, f, parse_time(value))
        else:
            if isinstance(value, (str, bytes)):
                raise TypeError("%s takes a list of strings, not one string" % name)
            items = [text(v) for v in value]
            rc = _lib.jm_record_list_clear(p, f)
            for b in items:
                if rc == 0:
                    rc = _lib.jm_record_list_append(p, f, b, len(b))
        check(rc, "%s = %r" % (name, value))

    def __delitem__(self, name: str) -> None:
        _lib.jm_record_unset(self._handle(), self._field(name))

    def fields(self) -> List[str]:
        """The canonical names of the fields this record holds, in the order records are
        written."""
        p = self._handle()
        return [n for f, n in enumerate(_lib.FIELDS) if _lib.jm_record_has(p, f)]

    def items(self) -> Iterator[Tuple[str, Any]]:
        """(canonical name, value) of each field held."""
        p = self._handle()
        for f, n in enumerate(_lib.FIELDS):
            if _lib.jm_record_has(p, f):
                yield n, self._get(f)

    def to_json(self) -> str:
        """The record as one NDJSON line (jm_write_ndjson()), without the newline."""
        return _record_json(self._handle()).decode("utf-8")

    def to_dict(self) -> Dict[str, Any]:
        """The record as the dict its NDJSON line decodes to."""
        return json.loads(_record_json(self._handle()))

    def to_csv(self, layout: str = "mixed") -> str:
        """The record as one CSV line of layout "mixed" (a type column, both kinds' columns) or
        "reference" (the reference export's columns of its kind), newline included."""
        buf = _lib.Buf()
        rc = _lib.jm_write_csv(self._handle(), _layout(layout), byref(buf))
        data = buf.take()
        check(rc, "to_csv(%r)" % layout)
        return data.decode("utf-8")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return _record_json(self._handle()) == _record_json(other._handle())

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        if not self._ptr:
            return "<jobmatch.Record closed>"
        return "<jobmatch.Record %s %s>" % (self.kind or "(no kind)", self.id)


RecordLike = Union[Record, str, bytes, Mapping[str, Any]]


def as_record(value: RecordLike) -> Record:
    """value as a Record: itself when it is one, else parsed."""
    if isinstance(value, Record):
        value._handle()
        return value
    return Record(value)


def _layout(layout: str) -> int:
    try:
        return CSV_LAYOUTS[layout]
    except KeyError:
        raise ValueError("CSV layout must be %s, not %r" % (" or ".join(CSV_LAYOUTS), layout)) \
            from None


def csv_header(layout: str = "mixed", kind: Optional[str] = None) -> str:
    """The header line of a CSV layout (for "reference", of the table of kind), newline
    included."""
    buf = _lib.Buf()
    rc = _lib.jm_write_csv_header(_layout(layout), kind_code(kind), byref(buf))
    data = buf.take()
    check(rc, "csv_header(%r, %r)" % (layout, kind))
    return data.decode("utf-8")


def json_string(value: Union[str, bytes]) -> str:
    """value as a JSON string literal, quotes included, escaped as libjobmatch writes it."""
    b = text(value)
    buf = _lib.Buf()
    rc = _lib.jm_write_json_string(b, len(b), byref(buf))
    data = buf.take()
    check(rc)
    return data.decode("utf-8")


def parse_list_cell(cell: Union[str, bytes]) -> List[str]:
    """The items of a list cell as the readers take it: a JSON array of strings, a Python-style
    list "['a', 'b']", PostgreSQL array text "{a,b}", or a bare string (one item)."""
    b = text(cell)
    with Record(kind="candidate") as r:
        f = _lib.FIELD_INDEX["skills"]
        rc = _lib.jm_parse_list_cell(b, len(b), r._ptr, f)
        if rc < 0:
            raise JobmatchError(rc, "%r is not a list cell" % (cell,))
        return r._get(f) if _lib.jm_record_has(r._ptr, f) else []
