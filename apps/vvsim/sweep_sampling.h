// Sweep points beyond the cross product: `--sample random:N` and `--sample
// lhs:N` (Latin hypercube) over parameters given as ranges KEY=LO..HI
// (integers when both ends are, reals otherwise) or as lists (one of the
// values). Reproducible from the seed on every platform: std::mt19937_64's
// output is specified, and the mapping to values is written out here (no
// std::uniform_*_distribution, whose output is implementation-defined).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/sweep.h"

namespace vvsim::app {

struct SampleSpec {
  enum class Kind { Random, LatinHypercube } kind = Kind::Random;
  uint64_t count = 0;
};
// "random:N" or "lhs:N"; throws std::invalid_argument naming what is wrong.
SampleSpec parse_sample(const std::string& text);

// Throws std::invalid_argument for a range that is not two numbers LO <= HI.
std::vector<analysis::SweepPoint> sample_points(const std::vector<analysis::SweepParam>& params, const SampleSpec& spec,
                                                uint64_t seed);

}  // namespace vvsim::app
