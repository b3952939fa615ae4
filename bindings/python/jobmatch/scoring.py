"""Scoring a candidate against a job post (docs/MATCHING.md), and the application a scored pair
becomes: Score, Components, Application, weights, statuses and application ids."""

import ctypes
import dataclasses
import datetime
import os
import time
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made
from .handles import Handle
from .records import Record, RecordLike, as_record, text, to_datetime

COMPONENTS = ("category", "skills", "experience", "seniority", "salary")
if _lib.COMPONENTS != COMPONENTS:
    raise ImportError("jobmatch: the library scores the components %s; this binding knows %s"
                      % (", ".join(_lib.COMPONENTS), ", ".join(COMPONENTS)))
_NCOMP = len(COMPONENTS)

STATUSES = ("Interview Scheduled", "Applied", "Under Review", "Not a Fit", "Rejected")

WeightsLike = Union[None, str, Mapping[str, float], Sequence[float]]


@dataclasses.dataclass(frozen=True)
class Components:
    """One number per scoring component: the fractions (0-1) or the points (weight x fraction)
    of a scored pair."""

    category: float
    skills: float
    experience: float
    seniority: float
    salary: float

    def to_dict(self) -> Dict[str, float]:
        return dataclasses.asdict(self)

    @classmethod
    def _of(cls, array) -> "Components":
        return cls(*array[:_NCOMP])


@dataclasses.dataclass(frozen=True)
class Score:
    """A joined pair's score: score (compatibility_score, 0-100), family (the first job family
    both belong to), shared_skills (|A n B| after normalisation), fractions and points."""

    score: int
    family: str
    shared_skills: int
    fractions: Components
    points: Components


@dataclasses.dataclass(frozen=True)
class Application:
    """An application (docs/FORMAT.md): what jm-match writes for a pair, as Python values.

    Times are milliseconds since 1970 (application_date_ms, timestamp_ms), and as aware
    datetimes through .application_date and .timestamp. to_dict() is the dict of the
    NDJSON line jm-match writes; to_json() that line itself, byte for byte.
    """

    application_id: str
    candidate_id: str
    post_id: str
    job_family: str
    compatibility_score: int
    components: Components
    status: str
    match_reason: str
    application_method: Optional[str]
    application_date_ms: int
    timestamp_ms: int

    @property
    def application_date(self) -> datetime.datetime:
        return to_datetime(self.application_date_ms)  # type: ignore[return-value]

    @property
    def timestamp(self) -> datetime.datetime:
        return to_datetime(self.timestamp_ms)  # type: ignore[return-value]

    def to_record(self) -> Record:
        """The application as a Record (for a writer, a sink or a report)."""
        r = Record(kind="application")
        for name in ("application_id", "candidate_id", "post_id", "job_family",
                     "compatibility_score", "status", "match_reason", "application_method"):
            r[name] = getattr(self, name)
        for c in COMPONENTS:
            r["components." + c] = getattr(self.components, c)
        r["application_date"] = self.application_date_ms
        r["timestamp"] = self.timestamp_ms
        return r

    def to_json(self) -> str:
        """The NDJSON line jm-match writes for this application, without the newline."""
        with self.to_record() as r:
            return r.to_json()

    def to_dict(self) -> Dict[str, Any]:
        """The dict of that line: times as ISO-8601 texts, points as the line rounds them (to 6
        decimals; the attributes keep the exact values)."""
        with self.to_record() as r:
            return r.to_dict()


# The fields of an application, by number, for application_from().
_F = _lib.FIELD_INDEX
_APP_IDS = [_F[n] for n in ("application_id", "candidate_id", "post_id", "job_family")]
_APP_POINTS = [_F["components." + c] for c in COMPONENTS]
_F_SCORE, _F_STATUS, _F_REASON = _F["compatibility_score"], _F["status"], _F["match_reason"]
_F_METHOD, _F_DATE, _F_TS = _F["application_method"], _F["application_date"], _F["timestamp"]
_APP_NAMES = [f.name for f in dataclasses.fields(Application)]
_COMP_NAMES = [f.name for f in dataclasses.fields(Components)]
_new = object.__new__


def application_from(ptr) -> Application:
    """The Application a C application record made by the library holds, read field by field
    (no JSON). This is the matcher's hot path: the getters are called without argument checks,
    and the frozen objects are filled in one step instead of field by field."""
    p = _lib.c_void_p(ptr)
    s, num, integer = _lib.fast_string, _lib.fast_number, _lib.fast_integer
    comps = _new(Components)
    comps.__dict__.update(zip(_COMP_NAMES, [num(p, f) for f in _APP_POINTS]))
    method = s(p, _F_METHOD)
    values = [b.decode("utf-8") if b is not None else "" for b in [s(p, f) for f in _APP_IDS]]
    values += [integer(p, _F_SCORE), comps, (s(p, _F_STATUS) or b"").decode("utf-8"),
               (s(p, _F_REASON) or b"").decode("utf-8"),
               None if method is None else method.decode("utf-8"),
               integer(p, _F_DATE), integer(p, _F_TS)]
    app = _new(Application)
    app.__dict__.update(zip(_APP_NAMES, values))
    return app


# ---- weights ----------------------------------------------------------------------------------


def default_weights() -> Dict[str, float]:
    """The default profile: {"category": 30, "skills": 30, "experience": 20, ...}."""
    w = _lib.Weights()
    _lib.jm_weights_default(byref(w))
    return dict(zip(COMPONENTS, list(w.weight)[:_NCOMP]))


def weights_struct(weights: WeightsLike) -> Optional[_lib.Weights]:
    """A jm_weights for weights: None (the default profile), a dict over the defaults
    ({"skills": 25}), five numbers in component order, or jm-match's --weights text
    ("category=30,skills=25")."""
    if weights is None:
        return None
    w = _lib.Weights()
    _lib.jm_weights_default(byref(w))
    if isinstance(weights, (str, bytes)):
        err = _lib.Error()
        rc = _lib.jm_weights_parse_err(text(weights), byref(w), byref(err))
        if rc < 0:
            raise JobmatchError._from(err, rc, "weights %r" % (weights,))
        return w
    if isinstance(weights, Mapping):
        items: Iterable = weights.items()
    else:
        values = list(weights)
        if len(values) != _NCOMP:
            raise ValueError("weights: give %d numbers (%s), not %d"
                             % (_NCOMP, ", ".join(COMPONENTS), len(values)))
        items = zip(COMPONENTS, values)
    for name, value in items:
        if name not in COMPONENTS:
            raise ValueError("weights: unknown scoring component %r (the components are %s)"
                             % (name, ", ".join(COMPONENTS)))
        if isinstance(value, bool):
            raise TypeError("weights: %s takes a number, not a bool" % name)
        value = float(value)
        if not 0 <= value < float("inf"):
            raise ValueError("weights: %s must be finite and >= 0, not %r" % (name, value))
        w.weight[COMPONENTS.index(name)] = value
    return w


def parse_weights(spec: str) -> Dict[str, float]:
    """jm-match's --weights text over the defaults, as a dict; JobmatchError naming the part
    that is wrong."""
    w = weights_struct(spec)
    assert w is not None
    return dict(zip(COMPONENTS, list(w.weight)[:_NCOMP]))


def _wref(w):
    return None if w is None else byref(w)


# ---- scoring a pair ---------------------------------------------------------------------------


def _a(kind: str) -> str:
    if not kind:
        return "a record of no kind"
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _pair(candidate: RecordLike, job: RecordLike, call: str):
    """The two records of a pair, refusing swapped or wrong kinds with a message that says so."""
    c, j = as_record(candidate), as_record(job)
    ck, jk = c.kind, j.kind
    if ck == "candidate" and jk == "job_post":
        return c, j
    if ck == "job_post" and jk == "candidate":
        raise JobmatchError(_lib.JM_EINVAL, "%s(candidate, job): the arguments are swapped: the "
                            "first is job post %s and the second candidate %s"
                            % (call, c.id, j.id))
    bad = []
    if ck != "candidate":
        bad.append("the first argument must be a candidate, not %s" % _a(ck))
    if jk != "job_post":
        bad.append("the second must be a job_post, not %s" % _a(jk))
    raise JobmatchError(_lib.JM_EINVAL, "%s(candidate, job): %s" % (call, "; ".join(bad)))


def score_pair(candidate: RecordLike, job: RecordLike,
               weights: WeightsLike = None) -> Optional[Score]:
    """Scores candidate against job (Records, dicts or NDJSON lines), docs/MATCHING.md.

    weights as in weights_struct(). Returns None when the two are not joined (they share no job
    family), else a Score. JobmatchError (JM_EINVAL) when the kinds are wrong or swapped.
    """
    c, j = _pair(candidate, job, "score_pair")
    w = weights_struct(weights)
    s = _lib.Score()
    rc = check(_lib.jm_score_pair(c._handle(), j._handle(), _wref(w), byref(s)))
    if rc == 0:
        return None
    return Score(score=s.score,
                 family=ctypes.string_at(s.family, s.family_len).decode("utf-8"),
                 shared_skills=s.shared_skills,
                 fractions=Components._of(s.fraction), points=Components._of(s.points))


def now_ms() -> int:
    """The tools' clock: $SOURCE_DATE_EPOCH (seconds) when set, else the time now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return int(epoch) * 1000
        except ValueError:
            pass
    return int(time.time() * 1000)


def make_application(candidate: RecordLike, job: RecordLike, seed: int = 0,
                     weights: WeightsLike = None,
                     time_ms: Optional[int] = None) -> Optional[Application]:
    """The application of a pair (docs/FORMAT.md), or None when the two are not joined.

    seed chooses the status draws; time_ms is the application's timestamp when neither record
    has one (default: now, or $SOURCE_DATE_EPOCH). Every joined pair gets one, whatever its
    score: the minimum score is the matcher's business."""
    c, j = _pair(candidate, job, "make_application")
    w = weights_struct(weights)
    out = made(_lib.jm_record_new, _lib.JM_KIND_APPLICATION)
    try:
        rc = check(_lib.jm_make_application(c._handle(), j._handle(), _wref(w), seed,
                                            now_ms() if time_ms is None else time_ms, out))
        return application_from(out) if rc else None
    finally:
        _lib.jm_record_free(out)


def application_id(candidate_id: str, post_id: str) -> str:
    """The deterministic application_id of (candidate_id, post_id), a UUID text."""
    out = ctypes.create_string_buffer(_lib.JM_UUID_BUF)
    _lib.jm_application_id(text(candidate_id), text(post_id), out)
    return out.value.decode()


def status_draw(seed: int, candidate_id: str, post_id: str) -> float:
    """The uniform draw u in [0, 1) of (seed, candidate_id, post_id) that picks the status."""
    return _lib.jm_status_draw(seed, text(candidate_id), text(post_id))


def status_for(score: int, u: float) -> str:
    """The status for a score and a draw u (docs/MATCHING.md, "The status")."""
    return _lib.jm_status_for(score, u).decode()


_raw = _lib.ctypes.CDLL(_lib.library_path, mode=getattr(os, "RTLD_GLOBAL", 0))
_raw_make = _raw.jm_make_application
_raw_write = _raw.jm_write_ndjson


class Scorer(Handle):
    """Scores many pairs with one set of options, for batch jobs (a Spark partition, a notebook
    over a table): weights (as score_pair), seed (status draws), min_score (pairs below it give
    None) and time_ms (the applications' timestamp when neither record has one; default: now,
    or $SOURCE_DATE_EPOCH, read once). Its records are Records (parse each once and reuse it).

    application(candidate, job) gives the Application, json(candidate, job) the NDJSON line
    jm-match writes for it (one call into the library, no Python objects in between: the
    cheapest way to an application's bytes). Both give None for a pair that is not joined or
    scores below min_score. Close it (or use it as a context manager) to free its record and
    buffer.
    """

    def __init__(self, weights: WeightsLike = None, seed: int = 0, min_score: int = 0,
                 time_ms: Optional[int] = None) -> None:
        self._w = weights_struct(weights)
        self._wp = None if self._w is None else byref(self._w)
        self._seed = ctypes.c_uint64(seed)
        self._time = ctypes.c_int64(now_ms() if time_ms is None else time_ms)
        self.min_score = min_score
        self._c = made(_lib.jm_record_new, _lib.JM_KIND_APPLICATION)
        self._op = _lib.c_void_p(self._c)
        self._buf = _lib.Buf()

    def _make(self, candidate: Record, job: Record) -> bool:
        self._handle()
        if not isinstance(candidate, Record) or not isinstance(job, Record):
            raise TypeError("a Scorer scores Records; parse each record once with Record(...)")
        rc = _raw_make(_lib.c_void_p(candidate._handle()), _lib.c_void_p(job._handle()),
                       self._wp, self._seed, self._time, self._op)
        if rc < 0:
            _pair(candidate, job, "Scorer")  # says what is wrong with the kinds
            check(rc)
        return rc == 1 and _lib.fast_integer(self._op, _F_SCORE) >= self.min_score

    def application(self, candidate: Record, job: Record) -> Optional[Application]:
        """The pair's Application, or None."""
        return application_from(self._c) if self._make(candidate, job) else None

    def json(self, candidate: Record, job: Record) -> Optional[str]:
        """The pair's NDJSON line (no newline), byte for byte jm-match's, or None."""
        if not self._make(candidate, job):
            return None
        self._buf.len = 0
        if _raw_write(self._op, byref(self._buf)) != 0:
            raise MemoryError("libjobmatch: out of memory")
        return ctypes.string_at(self._buf.data, self._buf.len - 1).decode("utf-8")

    _what = "scorer"

    def _release(self, c) -> None:
        _lib.jm_record_free(c)
        _lib.jm_buf_free(byref(self._buf))
