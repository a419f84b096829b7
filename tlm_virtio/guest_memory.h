// Guest physical memory: a TLM-2.0 target, sparse (a page is allocated on its
// first write; untouched pages read as zeros), with DMI granted per page. A
// read-only DMI request for an untouched page is granted a shared page of
// zeros (so reading does not allocate); the grant is invalidated when the page
// is allocated.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

class GuestMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<GuestMemory> socket;

  static constexpr uint64_t kPageSize = 64 * 1024;

  GuestMemory(sc_core::sc_module_name name, const GuestMemoryProfile& profile = {});

  uint64_t size() const { return profile_.size_bytes; }
  bool contains(uint64_t addr, uint64_t len) const { return len <= size() && addr <= size() - len; }
  // Untimed access for loaders and tests; false (nothing touched) when out of range.
  bool backdoor_read(uint64_t addr, uint8_t* dst, uint64_t len) const;
  bool backdoor_write(uint64_t addr, const uint8_t* src, uint64_t len);
  // Pages that hold data: host memory in use is this times kPageSize.
  size_t pages_allocated() const { return pages_.size(); }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  bool access(tlm::tlm_generic_payload& trans);
  uint8_t* page(uint64_t index);

  GuestMemoryProfile profile_;
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
  bool zero_page_granted_ = false;  // some initiator may hold a read-only grant of an untouched page
};

}  // namespace vvsim::tlm_virtio
