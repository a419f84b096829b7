#include "models/platform/profile_reader.h"

#include "models/platform/input_limits.h"
#include "models/platform/yaml_document.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cstdlib>

namespace vvsim::models {

namespace {

const char* kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    default: return "a scalar";
  }
}

// Integers as integers (a bound of 2^40 reads 1099511627776, not 1.09951e+12).
std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 0x1p53) return fmt::format("{:.0f}", value);
  return fmt::format("{:g}", value);
}

}  // namespace

bool Limits::contains(double value) const {
  const bool above_min = min_exclusive ? value > min : value >= min;
  return above_min && value <= max;
}

std::string Limits::describe() const {
  std::string text = fmt::format("{} {}", min_exclusive ? ">" : ">=", format_number(min));
  if (max < std::numeric_limits<double>::max()) text += fmt::format(" and <= {}", format_number(max));
  return text;
}

ProfileReader::ProfileReader(ProfileSection section) : section_(std::move(section)) {
  const YAML::Node& node = section_.node;
  if (node.IsDefined() && !node.IsNull() && !node.IsMap())
    fail("", fmt::format("expected a map of keys, got {}", kind_of(node)));
}

YAML::Node ProfileReader::lookup(const char* key) {
  asked_.insert(key);
  const YAML::Node& node = section_.node;  // const: operator[] must not insert
  // A missing key yields an invalid node whose type queries throw: normalise.
  if (!node.IsMap() || !node[key].IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return node[key];
}

std::string ProfileReader::place(const std::string& key, const YAML::Mark& mark) const {
  // A value from a --set override is named by that override, not by a file line.
  std::string path = key.empty() ? section_.path : section_.key_path(key);
  // An override below this key gave it its shape (e.g. turned a value into a map).
  for (const auto& [overridden, text] : *section_.overrides)
    if (overridden.rfind(path + ".", 0) == 0) return fmt::format("override '{}'", text);
  while (!path.empty()) {
    auto it = section_.overrides->find(path);
    if (it != section_.overrides->end()) return fmt::format("override '{}'", it->second);
    const auto dot = path.rfind('.');
    path = dot == std::string::npos ? "" : path.substr(0, dot);
  }
  if (mark.is_null()) return section_.source;
  return fmt::format("{}:{}:{}", section_.source, mark.line + 1, mark.column + 1);
}

void ProfileReader::fail(const std::string& key, const std::string& message) const {
  const YAML::Node& node = section_.node;
  YAML::Mark mark = YAML::Mark::null_mark();
  if (!key.empty() && node.IsMap() && node[key]) {
    mark = node[key].Mark();
  } else if (node.IsDefined()) {
    mark = node.Mark();
  }
  const std::string name = key.empty() ? section_.path : section_.key_path(key);
  throw ProfileError(fmt::format("{}: key '{}': {}", place(key, mark), name.empty() ? "<root>" : name, message));
}

uint64_t ProfileReader::parse_unsigned(const char* key, const YAML::Node& node, Limits limits) const {
  if (!node.IsScalar()) fail(key, fmt::format("expected a non-negative integer, got {}", kind_of(node)));
  const std::string& text = node.Scalar();
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = hex ? text.substr(2) : negative ? text.substr(1) : text;
  const char* allowed = hex ? "0123456789abcdefABCDEF" : "0123456789";
  if (digits.empty() || digits.find_first_not_of(allowed) != std::string::npos)
    fail(key, fmt::format("expected a non-negative integer, got '{}'", text));
  if (negative) fail(key, fmt::format("value {} out of range (must be {})", text, limits.describe()));
  errno = 0;
  const uint64_t value = std::strtoull(digits.c_str(), nullptr, hex ? 16 : 10);
  if (errno == ERANGE || !limits.contains(static_cast<double>(value)))
    fail(key, fmt::format("value {} out of range (must be {})", text, limits.describe()));
  return value;
}

void ProfileReader::field(const char* key, uint64_t& value, Limits limits) {
  const YAML::Node node = lookup(key);
  if (node.IsDefined()) value = parse_unsigned(key, node, limits);
}

void ProfileReader::field(const char* key, uint32_t& value, Limits limits) {
  const YAML::Node node = lookup(key);
  limits.max = std::min(limits.max, static_cast<double>(UINT32_MAX));
  if (node.IsDefined()) value = static_cast<uint32_t>(parse_unsigned(key, node, limits));
}

void ProfileReader::field(const char* key, uint16_t& value, Limits limits) {
  const YAML::Node node = lookup(key);
  limits.max = std::min(limits.max, static_cast<double>(UINT16_MAX));
  if (node.IsDefined()) value = static_cast<uint16_t>(parse_unsigned(key, node, limits));
}

void ProfileReader::field(const char* key, double& value, Limits limits) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined()) return;
  if (!node.IsScalar()) fail(key, fmt::format("expected a number, got {}", kind_of(node)));
  const std::string& text = node.Scalar();
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(parsed))
    fail(key, fmt::format("expected a finite number, got '{}'", text));
  if (!limits.contains(parsed)) fail(key, fmt::format("value {} out of range (must be {})", text, limits.describe()));
  value = parsed;
}

void ProfileReader::field(const char* key, bool& value) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined()) return;
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  if (text != "true" && text != "false") fail(key, fmt::format("expected true or false, got {}",
                                                                node.IsScalar() ? "'" + text + "'" : kind_of(node)));
  value = text == "true";
}

void ProfileReader::section(const char* key, const std::function<void(ProfileReader&)>& describe) {
  ProfileSection child{lookup(key), section_.source, section_.key_path(key), section_.overrides};
  ProfileReader reader(std::move(child));
  describe(reader);
  reader.finish();
}

void ProfileReader::field(const char* key, std::string& value) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsScalar()) fail(key, "expected a string");
  value = node.Scalar();
}

void ProfileReader::field(const char* key, std::vector<uint32_t>& values, Limits limits) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) fail(key, "expected a list of numbers");
  values.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    const uint64_t v = parse_unsigned(key, node[i], limits);
    if (v > UINT32_MAX) fail(key, fmt::format("element {} is above {}", i, UINT32_MAX));
    values.push_back(static_cast<uint32_t>(v));
  }
}

void ProfileReader::field(const char* key, std::vector<std::string>& values) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) fail(key, "expected a list of strings");
  values.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) fail(key, fmt::format("element {} is not a string", i));
    values.push_back(node[i].Scalar());
  }
}

bool ProfileReader::has(const char* key) { return lookup(key).IsDefined(); }

void ProfileReader::list(const char* key, const std::function<void(ProfileReader&, size_t)>& describe_element) {
  const YAML::Node node = lookup(key);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) fail(key, "expected a list");
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node element = node[i];
    const std::string path = section_.key_path(key) + "." + std::to_string(i);
    if (!element.IsMap())
      throw ProfileError(fmt::format("{}: key '{}': expected a map", place(std::string(key), element.Mark()), path));
    ProfileReader reader(ProfileSection{element, section_.source, path, section_.overrides});
    describe_element(reader, i);
    reader.finish();
  }
}

void ProfileReader::finish() const {
  if (!section_.node.IsMap()) return;
  for (const auto& entry : section_.node) {
    if (!entry.first.IsScalar())  // e.g. "{ {a: 1}: 2 }": a map or list used as a key
      throw ProfileError(fmt::format("{}: a key must be a name, not {}", place("", entry.first.Mark()),
                                     kind_of(entry.first)));
    const std::string key = entry.first.Scalar();
    if (asked_.count(key) == 0) {
      throw ProfileError(fmt::format("{}: unknown key '{}'", place(key, entry.first.Mark()), section_.key_path(key)));
    }
  }
}

void ProfileWriter::put_plain(const char* key, const std::string& text) {
  if (out_) {
    *out_ << YAML::Key << key << YAML::Value << text;
  } else {
    fields_->emplace_back(path_ + key, text);
  }
}

template <class Value>
void ProfileWriter::put_alone(const char* key, const Value& value) {
  YAML::Emitter alone;
  alone << YAML::Flow << value;
  fields_->emplace_back(path_ + key, alone.c_str());
}

template <class Unsigned>
void ProfileWriter::put_unsigned(const char* key, Unsigned value) {
  if (out_) {
    *out_ << YAML::Key << key << YAML::Value << value;
  } else {
    fields_->emplace_back(path_ + key, std::to_string(value));
  }
}

void ProfileWriter::field(const char* key, uint64_t value, Limits) { put_unsigned(key, value); }

void ProfileWriter::field(const char* key, uint32_t value, Limits) { put_unsigned(key, value); }

void ProfileWriter::field(const char* key, uint16_t value, Limits) { put_unsigned(key, value); }

void ProfileWriter::field(const char* key, const std::string& value) {
  if (!out_) return put_alone(key, value);
  *out_ << YAML::Key << key << YAML::Value << value;
}

void ProfileWriter::field(const char* key, const std::vector<std::string>& values) {
  if (!out_) return put_alone(key, values);
  *out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& v : values) *out_ << v;
  *out_ << YAML::EndSeq;
}

// The shortest text that reads back as the same double (1.1, not 1.1000000000000001).
void ProfileWriter::field(const char* key, double value, Limits) { put_plain(key, fmt::format("{}", value)); }

void ProfileWriter::field(const char* key, bool value) { put_plain(key, value ? "true" : "false"); }

void ProfileWriter::section(const char* key, const std::function<void(ProfileWriter&)>& describe) {
  if (out_) {
    *out_ << YAML::Key << key << YAML::Value << YAML::BeginMap;
    describe(*this);
    *out_ << YAML::EndMap;
    return;
  }
  const std::string outer = path_;
  path_ += std::string(key) + ".";
  describe(*this);
  path_ = outer;
}

void apply_override(YAML::Node& root, const std::string& assignment, OverrideMap& overrides) {
  const auto equals = assignment.find('=');
  const std::string path = assignment.substr(0, equals);
  if (equals == std::string::npos || path.empty() || path.front() == '.' || path.back() == '.' ||
      path.find("..") != std::string::npos)
    throw ProfileError(fmt::format("override '{}': expected key.path=value", assignment));
  if (const auto bad = first_invalid_utf8(assignment))
    throw ProfileError(fmt::format("override '{}': not valid UTF-8 (byte {})", assignment, *bad));
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(equals + 1));
  } catch (const YAML::Exception& e) {
    throw ProfileError(fmt::format("override '{}': value is not valid YAML: {}", assignment, e.msg));
  }
  check_yaml_tree(value, fmt::format("override '{}'", assignment));
  if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
  YAML::Node cursor = root;
  size_t begin = 0;
  for (size_t dot = path.find('.'); dot != std::string::npos; begin = dot + 1, dot = path.find('.', begin)) {
    const std::string segment = path.substr(begin, dot - begin);
    if (cursor.IsSequence()) {  // "streams.0.x": an existing element of a list
      // Compared as digits, not converted: an index beyond any integer type is simply past the end.
      const bool numeric = !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
      const std::string index = numeric ? segment.substr(std::min(segment.find_first_not_of('0'), segment.size() - 1)) : "";
      const std::string size = std::to_string(cursor.size());
      const bool below_size =
          numeric && (index.size() < size.size() || (index.size() == size.size() && index < size));
      if (!below_size)
        throw ProfileError(fmt::format("override '{}': '{}' has no element '{}' (it has {}, numbered from 0)",
                                       assignment, path.substr(0, begin - 1), segment, cursor.size()));
      YAML::Node element = cursor[std::stoul(index)];
      if (!element.IsMap() && !element.IsSequence())
        throw ProfileError(fmt::format("override '{}': '{}' is a value, not a section", assignment, path.substr(0, dot)));
      cursor.reset(element);
      continue;
    }
    if (!cursor[segment] || cursor[segment].IsNull()) cursor[segment] = YAML::Node(YAML::NodeType::Map);
    YAML::Node next = cursor[segment];
    if (!next.IsMap() && !next.IsSequence())
      throw ProfileError(fmt::format("override '{}': '{}' is a value, not a section", assignment, path.substr(0, dot)));
    cursor.reset(next);  // rebind, not assign: assigning would overwrite the parent's content
  }
  if (cursor.IsSequence())  // "streams.x": a list's elements are numbered
    throw ProfileError(fmt::format("override '{}': '{}' is a list (give an element number, e.g. '{}.0.{}')", assignment,
                                   path.substr(0, begin - 1), path.substr(0, begin - 1), path.substr(begin)));
  cursor[path.substr(begin)] = value;
  overrides[path] = assignment;
}

std::string read_yaml_file(const std::string& path, const char* what) {
  const uintmax_t kMaxBytes = kInputLimits.yaml_file_bytes;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ProfileError(fmt::format("{}: cannot open {}: not a regular file", path, what));
  if (std::filesystem::file_size(path, ec) > kMaxBytes)
    throw ProfileError(fmt::format("{}: {} of {} bytes (at most {})", path, what, std::filesystem::file_size(path, ec),
                                   kMaxBytes));
  std::ifstream file(path);
  if (!file) throw ProfileError(fmt::format("{}: cannot open {}", path, what));
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void read_profile_text(const std::string& yaml, const std::string& source, const std::vector<std::string>& overrides,
                       const std::function<void(ProfileReader&)>& describe,
                       const std::function<void(const ProfileReader&)>& check) {
  YAML::Node root = parse_yaml_document(yaml, source);
  auto applied = std::make_shared<OverrideMap>();
  for (const std::string& assignment : overrides) apply_override(root, assignment, *applied);
  ProfileReader reader(ProfileSection{root, source, "", applied});
  describe(reader);
  reader.finish();
  if (check) check(reader);
}

}  // namespace vvsim::models
