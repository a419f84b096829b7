// A first-fit allocator of guest physical memory for the driver side (ring
// memory, command buffers, frame buffers). Deterministic: lowest address first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace vvsim::tlm_virtio {

class GuestAllocator {
 public:
  GuestAllocator(uint64_t base, uint64_t size);

  // Nothing when no free range of `size` bytes at `align` exists.
  std::optional<uint64_t> allocate(uint64_t size, uint64_t align = 16);
  // Returns a block given by allocate(); false for an unknown address.
  bool release(uint64_t addr);
  uint64_t bytes_in_use() const { return in_use_; }

 private:
  // Erased entries' nodes, reused by the next insertions: commands allocate and
  // release blocks all the time, and then no host memory is allocated.
  template <typename Map>
  class Recycled {
   public:
    void erase(Map& map, typename Map::iterator it) { spare_.push_back(map.extract(it)); }
    void put(Map& map, const typename Map::key_type& key, const typename Map::mapped_type& value) {
      if (spare_.empty()) {
        map[key] = value;
        return;
      }
      typename Map::node_type node = std::move(spare_.back());
      spare_.pop_back();
      node.key() = key;
      node.mapped() = value;
      auto inserted = map.insert(std::move(node));
      if (!inserted.inserted) inserted.position->second = value;
    }

   private:
    std::vector<typename Map::node_type> spare_;
  };
  using FreeMap = std::map<uint64_t, uint64_t>;                           // start -> size
  using UsedMap = std::map<uint64_t, std::pair<uint64_t, uint64_t>>;  // addr -> (block start, block size)
  FreeMap free_;
  UsedMap used_;
  Recycled<FreeMap> free_nodes_;
  Recycled<UsedMap> used_nodes_;
  uint64_t in_use_ = 0;
};

}  // namespace vvsim::tlm_virtio
