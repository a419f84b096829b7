#include "models/platform/yaml_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/platform/input_limits.h"
#include "models/platform/profile_reader.h"

namespace vvsim::models {

namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 if it is malformed.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint32_t code = 0, min_code = 0;
  if ((lead & 0xE0) == 0xC0) length = 2, code = lead & 0x1F, min_code = 0x80;
  else if ((lead & 0xF0) == 0xE0) length = 3, code = lead & 0x0F, min_code = 0x800;
  else if ((lead & 0xF8) == 0xF0) length = 4, code = lead & 0x07, min_code = 0x10000;
  else return 0;
  if (text.size() - i < length) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = code << 6 | (byte(i + k) & 0x3F);
  }
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return code < min_code || surrogate || code > 0x10FFFF ? 0 : length;
}

std::string place(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

class TreeCheck {
 public:
  explicit TreeCheck(const std::string& source) : source_(source) {}

  void check(const YAML::Node& node, const std::string& path, size_t depth) const {
    const std::string name = path.empty() ? "<root>" : path;
    if (depth > kInputLimits.yaml_depth)
      fail(node, fmt::format("key '{}': nested deeper than {} levels", name, kInputLimits.yaml_depth));
    if (node.IsScalar() && node.Scalar().size() > kInputLimits.yaml_scalar_bytes)
      fail(node, fmt::format("key '{}': value of {} bytes (at most {})", name, node.Scalar().size(),
                             kInputLimits.yaml_scalar_bytes));
    if ((node.IsSequence() || node.IsMap()) && node.size() > kInputLimits.yaml_collection_size)
      fail(node, fmt::format("key '{}': {} {} (at most {})", name, node.size(),
                             node.IsMap() ? "keys" : "elements", kInputLimits.yaml_collection_size));
    if (node.IsSequence())
      for (size_t i = 0; i < node.size(); ++i) check(node[i], child(path, std::to_string(i)), depth + 1);
    if (node.IsMap()) check_map(node, path, depth);
  }

 private:
  void check_map(const YAML::Node& node, const std::string& path, size_t depth) const {
    std::map<std::string, YAML::Mark> seen;
    for (const auto& entry : node) {
      check(entry.first, path, depth + 1);
      if (entry.first.IsScalar()) {
        const std::string& key = entry.first.Scalar();
        const auto [first, inserted] = seen.emplace(key, entry.first.Mark());
        if (!inserted)
          fail(entry.first, fmt::format("key '{}' given twice (first at line {})", child(path, key),
                                        first->second.line + 1));
        check(entry.second, child(path, key), depth + 1);
      } else {
        check(entry.second, path, depth + 1);
      }
    }
  }

  static std::string child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw ProfileError(fmt::format("{}: {}", place(source_, node.Mark()), message));
  }

  const std::string& source_;
};

}  // namespace

std::optional<size_t> first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

void check_yaml_tree(const YAML::Node& node, const std::string& source) { TreeCheck(source).check(node, "", 0); }

YAML::Node parse_yaml_document(const std::string& text, const std::string& source) {
  if (text.size() > kInputLimits.yaml_file_bytes)
    throw ProfileError(fmt::format("{}: {} bytes of YAML (at most {})", source, text.size(),
                                   kInputLimits.yaml_file_bytes));
  if (const auto bad = first_invalid_utf8(text)) {
    const size_t newline = *bad == 0 ? std::string::npos : text.rfind('\n', *bad - 1);
    const size_t line = size_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(*bad), '\n')) + 1;
    const size_t column = newline == std::string::npos ? *bad + 1 : *bad - newline;
    throw ProfileError(fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x})", source, line, column,
                                   static_cast<unsigned char>(text[*bad])));
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ProfileError(fmt::format("{}:{}:{}: not valid YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  check_yaml_tree(root, source);
  return root;
}

}  // namespace vvsim::models
