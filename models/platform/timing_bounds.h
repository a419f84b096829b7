// The ranges of timing values, shared by every profile section that has one.
#pragma once

namespace vvsim::models {

// Bounds of the timing values (derivation: docs/profile.md, "Value bounds").
// Each field's own range keeps the integer arithmetic on it inside 64 bits;
// first_delay_out_of_bounds (platform_profile.h) then keeps every delay the values make (the slowest
// unit, command, bus transfer) at or below kMaxDelayPs, so that adding one to
// the simulated time (at most the longest time limit, 3.6e15 ps) cannot wrap
// sc_time's 64-bit picoseconds (1.8e19).
struct TimingBounds {
  static constexpr double kMaxDelayPs = 4e18;            // about 46 days
  static constexpr double kMaxCycles = double(1ull << 40);  // a fixed cost, in cycles
  static constexpr double kMaxCyclesPerItem = 65536;     // per byte, per macroblock
  static constexpr double kMaxNs = 1e15;                 // a cost in nanoseconds
  static constexpr double kMinClockMhz = 0.001;          // 1 kHz
  static constexpr double kMaxClockMhz = 100'000;
  static constexpr double kMaxFactor = 100;
  static constexpr double kMaxBytesPerMacroblock = 65536;  // a 4:2:0 macroblock's pixels are 384 bytes
};

}  // namespace vvsim::models
