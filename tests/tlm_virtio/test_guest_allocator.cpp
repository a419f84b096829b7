// The guest allocator against a model written independently: a byte map of
// a small memory, searched first fit from the lowest address. Random
// allocate/release sequences must give the same addresses and failures.
#define BOOST_TEST_MODULE guest_allocator
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "tlm_virtio/guest_allocator.h"

using vvsim::tlm_virtio::GuestAllocator;

namespace {

constexpr uint64_t kBase = 0x1000, kSize = 4096;

// Memory as one flag per byte; a block is the lowest aligned run of free bytes.
struct ByteMapModel {
  std::vector<bool> used = std::vector<bool>(kSize, false);
  std::vector<std::pair<uint64_t, uint64_t>> blocks;  // (address, size)

  bool run_is_free(uint64_t offset, uint64_t size) const {
    for (uint64_t i = offset; i < offset + size; ++i)
      if (used[i]) return false;
    return true;
  }
  // The lowest aligned address with `size` free bytes, or 0 for none.
  uint64_t allocate(uint64_t size, uint64_t align) {
    for (uint64_t addr = (kBase + align - 1) / align * align; addr + size <= kBase + kSize; addr += align) {
      if (!run_is_free(addr - kBase, size)) continue;
      for (uint64_t i = 0; i < size; ++i) used[addr - kBase + i] = true;
      blocks.push_back({addr, size});
      return addr;
    }
    return 0;
  }
  void release(size_t index) {
    const auto [addr, size] = blocks[index];
    for (uint64_t i = 0; i < size; ++i) used[addr - kBase + i] = false;
    blocks.erase(blocks.begin() + long(index));
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(random_sequences_match_a_byte_map) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    GuestAllocator allocator(kBase, kSize);
    ByteMapModel model;
    uint64_t failures = 0;
    for (int step = 0; step < 2000; ++step) {
      const bool take = model.blocks.empty() || rng() % 5 < 3;
      if (take) {
        const uint64_t size = 1 + rng() % 300, align = uint64_t(1) << (rng() % 8);
        const uint64_t expected = model.allocate(size, align);
        const auto got = allocator.allocate(size, align);
        BOOST_TEST_CONTEXT("seed " << seed << " step " << step << " size " << size << " align " << align) {
          BOOST_REQUIRE_EQUAL(bool(got), expected != 0);
          if (got) BOOST_REQUIRE_EQUAL(*got, expected);
        }
        failures += expected == 0;
      } else {
        const size_t index = rng() % model.blocks.size();
        BOOST_REQUIRE(allocator.release(model.blocks[index].first));
        model.release(index);
      }
      uint64_t in_use = 0;
      for (const auto& b : model.blocks) in_use += b.second;
      BOOST_REQUIRE_EQUAL(allocator.bytes_in_use(), in_use);
    }
    BOOST_TEST(failures > 0u, "seed " << seed << ": the sequence never filled the memory");
  }
}

BOOST_AUTO_TEST_CASE(released_neighbours_merge_into_one_range) {
  GuestAllocator allocator(kBase, kSize);
  const uint64_t a = *allocator.allocate(1000, 1), b = *allocator.allocate(1000, 1), c = *allocator.allocate(1000, 1);
  BOOST_REQUIRE(allocator.release(a));
  BOOST_REQUIRE(allocator.release(c));
  BOOST_REQUIRE(allocator.release(b));  // joins both neighbours
  BOOST_CHECK_EQUAL(*allocator.allocate(kSize, 1), kBase);
}

BOOST_AUTO_TEST_CASE(unknown_and_repeated_releases_are_refused) {
  GuestAllocator allocator(kBase, kSize);
  const uint64_t a = *allocator.allocate(64, 16);
  BOOST_CHECK(!allocator.release(a + 16));
  BOOST_CHECK(allocator.release(a));
  BOOST_CHECK(!allocator.release(a));
  BOOST_CHECK(!allocator.allocate(0, 16));
  BOOST_CHECK(!allocator.allocate(16, 3));
  BOOST_CHECK(!allocator.allocate(kSize + 1, 1));
}
