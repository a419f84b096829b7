// The H.264 slice header (§7.3.3) as far as the output order model needs it:
// the picture order count fields and, in dec_ref_pic_marking, whether the
// picture resets the order (memory_management_control_operation 5) and
// whether an IDR picture discards the pictures waiting for output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "codec/unit_header.h"

namespace vvsim::codec {

struct SliceOrderFields {
  bool idr = false;
  uint32_t nal_ref_idc = 0;
  uint32_t frame_num = 0;
  bool field_pic = false;
  uint32_t pic_order_cnt_lsb = 0;
  int32_t delta_pic_order_cnt_bottom = 0;
  int32_t delta_pic_order_cnt[2] = {0, 0};
  bool no_output_of_prior_pics = false;  // IDR pictures
  bool resets_order = false;             // memory_management_control_operation 5
};

// Nothing when the header does not parse to its deblocking fields, each in
// its range (or its PPS has slice groups, whose fields are not read).
std::optional<SliceOrderFields> slice_order_fields(const uint8_t* data, size_t size, const SpsInfo& sps,
                                                   const PpsInfo& pps);

}  // namespace vvsim::codec
