"""Analytics (report.h): an incremental aggregator of applications, jobs and candidates, its
figures as Python objects (docs/report-schema.md) and its text, JSON and HTML renderings."""

import dataclasses
import json
import keyword
import re
from typing import Any, ClassVar, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made
from .handles import Handle
from .readers import Data, Reader, Reject
from .records import Record, RecordLike, as_record, kind_code, text
from .scoring import Application, now_ms

# ---- figures ----------------------------------------------------------------------------------


def _attr(key: str) -> str:
    a = re.sub(r"\W", "_", key)
    return a + "_" if keyword.iskeyword(a) or a[:1].isdigit() else a


def _camel(key: str) -> str:
    return "".join(p.capitalize() for p in re.split(r"\W|_", key) if p) or "Item"


def _to_dict(self) -> Dict[str, Any]:
    """The figures as the JSON object they were read from."""
    return {k: _thaw(getattr(self, _attr(k))) for k in self._keys}


def _thaw(v: Any) -> Any:
    if dataclasses.is_dataclass(v) and hasattr(v, "_keys"):
        return v.to_dict()  # type: ignore[union-attr]
    if isinstance(v, tuple):
        return [_thaw(x) for x in v]
    if isinstance(v, Mapping):
        return dict(v)
    return v


_CLASSES: Dict[Tuple[str, Tuple[str, ...]], type] = {}


def _freeze(value: Any, name: str) -> Any:
    """A JSON value as frozen Python objects: an object becomes a frozen dataclass with one
    attribute per key ("from" is .from_), an array a tuple."""
    if isinstance(value, dict):
        keys = tuple(value)
        cls = _CLASSES.get((name, keys))
        if cls is None:
            cls = dataclasses.make_dataclass(name, [(_attr(k), Any) for k in keys], frozen=True,
                                             namespace={"_keys": keys, "to_dict": _to_dict})
            cls.__module__ = __name__
            _CLASSES[(name, keys)] = cls
        return cls(*(_freeze(value[k], _camel(k)) for k in keys))
    if isinstance(value, list):
        return tuple(_freeze(v, name) for v in value)
    return value


@dataclasses.dataclass(frozen=True)
class Duplicates:
    """Records skipped because their id was already counted, by kind."""

    applications: int
    jobs: int
    candidates: int
    _keys: ClassVar[Tuple[str, ...]] = ("applications", "jobs", "candidates")
    to_dict = _to_dict


@dataclasses.dataclass(frozen=True)
class InputCounts:
    rejected: int
    duplicates: Duplicates
    _keys: ClassVar[Tuple[str, ...]] = ("rejected", "duplicates")
    to_dict = _to_dict


@dataclasses.dataclass(frozen=True)
class Metrics:
    """The headline figures (docs/report-schema.md, metrics.*)."""

    applications: int
    applications_distinct_estimate: int
    dedup_window: int
    jobs: int
    active_jobs: int
    candidates: int
    average_score: Optional[float]
    shortlisted: int
    interviews: int
    _keys: ClassVar[Tuple[str, ...]] = (
        "applications", "applications_distinct_estimate", "dedup_window", "jobs", "active_jobs",
        "candidates", "average_score", "shortlisted", "interviews")
    to_dict = _to_dict


@dataclasses.dataclass(frozen=True)
class Freshness:
    """How current the data is: times as ISO-8601 texts, lags in seconds; None before data."""

    newest_event: Optional[str]
    lag_seconds: Optional[float]
    ahead_seconds: Optional[float]
    newest_application_date: Optional[str]
    _keys: ClassVar[Tuple[str, ...]] = ("newest_event", "lag_seconds", "ahead_seconds",
                                        "newest_application_date")
    to_dict = _to_dict


_TYPED = {"input": InputCounts, "metrics": Metrics, "freshness": Freshness}


@dataclasses.dataclass(frozen=True)
class Figures:
    """Every figure of a report (docs/report-schema.md, jobmatch-report/1) as Python objects.

    metrics, freshness and input are typed; the other sections are frozen objects with one
    attribute per JSON key (a key that is a Python keyword gets a trailing "_": bin.from_),
    arrays are tuples. to_dict() gives back the document jm-report --json writes. Keys a newer
    library adds are kept in extra.
    """

    schema: str
    generated_at: str
    input: InputCounts
    metrics: Metrics
    freshness: Freshness
    applications_by_interval: Tuple[Any, ...]
    undated_applications: int
    applications_over_time: Any
    top_job_families: Tuple[Any, ...]
    jobs_by_category: Tuple[Any, ...]
    score_histogram: Tuple[Any, ...]
    score_summary: Any
    statuses: Tuple[Any, ...]
    jobs_by_work_mode: Tuple[Any, ...]
    jobs_by_employment_type: Tuple[Any, ...]
    candidates_by_education: Tuple[Any, ...]
    salary_histogram: Any
    candidate_salary_histogram: Any
    salary_offer_vs_ask: Any
    top_countries: Tuple[Any, ...]
    jobs_by_country: Tuple[Any, ...]
    recent_applications: Tuple[Any, ...]
    audit: Any
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "Figures":
        """The figures of a jm-report --json document."""
        known = [f.name for f in dataclasses.fields(cls) if f.name != "extra"]
        values = {}
        for name in known:
            if name not in doc:
                raise ValueError("the report has no %r: not a jobmatch-report/1 document" % name)
            v = doc[name]
            if name in _TYPED:
                t = _TYPED[name]
                if t is InputCounts:
                    v = InputCounts(v["rejected"], Duplicates(**v["duplicates"]))
                else:
                    v = t(**v)
            else:
                v = _freeze(v, _camel(name))
            values[name] = v
        extra = {k: _freeze(v, _camel(k)) for k, v in doc.items() if k not in values}
        return cls(**values, extra=extra)

    def to_dict(self) -> Dict[str, Any]:
        d = {f.name: _thaw(getattr(self, f.name)) for f in dataclasses.fields(self)
             if f.name != "extra"}
        d.update({k: _thaw(v) for k, v in self.extra.items()})
        return d


# ---- the aggregator ---------------------------------------------------------------------------


class Report(Handle):
    """An incremental report over applications, job posts and candidates.

    dedup_window: how many distinct application ids are checked exactly (default 65,536);
    audit_by: candidate fields to audit by ("gender", or "gender+education_level" for an
    intersectional audit); audit_min_share (0.02); drilldown: keep figures per family, status,
    work mode and country for the HTML page's filters. Add records with add(), NDJSON lines
    with add_ndjson(), whole inputs with read(); render with figures(), to_json(), to_text()
    and to_html(), each at a clock now_ms (default: now, or $SOURCE_DATE_EPOCH).
    """

    def __init__(self, dedup_window: Optional[int] = None, audit_by: Iterable[str] = (),
                 audit_min_share: Optional[float] = None, drilldown: bool = False) -> None:
        self._c = made(_lib.jm_report_new)
        self._scratch = Record(kind="candidate")
        if drilldown:
            check(_lib.jm_report_set_drilldown(self._c, 1))
        if dedup_window is not None:
            if _lib.jm_report_set_dedup_window(self._c, dedup_window) < 0:
                raise ValueError("dedup_window must be from 1 to 16777216, not %r"
                                 % (dedup_window,))
        for field in audit_by:
            if _lib.jm_report_audit_by(self._c, text(field)) < 0:
                raise ValueError("audit_by: %r is not a candidate text or whole-number field, "
                                 "or is given twice, or more than 8 are" % (field,))
        if audit_min_share is not None:
            self.set_audit_min_share(audit_min_share)

    def set_audit_min_share(self, share: float) -> None:
        """The minimum share (0 to below 1) of an audit's applications a group needs to enter
        the impact ratios; at any time."""
        if _lib.jm_report_set_audit_min_share(self._handle(), share) < 0:
            raise ValueError("audit_min_share must be from 0 to below 1, not %r" % (share,))

    def add(self, item: Union[RecordLike, Application]) -> bool:
        """Adds one record (a Record, an Application, a dict or an NDJSON line); False when its
        id was already counted (a duplicate). JobmatchError for an application whose score is
        outside 0-100 or a record of no kind."""
        if isinstance(item, Application):
            with item.to_record() as r:
                return self._added(_lib.jm_report_add(self._handle(), r._ptr))
        r = as_record(item)
        return self._added(_lib.jm_report_add(self._handle(), r._handle()))

    @staticmethod
    def _added(rc: int) -> bool:
        if rc == _lib.JM_EDUP:
            return False
        if rc == _lib.JM_EVALUE:
            raise JobmatchError(rc, "compatibility_score is outside 0-100")
        if rc == _lib.JM_EKIND:
            raise JobmatchError(rc, "a report counts applications, job posts and candidates")
        check(rc)
        return True

    def add_ndjson(self, line: Union[str, bytes]) -> bool:
        """Adds one NDJSON line (no newline) as jm-report reads it: lines in jm-match's shape by
        a fast scanner, anything else parsed. False for a duplicate; JobmatchError for a line
        that does not parse or that the report refuses."""
        b = text(line)
        err = _lib.Error()
        rc = _lib.jm_report_add_ndjson(self._handle(), b, len(b), self._scratch._ptr,
                                       byref(err))
        if rc < 0 and rc != _lib.JM_EDUP and err.text:
            raise JobmatchError._from(err, rc)
        return self._added(rc)

    def read(self, data: Data, source: str = "<data>", format: str = "ndjson",
             max_record_bytes: int = 0) -> List[Reject]:
        """Adds a whole input (bytes, str, a file object or chunks) as jm-report does: rejected
        lines are counted in the report and returned; duplicates are counted."""
        def on_line(line: bytes, n: int) -> Optional[JobmatchError]:
            err = _lib.Error()
            rc = _lib.jm_report_add_ndjson(self._c, line, len(line), self._scratch._ptr,
                                           byref(err))
            if rc in (0, _lib.JM_EDUP):
                return None
            if rc == _lib.JM_ENOMEM:
                raise MemoryError("libjobmatch: out of memory")
            return JobmatchError(rc, _lib.error_text(err) or None)

        def on_record(rec: Record) -> Optional[JobmatchError]:
            rc = _lib.jm_report_add(self._c, rec._ptr)
            if rc == _lib.JM_EVALUE:
                return JobmatchError(rc, "compatibility_score is outside 0-100")
            if rc == _lib.JM_ENOID:
                return JobmatchError(rc, "application without application_id or candidate_id")
            if rc == _lib.JM_ENOMEM:
                raise MemoryError("libjobmatch: out of memory")
            return None

        self._handle()
        rejects = []
        if format == "ndjson":
            reader = Reader("ndjson", source, max_record_bytes, on_line=on_line)
        else:
            reader = Reader(format, source, max_record_bytes, check=on_record)
        with reader:
            for item in reader.read(data):
                if isinstance(item, Reject):
                    self.count_reject()
                    rejects.append(item)
                else:
                    item.close()  # counted by on_record; nothing of it is kept
        return rejects

    def count_reject(self) -> None:
        """Counts a rejected input record, so the report shows it."""
        _lib.jm_report_count_reject(self._handle())

    def count(self, kind: str) -> int:
        """Distinct records counted so far of kind."""
        return _lib.jm_report_count(self._handle(), kind_code(kind))

    def duplicates(self, kind: str) -> int:
        """Duplicates skipped so far of kind."""
        return _lib.jm_report_duplicates(self._handle(), kind_code(kind))

    @staticmethod
    def _now(now_ms_: Optional[int]) -> int:
        return now_ms() if now_ms_ is None else now_ms_

    def to_json(self, now_ms: Optional[int] = None) -> str:
        """The report as one JSON document on one line with its newline, as jm-report --json
        writes it."""
        buf = _lib.Buf()
        rc = _lib.jm_report_write_json(self._handle(), self._now(now_ms), byref(buf))
        data = buf.take()
        check(rc)
        return data.decode("utf-8")

    def figures(self, now_ms: Optional[int] = None) -> Figures:
        """Every figure, as Python objects."""
        return Figures.from_dict(json.loads(self.to_json(now_ms)))

    def to_text(self, now_ms: Optional[int] = None, width: int = 100, color: bool = False,
                compact: bool = False) -> str:
        """The terminal report, fitted to width columns (60-240); color: ANSI colours; compact:
        only the 10 most recent applications."""
        flags = (_lib.JM_REPORT_COLOR if color else 0) | (_lib.JM_REPORT_COMPACT if compact else 0)
        buf = _lib.Buf()
        rc = _lib.jm_report_write_text(self._handle(), self._now(now_ms), width, flags,
                                       byref(buf))
        data = buf.take()
        check(rc)
        return data.decode("utf-8")

    def to_html(self, now_ms: Optional[int] = None, refresh_seconds: int = 0) -> str:
        """One self-contained HTML page; refresh_seconds > 0 makes it reload itself."""
        buf = _lib.Buf()
        rc = _lib.jm_report_write_html(self._handle(), self._now(now_ms), refresh_seconds,
                                       byref(buf))
        data = buf.take()
        check(rc)
        return data.decode("utf-8")

    _what = "report"

    def _release(self, c) -> None:
        _lib.jm_report_free(c)
        self._scratch.close()
