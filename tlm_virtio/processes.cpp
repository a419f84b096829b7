#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#include "tlm_virtio/processes.h"

namespace vvsim::tlm_virtio {

void spawn_thread(const char* name, std::function<void()> body) {
  sc_core::sc_spawn_options options;
  sc_core::sc_spawn(std::move(body), name, &options);
}

void spawn_method(const char* name, const sc_core::sc_event& trigger, std::function<void()> body) {
  sc_core::sc_spawn_options options;
  options.spawn_method();
  options.set_sensitivity(&trigger);
  options.dont_initialize();
  sc_core::sc_spawn(std::move(body), name, &options);
}

}  // namespace vvsim::tlm_virtio
