#include <map>

#include "models/platform/protocol.h"
#include "models/platform/protocol_run.h"

namespace vvsim::models {

// Each protocol's binding file (models/protocols/NAME/) defines its maker;
// the list below registers it. A maker is named here rather than registered
// by a static object in its own file: the linker drops an object file of a
// static library that nothing refers to, and its registration with it.
std::unique_ptr<ProtocolBinding> make_v6_binding();
std::unique_ptr<ProtocolBinding> make_media_binding();
std::unique_ptr<ProtocolBinding> make_v6_async_binding();

namespace {

using Registry = std::map<std::string, std::unique_ptr<ProtocolBinding>>;

const Registry& registry() {
  static const Registry bindings = [] {
    Registry r;
    for (auto make : {make_v6_binding, make_media_binding, make_v6_async_binding}) {
      auto binding = make();
      const std::string name = binding->name();
      r.emplace(name, std::move(binding));
    }
    return r;
  }();
  return bindings;
}

}  // namespace

std::unique_ptr<ProtocolRun> ProtocolBinding::make_run(VideoPlatform&, const RunPlan&) const { return nullptr; }

const NamedValues<uint32_t>& ProtocolBinding::driver_feature_names() const {
  static const NamedValues<uint32_t> none;
  return none;
}

const ProtocolBinding* find_protocol(const std::string& name) {
  const auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second.get();
}

std::vector<std::string> protocol_names() {
  std::vector<std::string> names;
  for (const auto& [name, binding] : registry()) names.push_back(name);
  return names;
}

}  // namespace vvsim::models
