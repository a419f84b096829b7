#include "tlm_virtio/memory_port.h"

namespace vvsim::tlm_virtio {

MemoryPort::MemoryPort(const char* name) : socket(name) {}

AccessStatus MemoryPort::transport(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len) {
  tlm::tlm_generic_payload& trans = payload_;  // reused: b_transport never waits, so no call overlaps another
  trans.set_command(command);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(static_cast<unsigned int>(len));
  trans.set_streaming_width(static_cast<unsigned int>(len));
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = local_offset_;
  socket->b_transport(trans, delay);
  ++transactions_;
  if (batch_depth_ > 0) {
    local_offset_ = delay;
  } else {
    local_offset_ = sc_core::SC_ZERO_TIME;
    sc_core::wait(delay);
  }
  return trans.is_response_ok() ? AccessStatus::Ok : AccessStatus::AddressError;
}

void MemoryPort::end_batch() {
  if (--batch_depth_ > 0) return;
  const sc_core::sc_time owed = local_offset_;
  local_offset_ = sc_core::SC_ZERO_TIME;
  if (owed != sc_core::SC_ZERO_TIME) sc_core::wait(owed);
}

AccessStatus MemoryPort::read(uint64_t addr, uint8_t* dst, uint64_t len) {
  return transport(tlm::TLM_READ_COMMAND, addr, dst, len);
}

AccessStatus MemoryPort::write(uint64_t addr, const uint8_t* src, uint64_t len) {
  return transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t*>(src), len);
}

AccessStatus MemoryPort::touch(uint64_t addr, uint64_t len) {
  return transport(tlm::TLM_IGNORE_COMMAND, addr, nullptr, len);
}

AccessStatus MemoryPort::peek(uint64_t addr, uint8_t* dst, uint64_t len) {
  tlm::tlm_generic_payload& trans = payload_;
  trans.set_command(tlm::TLM_READ_COMMAND);
  trans.set_address(addr);
  trans.set_data_ptr(dst);
  trans.set_data_length(static_cast<unsigned int>(len));
  trans.set_streaming_width(static_cast<unsigned int>(len));
  trans.set_byte_enable_ptr(nullptr);
  return socket->transport_dbg(trans) == len ? AccessStatus::Ok : AccessStatus::AddressError;
}

bool MemoryPort::read_le(uint64_t addr, uint64_t& value, unsigned bytes) {
  uint8_t b[8] = {};
  if (read(addr, b, bytes) != AccessStatus::Ok) return false;
  value = 0;
  for (unsigned i = 0; i < bytes; ++i) value |= uint64_t(b[i]) << (8 * i);
  return true;
}

bool MemoryPort::write_le(uint64_t addr, uint64_t value, unsigned bytes) {
  uint8_t b[8];
  for (unsigned i = 0; i < bytes; ++i) b[i] = uint8_t(value >> (8 * i));
  return write(addr, b, bytes) == AccessStatus::Ok;
}

bool MemoryPort::read_le16(uint64_t addr, uint16_t& value) {
  uint64_t v;
  if (!read_le(addr, v, 2)) return false;
  value = uint16_t(v);
  return true;
}
bool MemoryPort::read_le32(uint64_t addr, uint32_t& value) {
  uint64_t v;
  if (!read_le(addr, v, 4)) return false;
  value = uint32_t(v);
  return true;
}
bool MemoryPort::read_le64(uint64_t addr, uint64_t& value) { return read_le(addr, value, 8); }
bool MemoryPort::write_le16(uint64_t addr, uint16_t value) { return write_le(addr, value, 2); }
bool MemoryPort::write_le32(uint64_t addr, uint32_t value) { return write_le(addr, value, 4); }
bool MemoryPort::write_le64(uint64_t addr, uint64_t value) { return write_le(addr, value, 8); }

}  // namespace vvsim::tlm_virtio
