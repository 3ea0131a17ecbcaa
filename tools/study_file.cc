#include "tools/study_file.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/base/printable.h"
#include "common/base/status_macros.h"
#include "common/spec/spec_validation.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "proto/limits.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/yaml.h"

namespace hyperlab::tools {
namespace {

namespace pb = google::protobuf;
using nlohmann::json;

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

// A field's name in paths and messages: its explicit JSON name (`double`) or else its proto name.
std::string DisplayName(const pb::FieldDescriptor* f) {
  return f->has_json_name() ? f->json_name() : f->name();
}

// What a node is, for "expected X, got Y".
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return absl::StrCat("'", absl::CHexEscape(node.Scalar()), "'");
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

// What a scalar field takes, for "expected X".
std::string Expected(const pb::FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return "an integer";
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return "a non-negative integer";
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      std::vector<std::string> names;
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        const std::string& name = f->enum_type()->value(i)->name();
        if (!absl::EndsWith(name, "_UNSPECIFIED")) names.push_back(absl::AsciiStrToLower(name));
      }
      return absl::StrCat("one of ", absl::StrJoin(names, ", "));
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return "a map";
    default:
      return "a string";
  }
}

// Converts a YAML document to protobuf JSON for one message type, remembering the line of every field.
//
// yaml-cpp loads an alias as a second reference to the anchored node, so a small file can name an
// exponential number of nodes ("billion laughs"); the walk below visits each reference. It charges every
// node it visits and the bytes of every scalar against max_study_file_nodes and max_study_file_bytes
// (proto/limits.h) and stops at the first node over either, so the JSON, the line map and the time spent
// stay bounded by what a file without aliases could hold.
class YamlToJson {
 public:
  explicit YamlToJson(std::string file) : file_(std::move(file)) {}

  // "<file>:<line>: <path>: <what>"; the line and path are left out when unknown or empty.
  absl::Status Error(int line, absl::string_view path, absl::string_view what) const {
    std::string message = absl::StrCat(file_, line > 0 ? absl::StrCat(":", line) : "", ": ", path,
                                       path.empty() ? "" : ": ", what);
    return absl::InvalidArgumentError(absl::StrReplaceAll(message, {{"\n", "\\n"}, {"\r", "\\r"}}));
  }

  // The line where `path` or its longest recorded prefix was written; 0 when none was.
  int LineFor(std::string path) const {
    while (true) {
      auto it = lines_.find(path);
      if (it != lines_.end()) return it->second;
      const size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos) return 0;
      path.resize(cut);
    }
  }

  absl::StatusOr<json> Message(const YAML::Node& node, const pb::Descriptor* type, const std::string& path) {
    if (!node.IsMap()) return Error(LineOf(node), path, absl::StrCat("expected a map, got ", Describe(node)));
    json out = json::object();
    std::map<const pb::FieldDescriptor*, int> seen;  // Field -> line.
    std::map<const pb::OneofDescriptor*, const pb::FieldDescriptor*> oneofs;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      const int line = LineOf(key);
      RETURN_IF_ERROR(Charge(key, path));
      if (!key.IsScalar()) {
        return Error(line, path, absl::StrCat("expected a field name, got ", Describe(key)));
      }
      const pb::FieldDescriptor* field = FindField(type, key.Scalar());
      if (field == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < type->field_count(); ++i) names.push_back(DisplayName(type->field(i)));
        return Error(line, path,
                     absl::StrCat("unknown field '", absl::CHexEscape(key.Scalar()), "'; expected one of ",
                                  absl::StrJoin(names, ", ")));
      }
      const std::string child =
          path.empty() ? DisplayName(field) : absl::StrCat(path, ".", DisplayName(field));
      if (auto [it, inserted] = seen.emplace(field, line); !inserted) {
        return Error(line, child, absl::StrCat("set twice (also line ", it->second, ")"));
      }
      if (const pb::OneofDescriptor* oneof = field->real_containing_oneof(); oneof != nullptr) {
        if (auto [it, inserted] = oneofs.emplace(oneof, field); !inserted) {
          std::vector<std::string> names;
          for (int i = 0; i < oneof->field_count(); ++i) names.push_back(DisplayName(oneof->field(i)));
          return Error(line, path,
                       absl::StrCat("'", DisplayName(it->second), "' and '", DisplayName(field),
                                    "' are both set; set only one of ", absl::StrJoin(names, ", ")));
        }
      }
      lines_[child] = line;
      ASSIGN_OR_RETURN(json value, Field(entry.second, field, child));
      if (!value.is_null()) out[field->name()] = std::move(value);
    }
    return out;
  }

 private:
  // Matches a key against the field's proto name and JSON name (`max_trials`, `maxTrials`, `double`).
  static const pb::FieldDescriptor* FindField(const pb::Descriptor* type, const std::string& key) {
    for (int i = 0; i < type->field_count(); ++i) {
      const pb::FieldDescriptor* f = type->field(i);
      if (key == f->name() || key == f->json_name()) return f;
    }
    return nullptr;
  }

  // A whole field: a list for a repeated field, a map for a map field, else one value. Null JSON: unset.
  absl::StatusOr<json> Field(const YAML::Node& node, const pb::FieldDescriptor* f, const std::string& path) {
    if (f->is_map()) {
      if (node.IsNull()) return json();
      if (!node.IsMap())
        return Error(LineOf(node), path, absl::StrCat("expected a map, got ", Describe(node)));
      const pb::FieldDescriptor* value_field = f->message_type()->map_value();
      // A parameter's children map a value to a list written as the list itself (`sgd: [...]`), at
      // the path `children[sgd]`.
      const bool list_values = value_field->message_type() == v1::ParameterList::descriptor();
      json out = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return Error(LineOf(entry.first), path,
                       absl::StrCat("expected a name, got ", Describe(entry.first)));
        }
        RETURN_IF_ERROR(Charge(entry.first, path));
        const std::string child = list_values ? absl::StrCat(path, "[", entry.first.Scalar(), "]")
                                              : absl::StrCat(path, ".", entry.first.Scalar());
        lines_[child] = LineOf(entry.first);
        if (list_values) {
          const pb::FieldDescriptor* list = v1::ParameterList::descriptor()->FindFieldByName("parameters");
          ASSIGN_OR_RETURN(json parameters, Field(entry.second, list, child));
          out[entry.first.Scalar()] = json{{"parameters", parameters.is_null() ? json::array() : parameters}};
          continue;
        }
        ASSIGN_OR_RETURN(out[entry.first.Scalar()],
                         Value(entry.second, value_field, child, /*required=*/true));
      }
      return out;
    }
    if (f->is_repeated()) {
      if (node.IsNull()) return json();
      if (!node.IsSequence()) {
        return Error(LineOf(node), path, absl::StrCat("expected a list, got ", Describe(node)));
      }
      json out = json::array();
      size_t index = 0;
      RETURN_IF_ERROR(Charge(node, path));
      for (const YAML::Node& element : node) {
        const std::string child = absl::StrCat(path, "[", index++, "]");
        lines_[child] = LineOf(element);
        ASSIGN_OR_RETURN(json value, Value(element, f, child, /*required=*/true));
        out.push_back(std::move(value));
      }
      return out;
    }
    return Value(node, f, path, /*required=*/false);
  }

  // One value of field `f`. An empty message value (`random:`) is the empty message; an empty scalar is
  // unset unless `required` (a list element or a map value).
  absl::StatusOr<json> Value(const YAML::Node& node, const pb::FieldDescriptor* f, const std::string& path,
                             bool required) {
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (node.IsNull()) return json::object();
      return Message(node, f->message_type(), path);
    }
    RETURN_IF_ERROR(Charge(node, path));
    if (node.IsNull() && !required) return json();
    if (!node.IsScalar()) {
      return Error(LineOf(node), path, absl::StrCat("expected ", Expected(f), ", got ", Describe(node)));
    }
    const std::string& text = node.Scalar();
    auto bad = [&] {
      return Error(LineOf(node), path, absl::StrCat("expected ", Expected(f), ", got ", Describe(node)));
    };
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        int64_t v;
        if (!absl::SimpleAtoi(text, &v)) return bad();
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 &&
            (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
          return Error(LineOf(node), path, absl::StrCat("out of range for a 32-bit integer, got ", v));
        }
        return json(v);
      }
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t v;
        if (!absl::SimpleAtoi(text, &v)) return bad();
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT32 &&
            v > std::numeric_limits<uint32_t>::max()) {
          return Error(LineOf(node), path, absl::StrCat("out of range for a 32-bit integer, got ", v));
        }
        return json(v);
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        return Number(text, bad);
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        if (absl::EqualsIgnoreCase(text, "true")) return json(true);
        if (absl::EqualsIgnoreCase(text, "false")) return json(false);
        return bad();
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          const std::string& name = f->enum_type()->value(i)->name();
          if (absl::EqualsIgnoreCase(text, name)) return json(name);
        }
        return Error(LineOf(node), path,
                     absl::StrCat("unknown value ", Describe(node), "; expected ", Expected(f)));
      default:
        return json(text);
    }
  }

  // A YAML number, including YAML's `.inf`, `-.inf` and `.nan` (sent as protobuf JSON's strings).
  template <typename Bad>
  static absl::StatusOr<json> Number(const std::string& text, Bad bad) {
    double v;
    const std::string lower = absl::AsciiStrToLower(text);
    if (lower == ".inf" || lower == "+.inf") {
      v = std::numeric_limits<double>::infinity();
    } else if (lower == "-.inf") {
      v = -std::numeric_limits<double>::infinity();
    } else if (lower == ".nan") {
      v = std::numeric_limits<double>::quiet_NaN();
    } else if (!absl::SimpleAtod(text, &v)) {
      return bad();
    }
    if (std::isnan(v)) return json("NaN");
    if (std::isinf(v)) return json(v > 0 ? "Infinity" : "-Infinity");
    return json(v);
  }

  // Counts one more visited node (and its text, for a scalar); an error once either total is over its
  // limit. Called before a node is converted.
  absl::Status Charge(const YAML::Node& node, absl::string_view path) {
    ++nodes_;
    if (node.IsScalar()) scalar_bytes_ += node.Scalar().size();
    if (nodes_ > kMaxStudyFileNodes) {
      return Error(LineOf(node), path,
                   absl::StrCat("the document has over ", kMaxStudyFileNodes,
                                " nodes with its aliases expanded, over the limit max_study_file_nodes = ",
                                kMaxStudyFileNodes, " (does an alias repeat a large anchor?)"));
    }
    if (scalar_bytes_ > kMaxStudyFileBytes) {
      return Error(LineOf(node), path,
                   absl::StrCat("the document has over ", kMaxStudyFileBytes,
                                " bytes of text with its aliases expanded, over the limit "
                                "max_study_file_bytes = ",
                                kMaxStudyFileBytes, " (does an alias repeat a large anchor?)"));
    }
    return absl::OkStatus();
  }

  std::string file_;
  std::map<std::string, int> lines_;  // Field path -> line where it was written.
  int64_t nodes_ = 0;                 // Nodes visited, aliases counted each time.
  size_t scalar_bytes_ = 0;           // Scalar text visited, aliases counted each time.
};

}  // namespace

namespace {

// The 1-based line of the first byte that cannot be in a study file, with what it is; {0, ""} when there is
// none. A study file is UTF-8 text (the JSON step cannot carry anything else), and YAML allows no control
// characters but tab, line feed and carriage return; yaml-cpp 0.7 loops without end, allocating, on some
// inputs with a NUL byte. Both found by tools/fuzz/study_file_fuzzer.
std::pair<int, std::string> FirstNonText(absl::string_view text) {
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') ++line;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return {line, absl::StrFormat("control character 0x%02x; a study file is text", c)};
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return {line, "not UTF-8 text (a study file must be UTF-8)"};
    i += length;
  }
  return {0, ""};
}

// Counts documents and remembers where each starts, building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark.line + 1); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
  std::vector<int> starts;  // Line of each document's start.
};

// The file's documents, at most two (enough to say "one document only"). Unlike YAML::LoadAll, it always
// ends: yaml-cpp 0.7's LoadAll loops without end, allocating, on a stray ',' where a document starts
// (found by tools/fuzz/study_file_fuzzer). Throws YAML::Exception on a syntax error.
std::vector<YAML::Node> LoadAtMostTwoDocuments(const std::string& text, int* second_line) {
  std::stringstream stream(text);
  YAML::Parser parser(stream);
  DocumentCounter counter;
  while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
  }
  if (counter.starts.empty()) return {};
  std::vector<YAML::Node> documents = {YAML::Load(text)};
  if (counter.starts.size() > 1) {
    *second_line = counter.starts[1];
    documents.push_back(YAML::Node());
  }
  return documents;
}

}  // namespace

absl::StatusOr<v1::StudySpec> ParseStudyYaml(absl::string_view yaml,
                                             const std::string& file_name_for_errors) {
  YamlToJson converter(file_name_for_errors);
  if (yaml.size() > kMaxStudyFileBytes) {
    return converter.Error(
        0, "",
        absl::StrCat(yaml.size(), " bytes, over the limit max_study_file_bytes = ", kMaxStudyFileBytes));
  }
  if (auto [line, what] = FirstNonText(yaml); line != 0) return converter.Error(line, "", what);
  std::vector<YAML::Node> documents;
  int second_document_line = 0;
  try {
    documents = LoadAtMostTwoDocuments(std::string(yaml), &second_document_line);
  } catch (const YAML::Exception& e) {
    return converter.Error(e.mark.is_null() ? 0 : e.mark.line + 1, "",
                           absl::StrCat("YAML syntax error: ", e.msg));
  }
  if (documents.empty() || (documents.size() == 1 && documents[0].IsNull())) {
    return converter.Error(0, "",
                           "empty study file; expected a map of fields (name, objective, parameters, ...)");
  }
  if (documents.size() > 1) {
    return converter.Error(second_document_line, "", "expected one YAML document, found a second one");
  }
  const YAML::Node& root = documents[0];
  if (!root.IsMap()) {
    return converter.Error(
        LineOf(root), "",
        absl::StrCat("expected a map of fields (name, objective, parameters, ...), got ", Describe(root)));
  }
  json spec_json;
  try {
    ASSIGN_OR_RETURN(spec_json, converter.Message(root, v1::StudySpec::descriptor(), ""));
  } catch (const YAML::Exception& e) {
    return converter.Error(e.mark.is_null() ? 0 : e.mark.line + 1, "", e.msg);
  }

  v1::StudySpec spec;
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  // `replace`: never throw on a string that is not UTF-8 (the text check above should make that impossible).
  const auto parsed = pb::util::JsonStringToMessage(
      spec_json.dump(-1, ' ', false, json::error_handler_t::replace), &spec, options);
  if (!parsed.ok()) {
    return converter.Error(0, "", std::string(parsed.message().data(), parsed.message().size()));
  }

  const absl::Status valid = ValidateStudySpec(spec);
  if (!valid.ok()) {
    // The validator's message is "<path>: <problem>" or "<path> (name '<parameter>'): <problem>"; point
    // at the line where that path was written.
    const absl::string_view message = valid.message();
    const absl::string_view path = message.substr(0, std::min(message.find(": "), message.find(" (name '")));
    const int line = path.size() == message.size() ? 0 : converter.LineFor(std::string(path));
    return converter.Error(line, "", message);
  }
  return spec;
}

absl::StatusOr<v1::StudySpec> LoadStudyFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  // Reads at most one byte over the limit, so a huge or endless file (/dev/zero) is refused, not loaded.
  std::string text;
  char buffer[1 << 16];
  size_t n;
  while (text.size() <= kMaxStudyFileBytes &&
         (n = std::fread(buffer, 1, std::min(sizeof(buffer), kMaxStudyFileBytes + 1 - text.size()), file)) >
             0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read: ", std::strerror(error)));
  if (text.size() > kMaxStudyFileBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": over ", kMaxStudyFileBytes,
                     " bytes, over the limit max_study_file_bytes = ", kMaxStudyFileBytes));
  }
  return ParseStudyYaml(text, path);
}

}  // namespace hyperlab::tools
