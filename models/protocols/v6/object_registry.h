// Objects exported by other modelled virtio devices (RFC "virtio objects"),
// found by UUID when a resource is backed with MEM_TYPE_VIRTIO_OBJECT. An
// exporter registers the guest-memory segments its object occupies; the video
// device resolves the UUID to those segments and then moves data exactly as
// for guest pages.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "models/protocols/v6/wire.h"

namespace vvsim::virtio_video {

class VirtioObjectRegistry {
 public:
  // Returns false (and changes nothing) if the UUID is already exported.
  bool export_object(const Uuid& uuid, std::vector<SgEntry> segments);
  void withdraw(const Uuid& uuid);
  std::optional<std::vector<SgEntry>> resolve(const Uuid& uuid) const;

 private:
  std::map<Uuid, std::vector<SgEntry>> objects_;
};

}  // namespace vvsim::virtio_video
