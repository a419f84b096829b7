// An initiator's view of the bus: blocking reads and writes that wait for
// their bus time, with little-endian helpers. Must be called from an SC_THREAD.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace vvsim::tlm_virtio {

enum class AccessStatus { Ok, AddressError };

// A bus that books a transfer's time by a direct call, for accesses an
// initiator makes through DMI: exactly what its b_transport books.
class TransferScheduler {
 public:
  virtual ~TransferScheduler() = default;
  // Books `bytes` for `initiator`, ready at `offset` past the current time;
  // returns the offset at which the transfer ends.
  virtual sc_core::sc_time schedule(int initiator, uint64_t bytes, const sc_core::sc_time& offset) = 0;
  // The booking the last schedule() made, for moved_end; 0 for none. A later
  // booking that shares the bus with it may make it end later (arbitration).
  // Plain members, not virtual calls: they are read after every transfer.
  uint64_t last_booking() const { return last_booking_; }
  // How many times a booking was moved so far: while it stays the same, every
  // booking ends when schedule() said and moved_end need not be asked.
  uint64_t moves_made() const { return moves_made_; }
  // The booking's end if later bookings moved it, then forgets it; false if it
  // ends when schedule() said.
  virtual bool moved_end(uint64_t /*booking*/, sc_core::sc_time& /*end*/) { return false; }

 protected:
  uint64_t last_booking_ = 0;
  uint64_t moves_made_ = 0;
};

class MemoryPort {
 public:
  tlm_utils::simple_initiator_socket<MemoryPort> socket;

  explicit MemoryPort(const char* name);

  AccessStatus read(uint64_t addr, uint8_t* dst, uint64_t len);
  AccessStatus write(uint64_t addr, const uint8_t* src, uint64_t len);
  // A transfer of `len` bytes that takes its bus time and is checked against
  // the address map but carries no data (TLM_IGNORE_COMMAND): timing-only runs.
  AccessStatus touch(uint64_t addr, uint64_t len);
  // A debug read (transport_dbg): no bus time, no side effects; for observers.
  AccessStatus peek(uint64_t addr, uint8_t* dst, uint64_t len);

  // Bulk transfers in place, for memory that grants DMI (guest memory): the
  // bus time, statistics and checks of one write() or read() of [addr, +len),
  // but the bytes are made or taken where they lie in the target's memory,
  // page by page in address order, instead of through a buffer of the
  // initiator's. Both call `piece(at, bytes, n)` for bytes [at, at + n) of the
  // transfer before the bus wait, when write() and read() copy. fill writes
  // them; view may keep the pointer, which shows the memory as read until it
  // is next written. A range the target grants no DMI for (a host platform's
  // memory) crosses as one plain write() or read() of a buffer of the port's;
  // a read's buffer then lives until a later read of an overlapping range.
  using Fill = std::function<void(uint64_t at, uint8_t* dst, uint64_t n)>;
  using View = std::function<void(uint64_t at, const uint8_t* src, uint64_t n)>;
  AccessStatus write_in_place(uint64_t addr, uint64_t len, const Fill& fill);
  AccessStatus read_in_place(uint64_t addr, uint64_t len, const View& view);

  // Little-endian scalar accesses; an address error yields false.
  bool read_le16(uint64_t addr, uint16_t& value);
  bool read_le32(uint64_t addr, uint32_t& value);
  bool read_le64(uint64_t addr, uint64_t& value);
  bool write_le16(uint64_t addr, uint16_t value);
  bool write_le32(uint64_t addr, uint32_t value);
  bool write_le64(uint64_t addr, uint64_t value);

  uint64_t transactions() const { return transactions_; }

  // From now on, an access that lies in one DMI region of the target (guest
  // memory) skips the transaction: `scheduler` books its bus time by a direct
  // call and the bytes move through the DMI pointer, with the same timing,
  // statistics and memory contents. `initiator` is this port's index on the bus.
  void schedule_through(TransferScheduler& scheduler, int initiator);

  // Temporal decoupling for a run of small accesses (a ring operation): inside
  // a Batch, each transaction goes to the bus with the time the previous ones
  // took as its local offset, so the bus schedules it exactly as if the
  // initiator had waited, and the thread waits once, when the outermost Batch
  // ends. Nothing inside a Batch may wait on its own or read the time.
  class Batch {
   public:
    explicit Batch(MemoryPort& port) : port_(port) { ++port_.batch_depth_; }
    ~Batch() { port_.end_batch(); }
    // The initiator then works for `t` without touching the bus (firmware):
    // the time joins the batch's single wait. Only after the batch's last
    // access: a read after it would see memory as it was before `t` passed.
    void then_busy(const sc_core::sc_time& t) { port_.local_offset_ += t; }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    MemoryPort& port_;
  };

  // Accesses issued now whose end the initiator waits for later, doing other
  // work meanwhile: a write DMA that streams a picture out while its codec
  // core decodes. Only what post() made it; values, so it may be kept across waits.
  class Posted {
   private:
    friend class MemoryPort;
    sc_core::sc_time end;            // as the bus first booked the last access
    std::vector<uint64_t> bookings;  // to ask whether later bookings moved them
  };
  // Runs `accesses` outside any Batch, booking each one after the previous
  // one as a Batch does (they must not wait or read the time either), and
  // returns at once: their bytes have moved, their bus time is still to come.
  Posted post(const std::function<void()>& accesses);
  // Waits until every access `posted` holds has ended, as later bookings moved them.
  void wait_for(const Posted& posted);

 private:
  void end_batch();
  AccessStatus transport(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len);
  // One transaction at the current local offset, which grows by its bus time.
  AccessStatus reserve(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len);
  // Outside a Batch: waits for the bus time owed.
  void settle();
  // Waits owed (a delta cycle if zero and even_if_none), then for as long as
  // later bookings moved the ends of this port's bookings since its last wait.
  void wait_for_bookings(sc_core::sc_time owed, bool even_if_none);
  // Waits until every booking in `mine` has ended, as later bookings moved them.
  void wait_for_moved(const std::vector<uint64_t>& mine);
  void keep_booking() {
    if (scheduler_ == nullptr) return;
    const uint64_t booking = scheduler_->last_booking();
    if (booking == 0) return;
    if (bookings_.empty()) moves_seen_ = scheduler_->moves_made();
    bookings_.push_back(booking);
  }
  AccessStatus in_place(uint64_t addr, uint64_t len, bool write, const Fill& piece);
  AccessStatus in_place_buffered(uint64_t addr, uint64_t len, bool write, const Fill& piece);
  // The DMI region holding `addr` that allows the access, from the cache or the target; null if none.
  const tlm::tlm_dmi* direct(uint64_t addr, bool write);
  const tlm::tlm_dmi* cached(uint64_t addr, bool write);
  // An access through DMI with the bus time booked by the scheduler; false when the range has no DMI.
  bool direct_access(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  bool read_le(uint64_t addr, uint64_t& value, unsigned bytes);
  bool write_le(uint64_t addr, uint64_t value, unsigned bytes);

  uint64_t transactions_ = 0;
  tlm::tlm_generic_payload payload_;  // constructing one per access costs an allocation
  unsigned batch_depth_ = 0;
  sc_core::sc_time local_offset_ = sc_core::SC_ZERO_TIME;  // bus time owed by the current Batch
  std::map<uint64_t, tlm::tlm_dmi> dmi_;  // granted regions by start address
  std::array<const tlm::tlm_dmi*, 4> recent_{};  // the regions last used, looked at before dmi_
  size_t next_recent_ = 0;
  std::vector<uint8_t> write_buffer_;                 // in_place_buffered writes, reused
  std::map<uint64_t, std::vector<uint8_t>> read_copies_;  // in_place_buffered reads by start address
  TransferScheduler* scheduler_ = nullptr;
  std::vector<uint64_t> bookings_;  // this port's bookings since its last wait
  uint64_t moves_seen_ = 0;         // the scheduler's moves_made() at the first of them
  int initiator_ = 0;
};

}  // namespace vvsim::tlm_virtio
