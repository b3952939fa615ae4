"""libjobmatch from Python: records, readers, scoring, the streaming matcher, the generator, the
report, sinks, sources, plugins and the taxonomy, over the shared library with ctypes and the
standard library only.

Results are frozen dataclasses (Score, Application, MatcherStats, Reject, GenInfo, Figures...);
handles (Record, Reader, Matcher, Generator, Report, Sink, Source, Plugin) free their C object
when closed, at the end of a with block, or when collected; every library failure is a
JobmatchError carrying the library's code, its name and a message that says what is wrong.

The library is found through $JOBMATCH_LIBRARY (a file or folder), then the build tree this
package sits in, then ctypes.util.find_library("jobmatch") and the loader's own search
(bindings/python/README.md).
"""

from . import _lib
from .errors import JobmatchError
from .generator import BAD_KINDS, GenBlock, GenInfo, GenLine, Generator
from .matcher import Matcher, MatcherStats, NdjsonMatcher
from .plugins import (Plugin, PluginInfo, PluginSpec, open_sink, open_source, parse_plugin_spec,
                      plugin_dir, plugins)
from .readers import Reader, Reject, open_records, read_csv, read_ndjson
from .records import (KINDS, Record, csv_header, field_type, fields, format_time, json_string,
                      lookup_field, parse_list_cell, parse_time, to_datetime)
from .report import Figures, Freshness, InputCounts, Metrics, Report
from .scoring import (COMPONENTS, STATUSES, Application, Components, Score, Scorer,
                      application_id, default_weights, make_application, parse_weights, score_pair,
                      status_draw, status_for)
from .sinks import MSG_BAD, MSG_HEADER, MSG_LATE, MSG_LINES, MSG_PART, Sink
from .sources import Source, SourceMessage
from .taxonomy import (CATEGORIES, FAMILIES, category_families, category_index, family_mask,
                       seniority_rank, years_min)

__version__ = "0.1.0"

library_path: str = _lib.library_path


def version() -> str:
    """The version of the libjobmatch loaded, e.g. "0.1.0"."""
    return _lib.jm_version().decode()


def version_num() -> int:
    """The same as a number: major << 16 | minor << 8 | patch."""
    return _lib.jm_version_num()


def struct_size(name: str) -> int:
    """The loaded library's sizeof the public struct name ("jm_error"...), 0 for another name."""
    return _lib.jm_struct_size(name.encode())


def strerror(code: int) -> str:
    """The library's short description of an error code."""
    return _lib.jm_strerror(code).decode()


def error_name(code: int) -> str:
    """The name of an error code, e.g. "JM_ESYNTAX"."""
    return _lib.jm_err_name(code).decode()


__all__ = [
    "JobmatchError", "version", "version_num", "library_path", "struct_size", "strerror",
    "error_name",
    # records
    "KINDS", "Record", "fields", "field_type", "lookup_field", "parse_time", "format_time",
    "to_datetime", "csv_header", "json_string", "parse_list_cell",
    # readers
    "Reader", "Reject", "read_ndjson", "read_csv", "open_records",
    # scoring
    "COMPONENTS", "STATUSES", "Components", "Score", "Application", "Scorer", "score_pair",
    "make_application", "application_id", "status_draw", "status_for", "default_weights",
    "parse_weights",
    # matching
    "Matcher", "NdjsonMatcher", "MatcherStats",
    # generating
    "Generator", "GenInfo", "GenLine", "GenBlock", "BAD_KINDS",
    # reporting
    "Report", "Figures", "Metrics", "Freshness", "InputCounts",
    # sinks, sources, plugins
    "Sink", "MSG_HEADER", "MSG_BAD", "MSG_LATE", "MSG_LINES", "MSG_PART", "Source",
    "SourceMessage", "Plugin", "PluginInfo", "PluginSpec", "plugins", "plugin_dir",
    "parse_plugin_spec", "open_sink", "open_source",
    # taxonomy
    "CATEGORIES", "FAMILIES", "category_index", "category_families", "family_mask",
    "seniority_rank", "years_min",
]
