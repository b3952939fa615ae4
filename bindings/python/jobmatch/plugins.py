"""Plugins (plugin.h): run-time modules that make sinks and sources (jm-kafka.so, jm-pg.so), how
they are found, and the NAME:key=value,... specs that name them."""

import ctypes
import dataclasses
import weakref
from typing import List, Mapping, Optional, Tuple, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, made
from .handles import Handle
from .records import text
from .sinks import Sink
from .sources import Source

Options = Union[Mapping[str, str], List[Tuple[str, str]], Tuple[Tuple[str, str], ...]]


def _options(options: Optional[Options], kw: Mapping[str, str]):
    items = list(options.items() if isinstance(options, Mapping) else (options or ()))
    items += list(kw.items())
    arr = (_lib.PluginOption * max(len(items), 1))()
    keep = []
    for i, (k, v) in enumerate(items):
        kb, vb = text(str(k)), text(str(v))
        keep += [kb, vb]
        arr[i].key, arr[i].value = kb, vb
    return arr, len(items), keep


class Plugin(Handle):
    """A loaded module: Plugin("kafka") finds jm-kafka.so along the search path
    ($JM_PLUGIN_PATH, a build tree's plugins, the installed plugin_dir()); Plugin(path=...)
    loads one file. name, version, description and path describe it; sink(...) and
    source(...) make its sinks and sources from key=value options (a mapping, pairs, or keyword
    arguments). close() unloads it, closing what it made first."""

    def __init__(self, name: Optional[str] = None, *, path: Optional[str] = None) -> None:
        self._children: "weakref.WeakSet" = weakref.WeakSet()
        if (name is None) == (path is None):
            raise TypeError("Plugin needs a name or path=, not both")
        if path is not None:
            self._c = made(_lib.jm_plugin_open_path, text(path))
        else:
            self._c = made(_lib.jm_plugin_open, text(name))  # type: ignore[arg-type]

    _what = "plugin"

    def _text(self, fn) -> str:
        s = fn(self._handle())
        return "" if s is None else s.decode("utf-8", "replace")

    @property
    def name(self) -> str:
        return self._text(_lib.jm_plugin_name)

    @property
    def version(self) -> str:
        return self._text(_lib.jm_plugin_version)

    @property
    def description(self) -> str:
        return self._text(_lib.jm_plugin_description)

    @property
    def path(self) -> str:
        """The file it was loaded from."""
        return self._text(_lib.jm_plugin_path)

    def sink(self, options: Optional[Options] = None, **kw: str) -> Sink:
        """A new sink of this module, e.g. Plugin("kafka").sink(brokers="127.0.0.1:9092",
        topic="job_applications")."""
        arr, n, keep = _options(options, kw)
        s = Sink(made(_lib.jm_plugin_sink_new, self._handle(), arr, n), owner=self)
        del keep
        self._children.add(s)
        return s

    def source(self, options: Optional[Options] = None, **kw: str) -> Source:
        """A new source of this module."""
        arr, n, keep = _options(options, kw)
        s = Source(made(_lib.jm_plugin_source_new, self._handle(), arr, n), owner=self)
        del keep
        self._children.add(s)
        return s

    def _release(self, c) -> None:
        try:
            for child in list(self._children):  # what it made goes first
                child.close()
        finally:
            _lib.jm_plugin_free(c)

    def __repr__(self) -> str:
        if not self._c:
            return "<jobmatch.Plugin closed>"
        return "<jobmatch.Plugin %s %s from %s>" % (self.name, self.version, self.path)


@dataclasses.dataclass(frozen=True)
class PluginInfo:
    """A module found along the search path: its file, and its name, version and description,
    or error (why it cannot be used) instead."""

    path: str
    name: Optional[str]
    version: Optional[str]
    description: Optional[str]
    error: Optional[str]


def plugins() -> List[PluginInfo]:
    """Every module along the search path (the first jm-NAME.so of each NAME), in search order,
    as jm-match --version lists them."""
    found: List[PluginInfo] = []

    def each(ctx, path, p, err):
        path_s = path.decode("utf-8", "replace")
        if p:
            def s(fn):
                v = fn(p)
                return None if v is None else v.decode("utf-8", "replace")
            found.append(PluginInfo(path_s, s(_lib.jm_plugin_name), s(_lib.jm_plugin_version),
                                    s(_lib.jm_plugin_description), None))
        else:
            found.append(PluginInfo(path_s, None, None, None, _lib.error_text(err.contents)))
        return 0

    rc = _lib.jm_plugin_each(_lib.PluginEachFn(each), None)
    if rc < 0:
        raise JobmatchError(rc)
    return found


def plugin_dir() -> str:
    """The installed plugin directory compiled into the library."""
    return _lib.jm_plugin_dir().decode()


@dataclasses.dataclass(frozen=True)
class PluginSpec:
    """NAME[:key=value,...] parsed: the plugin's name and its options in the order given."""

    name: str
    options: Tuple[Tuple[str, str], ...]


def parse_plugin_spec(spec: str) -> PluginSpec:
    """Parses a plugin spec as the tools' --to and --from do ("\\," is a comma in a value)."""
    p = made(_lib.jm_plugin_spec_parse, text(spec), what="plugin spec %r" % (spec,))
    try:
        n = ctypes.c_size_t()
        opts = _lib.jm_plugin_spec_options(p, byref(n))
        return PluginSpec(_lib.jm_plugin_spec_name(p).decode("utf-8"),
                          tuple((opts[i].key.decode("utf-8"), opts[i].value.decode("utf-8"))
                                for i in range(n.value)))
    finally:
        _lib.jm_plugin_spec_free(p)


def open_sink(spec: str) -> Sink:
    """The sink a plugin spec names, e.g. open_sink("kafka:brokers=127.0.0.1:9092,topic=t");
    the plugin stays loaded while the sink lives."""
    s = parse_plugin_spec(spec)
    return Plugin(s.name).sink(list(s.options))


def open_source(spec: str) -> Source:
    """The source a plugin spec names; the plugin stays loaded while the source lives."""
    s = parse_plugin_spec(spec)
    return Plugin(s.name).source(list(s.options))
