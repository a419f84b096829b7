// The simulation time, read inline: sc_core::sc_time_stamp() is an
// out-of-line library call, and the bus asks for the time on every transfer.
// The simulation context's time_stamp() is the very value it returns.
#pragma once

#include <systemc>

namespace vvsim::tlm_virtio {

inline const sc_core::sc_time& sim_now() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

}  // namespace vvsim::tlm_virtio
