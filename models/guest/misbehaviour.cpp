#include "models/guest/misbehaviour.h"

#include <algorithm>

namespace vvsim::guest {

std::vector<std::string> Misbehaviour::keys_set() const {
  const std::pair<bool, const char*> keys[] = {
      {!corrupt_units.empty(), "corrupt_units"},
      {requeue_before_reattach, "requeue_before_reattach"},
      {no_outputs_during_drain, "no_outputs_during_drain"},
      {attach_before_format_query, "attach_before_format_query"},
      {double_drain, "double_drain"},
      {destroy_during_drain, "destroy_during_drain"},
      {use_after_destroy, "use_after_destroy"},
      {undersized_inputs, "undersized_inputs"},
      {!raw_commands.empty(), "raw_commands"},
      {raw_response_bytes.has_value(), "raw_response_bytes"},
  };
  std::vector<std::string> set;
  for (const auto& [is_set, key] : keys)
    if (is_set) set.emplace_back(key);
  return set;
}

std::vector<uint8_t> damaged_copy(const std::vector<uint8_t>& unit) {
  constexpr size_t kIntactHeaderBytes = 4;
  constexpr uint8_t kDamagePattern = 0x5A;
  std::vector<uint8_t> damaged = unit;
  for (size_t i = kIntactHeaderBytes; i < damaged.size(); ++i) damaged[i] ^= kDamagePattern;
  return damaged;
}

const std::vector<uint8_t>& UnitDamage::bytes(size_t index, const std::vector<uint8_t>& data) {
  if (std::find(damaged_units_.begin(), damaged_units_.end(), index) == damaged_units_.end()) return data;
  damaged_ = damaged_copy(data);
  return damaged_;
}

}  // namespace vvsim::guest
