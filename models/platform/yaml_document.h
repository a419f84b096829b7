// YAML text to a document tree, with the checks yaml-cpp does not make:
// size and nesting limits (models/input_limits.h), valid UTF-8 and keys given
// twice in one map (yaml-cpp keeps both and lookups take the first). Every
// refusal is a ProfileError naming file:line:column.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

namespace vvsim::models {

// Byte offset of the first byte that is not part of well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF included).
std::optional<size_t> first_invalid_utf8(std::string_view text);

// Parses `text` (`source` names it in messages) and checks the whole tree.
YAML::Node parse_yaml_document(const std::string& text, const std::string& source);

// The tree checks alone, for a value that did not come from a file (a --set
// override); `source` names it.
void check_yaml_tree(const YAML::Node& node, const std::string& source);

}  // namespace vvsim::models
