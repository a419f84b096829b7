// SystemC processes of a module, made without SC_HAS_PROCESS (deprecated by
// IEEE 1666-2023): sc_spawn during elaboration makes the same static process
// SC_THREAD / SC_METHOD would, named after the module.
#pragma once

#include <systemc>

#include <functional>

namespace vvsim::tlm_virtio {

// A thread that starts at the beginning of the simulation.
void spawn_thread(const char* name, std::function<void()> body);
// A method run each time `trigger` fires (not at the start).
void spawn_method(const char* name, const sc_core::sc_event& trigger, std::function<void()> body);

}  // namespace vvsim::tlm_virtio
