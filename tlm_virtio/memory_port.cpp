#include "tlm_virtio/memory_port.h"

#include <algorithm>
#include <iterator>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/sim_now.h"

namespace vvsim::tlm_virtio {

MemoryPort::MemoryPort(const char* name) : socket(name) {
  socket.register_invalidate_direct_mem_ptr(this, &MemoryPort::invalidate_direct_mem_ptr);
}

AccessStatus MemoryPort::transport(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len) {
  const AccessStatus status = reserve(command, addr, data, len);
  settle();
  return status;
}

void MemoryPort::schedule_through(TransferScheduler& scheduler, int initiator) {
  scheduler_ = &scheduler;
  initiator_ = initiator;
}

AccessStatus MemoryPort::reserve(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len) {
  if (scheduler_ && direct_access(command, addr, data, len)) return AccessStatus::Ok;
  tlm::tlm_generic_payload& trans = payload_;  // reused: b_transport never waits, so no call overlaps another
  trans.set_command(command);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(static_cast<unsigned int>(len));
  trans.set_streaming_width(static_cast<unsigned int>(len));
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = local_offset_;
  socket->b_transport(trans, delay);
  ++transactions_;
  local_offset_ = delay;
  keep_booking();
  const AccessStatus status = trans.is_response_ok() ? AccessStatus::Ok : AccessStatus::AddressError;
  // The target offers DMI here (its hint): the next accesses to the region skip the transaction.
  if (scheduler_ && trans.is_dmi_allowed()) direct(addr, command == tlm::TLM_WRITE_COMMAND);
  return status;
}

void MemoryPort::settle() {
  if (batch_depth_ > 0) return;
  const sc_core::sc_time owed = local_offset_;
  local_offset_ = sc_core::SC_ZERO_TIME;
  wait_for_bookings(owed, true);
}

void MemoryPort::end_batch() {
  if (--batch_depth_ > 0) return;
  const sc_core::sc_time owed = local_offset_;
  local_offset_ = sc_core::SC_ZERO_TIME;
  wait_for_bookings(owed, false);
}

// The bookings are taken before the first wait: another thread may use the
// port meanwhile, and its bookings are its own to wait for. Mostly no booking
// anywhere was moved since this port's first one: then none is looked up.
void MemoryPort::wait_for_bookings(sc_core::sc_time owed, bool even_if_none) {
  if (bookings_.empty()) {  // none through the scheduler (a register access, no DMI)
    if (even_if_none || owed != sc_core::SC_ZERO_TIME) sc_core::wait(owed);
    return;
  }
  const uint64_t moves_seen = moves_seen_;
  std::vector<uint64_t> mine;
  mine.swap(bookings_);
  if (even_if_none || owed != sc_core::SC_ZERO_TIME) sc_core::wait(owed);
  if (scheduler_->moves_made() != moves_seen) wait_for_moved(mine);
  mine.clear();
  if (bookings_.empty()) bookings_.swap(mine);  // keeps the capacity: no allocation per transfer
}

void MemoryPort::wait_for_moved(const std::vector<uint64_t>& mine) {
  for (;;) {
    bool moved = false;
    sc_core::sc_time latest;
    for (const uint64_t booking : mine)
      if (sc_core::sc_time end; scheduler_->moved_end(booking, end)) {
        moved = true;
        latest = std::max(latest, end);
      }
    if (!moved) return;
    const sc_core::sc_time now = sim_now();
    if (latest <= now) return;
    sc_core::wait(latest - now);
  }
}

MemoryPort::Posted MemoryPort::post(const std::function<void()>& accesses) {
  Batch batch(*this);  // books without waiting; what its end would wait for goes to the caller
  accesses();
  Posted posted;
  posted.end = sim_now() + local_offset_;
  posted.bookings.swap(bookings_);
  local_offset_ = sc_core::SC_ZERO_TIME;
  return posted;
}

void MemoryPort::wait_for(const Posted& posted) {
  const sc_core::sc_time now = sim_now();
  if (posted.end > now) sc_core::wait(posted.end - now);
  if (!posted.bookings.empty()) wait_for_moved(posted.bookings);
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

AccessStatus MemoryPort::write_in_place(uint64_t addr, uint64_t len, const Fill& fill) {
  return in_place(addr, len, true, fill);
}

AccessStatus MemoryPort::read_in_place(uint64_t addr, uint64_t len, const View& view) {
  return in_place(addr, len, false, [&](uint64_t at, uint8_t* p, uint64_t n) { view(at, p, n); });
}

// The transaction carries no data (TLM_IGNORE_COMMAND) but takes the same bus
// time and checks as a read or write of the range; the bytes move through DMI.
AccessStatus MemoryPort::in_place(uint64_t addr, uint64_t len, bool write, const Fill& piece) {
  for (uint64_t at = 0; at < len;) {  // every page is granted before any bus time is taken
    const tlm::tlm_dmi* d = direct(addr + at, write);
    if (d == nullptr) return in_place_buffered(addr, len, write, piece);
    at = d->get_end_address() + 1 - addr;
  }
  const AccessStatus status = reserve(tlm::TLM_IGNORE_COMMAND, addr, nullptr, len);
  for (uint64_t at = 0; status == AccessStatus::Ok && at < len;) {
    const tlm::tlm_dmi* d = direct(addr + at, write);
    const uint64_t n = std::min<uint64_t>(len - at, d->get_end_address() + 1 - (addr + at));
    piece(at, d->get_dmi_ptr() + (addr + at - d->get_start_address()), n);
    at += n;
  }
  settle();
  return status;
}

AccessStatus MemoryPort::in_place_buffered(uint64_t addr, uint64_t len, bool write, const Fill& piece) {
  if (write) {
    write_buffer_.resize(len);
    piece(0, write_buffer_.data(), len);
    return transport(tlm::TLM_WRITE_COMMAND, addr, write_buffer_.data(), len);
  }
  for (auto it = read_copies_.begin(); it != read_copies_.end();)  // a pointer view() kept into these is stale now
    it = it->first < addr + len && addr < it->first + it->second.size() ? read_copies_.erase(it) : std::next(it);
  std::vector<uint8_t>& copy = read_copies_[addr];
  copy.resize(len);
  const AccessStatus status = transport(tlm::TLM_READ_COMMAND, addr, copy.data(), len);
  if (status == AccessStatus::Ok) piece(0, copy.data(), len);
  return status;
}

// A transfer carrying no data (TLM_IGNORE_COMMAND) asks for read access: it
// must not allocate guest memory pages.
bool MemoryPort::direct_access(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len) {
  const bool write = command == tlm::TLM_WRITE_COMMAND;
  const tlm::tlm_dmi* d = cached(addr, write);
  if (d == nullptr || len == 0 || len - 1 > d->get_end_address() - addr) return false;
  local_offset_ = scheduler_->schedule(initiator_, len, local_offset_) +
                  (write ? d->get_write_latency() : d->get_read_latency());  // the target's own time (guest memory: none)
  ++transactions_;
  keep_booking();
  uint8_t* at = d->get_dmi_ptr() + (addr - d->get_start_address());
  if (command == tlm::TLM_WRITE_COMMAND) std::copy_n(data, len, at);
  if (command == tlm::TLM_READ_COMMAND) std::copy_n(at, len, data);
  return true;
}

const tlm::tlm_dmi* MemoryPort::cached(uint64_t addr, bool write) {
  auto fits = [&](const tlm::tlm_dmi* d) {
    return d != nullptr && addr >= d->get_start_address() && addr <= d->get_end_address() &&
           (write ? d->is_write_allowed() : d->is_read_allowed());
  };
  for (const tlm::tlm_dmi* d : recent_)
    if (fits(d)) return d;
  auto it = dmi_.upper_bound(addr);
  if (it == dmi_.begin() || !fits(&std::prev(it)->second)) return nullptr;
  const tlm::tlm_dmi* d = &std::prev(it)->second;
  recent_[next_recent_++ % recent_.size()] = d;
  return d;
}

const tlm::tlm_dmi* MemoryPort::direct(uint64_t addr, bool write) {
  if (const tlm::tlm_dmi* d = cached(addr, write)) return d;
  auto allows = [&](const tlm::tlm_dmi& d) { return write ? d.is_write_allowed() : d.is_read_allowed(); };
  tlm::tlm_generic_payload& trans = payload_;
  trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans.set_address(addr);
  tlm::tlm_dmi granted;
  if (!socket->get_direct_mem_ptr(trans, granted) || !allows(granted) || addr < granted.get_start_address() ||
      addr > granted.get_end_address())
    return nullptr;
  tlm::tlm_dmi& kept = dmi_[granted.get_start_address()];
  kept = granted;
  return &kept;
}

void MemoryPort::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  recent_.fill(nullptr);
  for (auto it = dmi_.begin(); it != dmi_.end();)
    it = it->second.get_start_address() <= end && start <= it->second.get_end_address() ? dmi_.erase(it) : std::next(it);
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
  value = le::get(b, bytes);
  return true;
}

bool MemoryPort::write_le(uint64_t addr, uint64_t value, unsigned bytes) {
  uint8_t b[8];
  le::put(b, value, bytes);
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
