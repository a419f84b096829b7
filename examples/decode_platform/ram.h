// The platform's RAM: a flat byte array behind a TLM-2.0 target socket, with
// a fixed access latency, DMI granted over the whole array.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstring>
#include <vector>

class Ram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ram> socket;

  Ram(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time latency)
      : sc_module(name), socket("socket"), bytes_(size), latency_(latency) {
    socket.register_b_transport(this, &Ram::b_transport);
    socket.register_get_direct_mem_ptr(this, &Ram::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &Ram::transport_dbg);
  }

 private:
  bool in_range(const tlm::tlm_generic_payload& trans) const {
    const uint64_t len = trans.get_data_length();
    return len <= bytes_.size() && trans.get_address() <= bytes_.size() - len;
  }

  unsigned int copy(tlm::tlm_generic_payload& trans) {
    if (!in_range(trans)) return 0;
    uint8_t* at = bytes_.data() + trans.get_address();
    if (trans.is_write()) std::memcpy(at, trans.get_data_ptr(), trans.get_data_length());
    if (trans.is_read()) std::memcpy(trans.get_data_ptr(), at, trans.get_data_length());
    return trans.get_data_length();
  }

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (!in_range(trans) || trans.get_byte_enable_ptr() != nullptr) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    copy(trans);
    delay += latency_;
    trans.set_dmi_allowed(true);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(bytes_.data());
    dmi.set_start_address(0);
    dmi.set_end_address(bytes_.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(latency_);
    dmi.set_write_latency(latency_);
    return true;
  }

  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) { return copy(trans); }

  std::vector<uint8_t> bytes_;
  sc_core::sc_time latency_;
};
