// Map entries whose nodes are kept when erased and reused by later
// insertions: a map that takes and drops an entry for every command (in
// flight, answered, held) then allocates no host memory in steady state.
// The map's contents and order are exactly those of plain erase/insert.
#pragma once

#include <utility>
#include <vector>

namespace vvsim::tlm_virtio {

template <typename Map>
class NodeRecycler {
 public:
  using Key = typename Map::key_type;
  using Value = typename Map::mapped_type;

  void erase(Map& map, typename Map::iterator it) { spare_.push_back(map.extract(it)); }
  // Removes the entry and returns its value.
  Value take(Map& map, typename Map::iterator it) {
    typename Map::node_type node = map.extract(it);
    Value value = std::move(node.mapped());
    spare_.push_back(std::move(node));
    return value;
  }
  // map[key] = value, in a kept node when there is one.
  void put(Map& map, const Key& key, Value value) {
    if (spare_.empty()) {
      map[key] = std::move(value);
      return;
    }
    typename Map::node_type node = std::move(spare_.back());
    spare_.pop_back();
    node.key() = key;
    node.mapped() = std::move(value);
    auto inserted = map.insert(std::move(node));
    if (!inserted.inserted) inserted.position->second = std::move(inserted.node.mapped());
  }

 private:
  std::vector<typename Map::node_type> spare_;
};

}  // namespace vvsim::tlm_virtio
