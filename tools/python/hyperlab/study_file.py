"""Study files (YAML, as in examples/*.yaml) and dicts to ``hyperlab.v1.StudySpec``.

A faithful mirror of tools/study_file.cc, which the CLI uses: the YAML is walked guided by the protobuf
descriptor of StudySpec (so every key's line is known and an unknown or mistyped key is named), turned into
protobuf JSON, and parsed with protobuf's JSON parser. Keys are a field's JSON name (``double``,
``maxTrials``) or its proto name (``max_trials``); enum values are accepted in any case (``minimize``,
``log``); YAML's ``.inf``/``.nan`` are numbers. Defaults are not filled in and the spec is not validated
here: the coordinator does both at CreateStudy, and the client gives its INVALID_ARGUMENT message the line
where that field was written (:func:`locate_error`).

Every error is a :class:`~hyperlab.errors.StudyFileError` with one line
``<file>:<line>: <field path>: <problem>`` (":<line>" left out when unknown; ``<dict>`` for a dict).

Thread safety: pure functions.
"""
from __future__ import annotations

import json
import math
import os
import re
from typing import Any, Dict, List, Optional, Tuple, Union

import yaml
from google.protobuf import descriptor as pb_descriptor
from google.protobuf import json_format

from .errors import StudyFileError
from .v1 import study_pb2

# proto/limits.h
MAX_STUDY_FILE_BYTES = 4 << 20
MAX_STUDY_FILE_NODES = (1 << 20) // 2

FD = pb_descriptor.FieldDescriptor
_INT_TYPES = (FD.CPPTYPE_INT32, FD.CPPTYPE_INT64)
_UINT_TYPES = (FD.CPPTYPE_UINT32, FD.CPPTYPE_UINT64)
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_NULL_TAG = "tag:yaml.org,2002:null"


def _display_name(f: FD) -> str:
    # The explicit JSON name (`double`) or else the proto name, as the C++ loader shows it.
    return f.json_name if f.json_name != _camel(f.name) else f.name


def _camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _is_map(f: FD) -> bool:
    return f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry


def _expected(f: FD) -> str:
    if f.cpp_type in _INT_TYPES:
        return "an integer"
    if f.cpp_type in _UINT_TYPES:
        return "a non-negative integer"
    if f.cpp_type in (FD.CPPTYPE_DOUBLE, FD.CPPTYPE_FLOAT):
        return "a number"
    if f.cpp_type == FD.CPPTYPE_BOOL:
        return "true or false"
    if f.cpp_type == FD.CPPTYPE_ENUM:
        names = [v.name.lower() for v in f.enum_type.values if not v.name.endswith("_UNSPECIFIED")]
        return "one of " + ", ".join(names)
    if f.cpp_type == FD.CPPTYPE_MESSAGE:
        return "a map"
    return "a string"


def _escape(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii").replace("'", "\\'")


class _Walker:
    """Converts YAML nodes (yaml.Node, from yaml.compose) or plain Python values to protobuf JSON."""

    def __init__(self, file: str):
        self.file = file
        self.lines: Dict[str, int] = {}
        self.nodes = 0
        self.scalar_bytes = 0

    # --- what a node is, whichever source it came from --------------------------------------------
    @staticmethod
    def kind(node: Any) -> str:
        if isinstance(node, yaml.MappingNode) or isinstance(node, dict):
            return "map"
        if isinstance(node, yaml.SequenceNode) or isinstance(node, (list, tuple)):
            return "list"
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG):
            return "null"
        return "scalar"

    @staticmethod
    def line(node: Any) -> int:
        mark = getattr(node, "start_mark", None)
        return mark.line + 1 if mark is not None else 0

    @staticmethod
    def text(node: Any) -> str:
        if isinstance(node, yaml.ScalarNode):
            return node.value
        if isinstance(node, bool):
            return "true" if node else "false"
        if isinstance(node, float):
            return repr(node)
        return str(node)

    @classmethod
    def items(cls, node: Any) -> List[Tuple[Any, Any]]:
        return list(node.value) if isinstance(node, yaml.MappingNode) else list(node.items())

    @classmethod
    def elements(cls, node: Any) -> List[Any]:
        return list(node.value) if isinstance(node, yaml.SequenceNode) else list(node)

    def describe(self, node: Any) -> str:
        k = self.kind(node)
        if k == "scalar":
            return f"'{_escape(self.text(node))}'"
        return {"list": "a list", "map": "a map"}.get(k, "nothing")

    # --- errors -------------------------------------------------------------------------------------
    def error(self, line: int, path: str, what: str) -> StudyFileError:
        message = f"{self.file}{f':{line}' if line > 0 else ''}: {path}{': ' if path else ''}{what}"
        return StudyFileError(message.replace("\n", "\\n").replace("\r", "\\r"))

    def line_for(self, path: str) -> int:
        """The line where `path` or its longest recorded prefix was written; 0 when none was."""
        while True:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            if cut < 0:
                return 0
            path = path[:cut]

    def charge(self, node: Any, path: str) -> None:
        """Counts one visited node (and its text); aliases are counted at each visit ("billion laughs")."""
        self.nodes += 1
        if self.kind(node) == "scalar":
            self.scalar_bytes += len(self.text(node).encode("utf-8", "replace"))
        if self.nodes > MAX_STUDY_FILE_NODES:
            raise self.error(self.line(node), path,
                             f"the document has over {MAX_STUDY_FILE_NODES} nodes with its aliases expanded, "
                             f"over the limit max_study_file_nodes = {MAX_STUDY_FILE_NODES} "
                             "(does an alias repeat a large anchor?)")
        if self.scalar_bytes > MAX_STUDY_FILE_BYTES:
            raise self.error(self.line(node), path,
                             f"the document has over {MAX_STUDY_FILE_BYTES} bytes of text with its aliases "
                             f"expanded, over the limit max_study_file_bytes = {MAX_STUDY_FILE_BYTES} "
                             "(does an alias repeat a large anchor?)")

    # --- the walk -----------------------------------------------------------------------------------
    def message(self, node: Any, type_: pb_descriptor.Descriptor, path: str) -> Dict[str, Any]:
        if self.kind(node) != "map":
            raise self.error(self.line(node), path, f"expected a map, got {self.describe(node)}")
        out: Dict[str, Any] = {}
        seen: Dict[str, int] = {}
        oneofs: Dict[str, FD] = {}
        for key, value in self.items(node):
            line = self.line(key)
            self.charge(key, path)
            if self.kind(key) != "scalar":
                raise self.error(line, path, f"expected a field name, got {self.describe(key)}")
            name = self.text(key)
            field = next((f for f in type_.fields if name in (f.name, f.json_name)), None)
            if field is None:
                names = ", ".join(_display_name(f) for f in type_.fields)
                raise self.error(line, path, f"unknown field '{_escape(name)}'; expected one of {names}")
            child = _display_name(field) if not path else f"{path}.{_display_name(field)}"
            if field.name in seen:
                raise self.error(line, child, f"set twice (also line {seen[field.name]})")
            seen[field.name] = line
            oneof = field.containing_oneof
            if oneof is not None:
                if oneof.name in oneofs:
                    names = ", ".join(_display_name(f) for f in oneof.fields)
                    raise self.error(line, path,
                                     f"'{_display_name(oneofs[oneof.name])}' and '{_display_name(field)}' are "
                                     f"both set; set only one of {names}")
                oneofs[oneof.name] = field
            self.lines[child] = line
            converted = self.field(value, field, child)
            if converted is not None:
                out[field.name] = converted
        return out

    def field(self, node: Any, f: FD, path: str) -> Any:
        k = self.kind(node)
        if _is_map(f):
            if k == "null":
                return None
            if k != "map":
                raise self.error(self.line(node), path, f"expected a map, got {self.describe(node)}")
            value_field = f.message_type.fields_by_name["value"]
            # A parameter's children map a value to a list written as the list itself (`sgd: [...]`), at
            # the path `children[sgd]`.
            list_values = (value_field.message_type is not None
                           and value_field.message_type.full_name == "hyperlab.v1.ParameterList")
            out: Dict[str, Any] = {}
            for key, value in self.items(node):
                if self.kind(key) != "scalar":
                    raise self.error(self.line(key), path, f"expected a name, got {self.describe(key)}")
                self.charge(key, path)
                child = f"{path}[{self.text(key)}]" if list_values else f"{path}.{self.text(key)}"
                self.lines[child] = self.line(key)
                if list_values:
                    parameters = self.field(value, value_field.message_type.fields_by_name["parameters"], child)
                    out[self.text(key)] = {"parameters": parameters if parameters is not None else []}
                    continue
                out[self.text(key)] = self.value(value, value_field, child, required=True)
            return out
        if f.label == FD.LABEL_REPEATED:
            if k == "null":
                return None
            if k != "list":
                raise self.error(self.line(node), path, f"expected a list, got {self.describe(node)}")
            self.charge(node, path)
            out_list = []
            for index, element in enumerate(self.elements(node)):
                child = f"{path}[{index}]"
                self.lines[child] = self.line(element)
                out_list.append(self.value(element, f, child, required=True))
            return out_list
        return self.value(node, f, path, required=False)

    def value(self, node: Any, f: FD, path: str, required: bool) -> Any:
        k = self.kind(node)
        if f.cpp_type == FD.CPPTYPE_MESSAGE:
            if k == "null":
                return {}
            return self.message(node, f.message_type, path)
        self.charge(node, path)
        if k == "null" and not required:
            return None

        def bad() -> StudyFileError:
            return self.error(self.line(node), path, f"expected {_expected(f)}, got {self.describe(node)}")

        if k != "scalar":
            raise bad()
        text = self.text(node)
        if f.cpp_type in _INT_TYPES or f.cpp_type in _UINT_TYPES:
            if isinstance(node, bool) or not _INT_RE.match(text.strip()):
                raise bad()
            v = int(text)
            if f.cpp_type in _UINT_TYPES and v < 0:
                raise bad()
            bits = 32 if f.cpp_type in (FD.CPPTYPE_INT32, FD.CPPTYPE_UINT32) else 64
            low, high = (0, 2 ** bits - 1) if f.cpp_type in _UINT_TYPES else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)
            if not low <= v <= high:
                if bits == 64:
                    raise bad()
                raise self.error(self.line(node), path, f"out of range for a 32-bit integer, got {v}")
            return v
        if f.cpp_type in (FD.CPPTYPE_DOUBLE, FD.CPPTYPE_FLOAT):
            if isinstance(node, bool):
                raise bad()
            lower = text.strip().lower()
            if lower in (".inf", "+.inf"):
                v_f = math.inf
            elif lower == "-.inf":
                v_f = -math.inf
            elif lower == ".nan":
                v_f = math.nan
            else:
                try:
                    v_f = float(text)
                except ValueError:
                    raise bad() from None
            if math.isnan(v_f):
                return "NaN"
            if math.isinf(v_f):
                return "Infinity" if v_f > 0 else "-Infinity"
            return v_f
        if f.cpp_type == FD.CPPTYPE_BOOL:
            if text.lower() == "true":
                return True
            if text.lower() == "false":
                return False
            raise bad()
        if f.cpp_type == FD.CPPTYPE_ENUM:
            for v in f.enum_type.values:
                if text.lower() == v.name.lower():
                    return v.name
            raise self.error(self.line(node), path, f"unknown value {self.describe(node)}; expected {_expected(f)}")
        return text


def _first_non_text(text: str) -> Tuple[int, str]:
    """(line, what) of the first character a study file may not hold; (0, "") when none."""
    for number, line in enumerate(text.split("\n"), start=1):
        for c in line:
            o = ord(c)
            if (o < 0x20 and c not in "\t\r") or o == 0x7F:
                return number, f"control character 0x{o:02x}; a study file is text"
    return 0, ""


def _to_spec(spec_json: Dict[str, Any], walker: _Walker) -> study_pb2.StudySpec:
    spec = study_pb2.StudySpec()
    try:
        json_format.Parse(json.dumps(spec_json), spec, ignore_unknown_fields=False)
    except json_format.ParseError as e:
        raise walker.error(0, "", str(e)) from None
    return spec


def parse_study_yaml(text: Union[str, bytes], file_name_for_errors: str = "<string>") \
        -> Tuple[study_pb2.StudySpec, "StudySource"]:
    """Parses study-file text; returns the spec and a StudySource that locates the coordinator's errors."""
    walker = _Walker(file_name_for_errors)
    if isinstance(text, bytes):
        if len(text) > MAX_STUDY_FILE_BYTES:
            raise walker.error(0, "", f"{len(text)} bytes, over the limit max_study_file_bytes = "
                                      f"{MAX_STUDY_FILE_BYTES}")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            line = text[:e.start].count(b"\n") + 1
            raise walker.error(line, "", "not UTF-8 text (a study file must be UTF-8)") from None
    if len(text.encode("utf-8", "replace")) > MAX_STUDY_FILE_BYTES:
        raise walker.error(0, "", f"{len(text.encode('utf-8', 'replace'))} bytes, over the limit "
                                  f"max_study_file_bytes = {MAX_STUDY_FILE_BYTES}")
    line, what = _first_non_text(text)
    if line:
        raise walker.error(line, "", what)
    try:
        # Count the documents from the parser's events first (as the C++ loader's DocumentCounter), so a
        # second one is named at its start ("---"), then build the one document.
        starts = []
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.DocumentStartEvent):
                starts.append(event.start_mark.line + 1)
                if len(starts) > 1:
                    raise walker.error(starts[1], "", "expected one YAML document, found a second one")
        documents = [yaml.compose(text, Loader=yaml.SafeLoader)] if starts else []
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        raise walker.error(mark.line + 1 if mark else 0, "", f"YAML syntax error: {problem}") from None
    if not documents or walker.kind(documents[0]) == "null":
        raise walker.error(0, "", "empty study file; expected a map of fields (name, objective, parameters, ...)")
    root = documents[0]
    if walker.kind(root) != "map":
        raise walker.error(walker.line(root), "", "expected a map of fields (name, objective, parameters, ...), "
                                                  f"got {walker.describe(root)}")
    spec_json = walker.message(root, study_pb2.StudySpec.DESCRIPTOR, "")
    return _to_spec(spec_json, walker), StudySource(walker)


def load_study_file(path: Union[str, os.PathLike]) -> Tuple[study_pb2.StudySpec, "StudySource"]:
    """Reads and parses the study file at `path` (at most max_study_file_bytes)."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_STUDY_FILE_BYTES + 1)
    except OSError as e:
        raise StudyFileError(f"{path}: cannot read: {e.strerror}") from None
    if len(data) > MAX_STUDY_FILE_BYTES:
        raise StudyFileError(f"{path}: over {MAX_STUDY_FILE_BYTES} bytes, over the limit max_study_file_bytes = "
                             f"{MAX_STUDY_FILE_BYTES}")
    return parse_study_yaml(data, path)


def study_spec_from_dict(spec: Dict[str, Any]) -> Tuple[study_pb2.StudySpec, "StudySource"]:
    """Converts a dict written as a study file would be (``{"name": ..., "objective": {...}}``)."""
    walker = _Walker("<dict>")
    return _to_spec(walker.message(spec, study_pb2.StudySpec.DESCRIPTOR, ""), walker), StudySource(walker)


class StudySource:
    """Where each field of a parsed study was written, to point the coordinator's errors at a line."""

    def __init__(self, walker: Optional[_Walker] = None):
        self._walker = walker

    def locate(self, message: str) -> str:
        """The coordinator's ``<path>: <problem>`` as ``<file>:<line>: <path>: <problem>``."""
        if self._walker is None:
            return message
        ends = [i for i in (message.find(": "), message.find(" (name '")) if i >= 0]
        path = message[:min(ends)] if ends else message
        line = self._walker.line_for(path) if ends else 0
        return f"{self._walker.file}{f':{line}' if line else ''}: {message}"
