#include "tlm_virtio/guest_memory.h"

#include <algorithm>
#include <cstring>

namespace vvsim::tlm_virtio {

GuestMemory::GuestMemory(sc_core::sc_module_name name, const GuestMemoryProfile& profile)
    : sc_module(name), socket("socket"), profile_(profile) {
  socket.register_b_transport(this, &GuestMemory::b_transport);
  socket.register_transport_dbg(this, &GuestMemory::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &GuestMemory::get_direct_mem_ptr);
}

namespace {
const uint8_t kZeroPage[GuestMemory::kPageSize] = {};
}  // namespace

uint8_t* GuestMemory::page(uint64_t index) {
  auto& p = pages_[index];
  if (!p) {
    p.reset(new uint8_t[kPageSize]);
    std::memset(p.get(), 0, kPageSize);
    if (zero_page_granted_) socket->invalidate_direct_mem_ptr(index * kPageSize, (index + 1) * kPageSize - 1);
  }
  return p.get();
}

bool GuestMemory::backdoor_read(uint64_t addr, uint8_t* dst, uint64_t len) const {
  if (!contains(addr, len)) return false;
  while (len > 0) {
    const uint64_t offset = addr % kPageSize;
    const uint64_t chunk = std::min(len, kPageSize - offset);
    auto it = pages_.find(addr / kPageSize);
    if (it == pages_.end())
      std::memset(dst, 0, chunk);
    else
      std::memcpy(dst, it->second.get() + offset, chunk);
    addr += chunk, dst += chunk, len -= chunk;
  }
  return true;
}

bool GuestMemory::backdoor_write(uint64_t addr, const uint8_t* src, uint64_t len) {
  if (!contains(addr, len)) return false;
  while (len > 0) {
    const uint64_t offset = addr % kPageSize;
    const uint64_t chunk = std::min(len, kPageSize - offset);
    std::memcpy(page(addr / kPageSize) + offset, src, chunk);
    addr += chunk, src += chunk, len -= chunk;
  }
  return true;
}

bool GuestMemory::access(tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const uint64_t len = trans.get_data_length();
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  bool ok = false;
  if (trans.is_read())
    ok = backdoor_read(addr, trans.get_data_ptr(), len);
  else if (trans.is_write())
    ok = backdoor_write(addr, trans.get_data_ptr(), len);
  else
    ok = contains(addr, len);
  trans.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  if (ok) trans.set_dmi_allowed(true);
  return ok;
}

// Memory answers in zero time: the bus charges the transfer.
void GuestMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) { access(trans); }

unsigned int GuestMemory::transport_dbg(tlm::tlm_generic_payload& trans) {
  return access(trans) ? trans.get_data_length() : 0;
}

bool GuestMemory::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const uint64_t addr = trans.get_address();
  if (!contains(addr, 1)) return false;
  const uint64_t index = addr / kPageSize;
  dmi.set_start_address(index * kPageSize);
  dmi.set_end_address(std::min(size(), (index + 1) * kPageSize) - 1);
  if (trans.is_read() && pages_.count(index) == 0) {
    dmi.set_dmi_ptr(const_cast<uint8_t*>(kZeroPage));  // read-only: nobody writes through it
    dmi.allow_read();
    zero_page_granted_ = true;
  } else {
    dmi.set_dmi_ptr(page(index));
    dmi.allow_read_write();
  }
  dmi.set_read_latency(sc_core::SC_ZERO_TIME);
  dmi.set_write_latency(sc_core::SC_ZERO_TIME);
  return true;
}

}  // namespace vvsim::tlm_virtio
