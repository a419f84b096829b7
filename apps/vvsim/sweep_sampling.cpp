#include "apps/vvsim/sweep_sampling.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace vvsim::app {

namespace {

// A parameter's domain: an integer range, a real range, or a list's indices.
struct Domain {
  enum class Kind { Integer, Real, List } kind;
  int64_t ilo = 0;
  uint64_t icount = 0;  // HI - LO + 1 (0: every int64)
  double rlo = 0, rhi = 0;
  const analysis::SweepParam* param = nullptr;
};

bool parse_int(const std::string& text, int64_t& out) {
  errno = 0;
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && end != text.c_str() && *end == '\0';
}

bool parse_real(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && std::isfinite(out);
}

Domain domain_of(const analysis::SweepParam& p) {
  Domain d{Domain::Kind::List};
  d.param = &p;
  if (!p.is_range()) return d;
  int64_t lo = 0, hi = 0;
  if (parse_int(p.lo, lo) && parse_int(p.hi, hi)) {
    if (lo > hi) throw std::invalid_argument(fmt::format("--param {}={}..{}: LO is above HI", p.key, p.lo, p.hi));
    d.kind = Domain::Kind::Integer;
    d.ilo = lo;
    d.icount = uint64_t(hi) - uint64_t(lo) + 1;  // wraps to 0 for the whole int64 range
    return d;
  }
  if (!parse_real(p.lo, d.rlo) || !parse_real(p.hi, d.rhi))
    throw std::invalid_argument(fmt::format("--param {}={}..{}: LO and HI must be numbers", p.key, p.lo, p.hi));
  if (d.rlo > d.rhi) throw std::invalid_argument(fmt::format("--param {}={}..{}: LO is above HI", p.key, p.lo, p.hi));
  d.kind = Domain::Kind::Real;
  return d;
}

class Draws {
 public:
  explicit Draws(uint64_t seed) : engine_(seed) {}
  // In [0, 1) with 53 random bits.
  double unit() { return double(engine_() >> 11) * 0x1.0p-53; }
  // In [0, n) without modulo bias; n == 0 means every uint64.
  uint64_t below(uint64_t n) {
    if (n == 0) return engine_();
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    for (;;) {
      const uint64_t x = engine_();
      if (x < limit) return x % n;
    }
  }

 private:
  std::mt19937_64 engine_;
};

// The value at position t in [0, 1) of the domain.
std::string value_at(const Domain& d, double t) {
  switch (d.kind) {
    case Domain::Kind::Integer: {
      const double span = d.icount == 0 ? 0x1.0p64 : double(d.icount);
      uint64_t step = uint64_t(std::min(std::floor(t * span), span - 1));
      if (d.icount != 0 && step >= d.icount) step = d.icount - 1;
      return std::to_string(int64_t(uint64_t(d.ilo) + step));
    }
    case Domain::Kind::Real: return fmt::format("{}", d.rlo + t * (d.rhi - d.rlo));
    case Domain::Kind::List: break;
  }
  const auto& values = d.param->values;
  return values[std::min(values.size() - 1, size_t(t * double(values.size())))];
}

// Uniform over the domain: integers and list entries each equally likely.
std::string random_value(const Domain& d, Draws& draws) {
  if (d.kind == Domain::Kind::Integer) return std::to_string(int64_t(uint64_t(d.ilo) + draws.below(d.icount)));
  if (d.kind == Domain::Kind::List) return d.param->values[draws.below(d.param->values.size())];
  return value_at(d, draws.unit());
}

}  // namespace

SampleSpec parse_sample(const std::string& text) {
  const auto colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  SampleSpec spec;
  if (kind == "random") spec.kind = SampleSpec::Kind::Random;
  else if (kind == "lhs") spec.kind = SampleSpec::Kind::LatinHypercube;
  else throw std::invalid_argument(fmt::format("--sample '{}': expected random:N or lhs:N", text));
  int64_t n = 0;
  if (colon == std::string::npos || !parse_int(text.substr(colon + 1), n) || n < 1)
    throw std::invalid_argument(fmt::format("--sample '{}': N must be a whole number of points, at least 1", text));
  spec.count = uint64_t(n);
  return spec;
}

std::vector<analysis::SweepPoint> sample_points(const std::vector<analysis::SweepParam>& params, const SampleSpec& spec,
                                                uint64_t seed) {
  std::vector<Domain> domains;
  for (const auto& p : params) domains.push_back(domain_of(p));
  Draws draws(seed);
  std::vector<analysis::SweepPoint> points(spec.count);
  if (spec.kind == SampleSpec::Kind::Random) {
    for (auto& point : points)
      for (const auto& d : domains) point.emplace_back(d.param->key, random_value(d, draws));
    return points;
  }
  // Latin hypercube: each parameter's range cut into N equal strata, each
  // stratum used by exactly one point (a shuffled order per parameter), a
  // uniform position inside it.
  for (const auto& d : domains) {
    std::vector<uint64_t> strata(spec.count);
    std::iota(strata.begin(), strata.end(), 0);
    for (uint64_t i = spec.count - 1; i > 0; --i) std::swap(strata[i], strata[draws.below(i + 1)]);  // Fisher-Yates
    for (uint64_t i = 0; i < spec.count; ++i) {
      const double t = (double(strata[i]) + draws.unit()) / double(spec.count);
      points[i].emplace_back(d.param->key, value_at(d, std::min(t, std::nextafter(1.0, 0.0))));
    }
  }
  return points;
}

}  // namespace vvsim::app
