#include "models/protocols/v6/object_registry.h"

namespace vvsim::virtio_video {

bool VirtioObjectRegistry::export_object(const Uuid& uuid, std::vector<SgEntry> segments) {
  return objects_.emplace(uuid, std::move(segments)).second;
}

void VirtioObjectRegistry::withdraw(const Uuid& uuid) { objects_.erase(uuid); }

std::optional<std::vector<SgEntry>> VirtioObjectRegistry::resolve(const Uuid& uuid) const {
  auto it = objects_.find(uuid);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

}  // namespace vvsim::virtio_video
