// Strict YAML reading for profiles: every value is checked for type and
// range, every key a loader does not ask for is an error, and every error
// names its place (file:line:column and the dotted key, or the --set override
// that supplied the value). Profile structs describe their fields once, as
//   template <class V, class P> void describe(V& v, P& profile) {
//     v.field("clock_mhz", profile.clock_mhz, Limits::above(0));
//     v.section("decode", [&](V& sub) { ... });
//   }
// and the same description drives ProfileReader (YAML -> struct) and
// ProfileWriter (struct -> YAML), so the two cannot drift apart.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace vvsim::models {

class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The text of a YAML file (`what`: "profile", "scenario"). Refuses, naming
// the path, what cannot be opened, is not a regular file (a device or FIFO
// would never end) or is larger than any real profile (16 MiB).
std::string read_yaml_file(const std::string& path, const char* what);

// Accepted range of a numeric field (inclusive unless min_exclusive).
struct Limits {
  double min = 0.0;
  double max = std::numeric_limits<double>::max();
  bool min_exclusive = false;

  static Limits at_least(double min) { return {min, std::numeric_limits<double>::max(), false}; }
  static Limits above(double min) { return {min, std::numeric_limits<double>::max(), true}; }
  static Limits between(double min, double max) { return {min, max, false}; }
  static Limits exclusive_between(double min, double max) { return {min, max, true}; }
  bool contains(double value) const;
  std::string describe() const;
};

// The YAML names of an enum's values, e.g. {{"decoder", Role::Decoder}, ...}.
template <class E>
using NamedValues = std::vector<std::pair<const char*, E>>;

// "a, b, c": the names, for messages and docs.
template <class E>
std::string joined_names(const NamedValues<E>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + std::string(n.first);
  return text;
}

// The name of `value` in `names` ("?" if it has none).
template <class E>
const char* name_of(E value, const NamedValues<E>& names) {
  for (const auto& n : names)
    if (n.second == value) return n.first;
  return "?";
}

// `key.path` -> the override text that set it ("engine.clock_mhz=800").
using OverrideMap = std::map<std::string, std::string>;

// A YAML subtree together with what is needed to name a place in it.
struct ProfileSection {
  YAML::Node node;       // a map, or undefined/null when the section is absent
  std::string source;    // file name (or "<string>") for messages
  std::string path;      // dotted key of this section, "" at the root
  std::shared_ptr<const OverrideMap> overrides = std::make_shared<OverrideMap>();

  std::string key_path(const std::string& key) const { return path.empty() ? key : path + "." + key; }
};

class ProfileReader {
 public:
  explicit ProfileReader(ProfileSection section);

  // Absent keys leave the field at its current (default) value.
  void field(const char* key, uint64_t& value, Limits limits = {});
  void field(const char* key, uint32_t& value, Limits limits = {});
  void field(const char* key, uint16_t& value, Limits limits = {});
  void field(const char* key, double& value, Limits limits = {});
  void field(const char* key, bool& value);
  void field(const char* key, std::string& value);
  // One of `names` (an enum), or a list of them.
  template <class E>
  void choice(const char* key, E& value, const NamedValues<E>& names) {
    std::string text;
    field(key, text);
    if (has(key)) value = lookup_name(key, text, names);
  }
  template <class E>
  void choices(const char* key, std::vector<E>& values, const NamedValues<E>& names) {
    std::vector<std::string> texts;
    field(key, texts);
    if (!has(key)) return;
    values.clear();
    for (const auto& text : texts) values.push_back(lookup_name(key, text, names));
  }
  // A sequence of scalars.
  void field(const char* key, std::vector<uint32_t>& values, Limits limits = {});
  void field(const char* key, std::vector<std::string>& values);
  // Whether the section has this key (it counts as asked for).
  bool has(const char* key);
  void section(const char* key, const std::function<void(ProfileReader&)>& describe);
  // A sequence of maps; each element is read as section "key.N".
  void list(const char* key, const std::function<void(ProfileReader&, size_t)>& describe_element);

  // Fails on the first key of this section nobody asked for.
  void finish() const;

  // A ProfileError at the place of `key` (or of the section when key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  const ProfileSection& where() const { return section_; }

 private:
  YAML::Node lookup(const char* key);
  std::string place(const std::string& key, const YAML::Mark& mark) const;
  uint64_t parse_unsigned(const char* key, const YAML::Node& node, Limits limits) const;
  template <class E>
  E lookup_name(const char* key, const std::string& text, const NamedValues<E>& names) const {
    for (const auto& n : names)
      if (text == n.first) return n.second;
    fail(key, "'" + text + "' is not one of " + joined_names(names));
  }

  ProfileSection section_;
  std::set<std::string> asked_;
};

// (key path, value as YAML text), e.g. ("bus.clock_mhz", "400").
using ProfileField = std::pair<std::string, std::string>;

// Writes the fields as YAML into an emitter, or lists them as ProfileFields
// in the same order, each value's text what YAML writes for that value alone
// (what reading the emitter's document back and writing each leaf would give,
// without the cost of that round trip).
class ProfileWriter {
 public:
  explicit ProfileWriter(YAML::Emitter& out) : out_(&out) {}
  explicit ProfileWriter(std::vector<ProfileField>& fields) : fields_(&fields) {}

  void field(const char* key, uint64_t value, Limits = {});
  void field(const char* key, uint32_t value, Limits = {});
  void field(const char* key, uint16_t value, Limits = {});
  void field(const char* key, double value, Limits = {});
  void field(const char* key, bool value);
  void field(const char* key, const std::string& value);
  void field(const char* key, const std::vector<std::string>& values);
  template <class E>
  void choice(const char* key, E value, const NamedValues<E>& names) {
    field(key, std::string(name_of(value, names)));
  }
  template <class E>
  void choices(const char* key, const std::vector<E>& values, const NamedValues<E>& names) {
    std::vector<std::string> texts;
    for (E v : values) texts.push_back(name_of(v, names));
    field(key, texts);
  }
  void section(const char* key, const std::function<void(ProfileWriter&)>& describe);

 private:
  // Decimal digits, a plain scalar.
  template <class Unsigned>
  void put_unsigned(const char* key, Unsigned value);
  // A double or a bool as the text the emitter writes as it is (a plain scalar).
  void put_plain(const char* key, const std::string& text);
  // A string or a list of strings as a field: written alone, the emitter
  // decides its quoting.
  template <class Value>
  void put_alone(const char* key, const Value& value);

  YAML::Emitter* out_ = nullptr;
  std::vector<ProfileField>* fields_ = nullptr;
  std::string path_;  // the key path of the section being listed, "" or ending in '.'
};

// Parses "key.path=value" and sets that key in `root`, creating maps on the
// way; records the override in `overrides` so errors name it.
void apply_override(YAML::Node& root, const std::string& assignment, OverrideMap& overrides);

// Parses YAML text (`source` names it in messages), applies `overrides` and
// reads the whole document with `describe`; a key nobody asked for is an
// error. Then `check` (if any) checks values against each other, naming keys
// through the reader.
void read_profile_text(const std::string& yaml, const std::string& source, const std::vector<std::string>& overrides,
                       const std::function<void(ProfileReader&)>& describe,
                       const std::function<void(const ProfileReader&)>& check = {});

}  // namespace vvsim::models
