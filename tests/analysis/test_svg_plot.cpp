// The SVG charts of the HTML reports: tick choice and coordinates computed by
// hand from the plot area, bin counts, escaping, non-finite input and thinning.
#define BOOST_TEST_MODULE svg_plot
#include <boost/test/unit_test.hpp>

#include <regex>

#include "analysis/svg_plot.h"

using namespace vvsim::analysis::svg;

namespace {

std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(nice_ticks_by_hand) {
  // 0..97 in at most 6 ticks: raw step 16.2 -> 20.
  BOOST_TEST(nice_ticks(0, 97, 6) == (std::vector<double>{0, 20, 40, 60, 80, 100}), boost::test_tools::per_element());
  // 0.013..0.087: raw step 0.0123 -> 0.02, from 0 to 0.1.
  const auto t = nice_ticks(0.013, 0.087, 6);
  BOOST_REQUIRE_EQUAL(t.size(), 6u);
  BOOST_CHECK_SMALL(t.front(), 1e-12);
  BOOST_CHECK_CLOSE(t[1], 0.02, 1e-9);
  BOOST_CHECK_CLOSE(t.back(), 0.1, 1e-9);
  // A flat range still gets an axis.
  BOOST_CHECK_GE(nice_ticks(5, 5, 6).size(), 2u);
  BOOST_CHECK_EQUAL(tick_label(1500), "1500");
  BOOST_CHECK_EQUAL(tick_label(15000), "15k");
  BOOST_CHECK_EQUAL(tick_label(2e6), "2M");
  BOOST_CHECK_EQUAL(tick_label(0.25), "0.25");
  BOOST_CHECK_EQUAL(tick_label(-3), "-3");
}

BOOST_AUTO_TEST_CASE(line_vertices_at_hand_computed_pixels) {
  // 640x320 with one series: plot area x 64..624 (560 px), y 34..276 (242 px).
  // Points (0,0), (5,50), (10,100): ticks 0..10 and 0..100, so the vertices
  // are (64,276), (344,155), (624,34).
  ChartOptions o{"t", "x", "y"};
  const auto svg = line_chart({{"s", {{0, 0}, {5, 50}, {10, 100}}}}, o);
  const auto polylines = all(svg, "points=\"([^\"]*)\"");
  BOOST_REQUIRE_EQUAL(polylines.size(), 1u);
  BOOST_CHECK_EQUAL(polylines[0], "64.0,276.0 344.0,155.0 624.0,34.0");
  // A step chart holds y until the next x.
  o.step = true;
  const auto step = all(line_chart({{"s", {{0, 0}, {10, 100}}}}, o), "points=\"([^\"]*)\"");
  BOOST_CHECK_EQUAL(step.at(0), "64.0,276.0 624.0,276.0 624.0,34.0");
}

BOOST_AUTO_TEST_CASE(histogram_counts_by_hand) {
  // Samples 0..9 and three 9.5s in 2 bins over [0, 9.5]: [0,4.75) holds 0..4, the rest 5..9 and 9.5 x3.
  std::vector<double> samples = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9.5, 9.5, 9.5};
  const auto svg = histogram(samples, 2, ChartOptions{"h", "v", "n"});
  const auto heights = all(svg, "<rect x=\"[^\"]*\" y=\"[^\"]*\" width=\"[^\"]*\" height=\"([^\"]*)\" fill=\"#0072B2\"");
  BOOST_REQUIRE_EQUAL(heights.size(), 2u);
  // Counts 5 and 8 on a 0..8 axis of 242 px.
  BOOST_CHECK_CLOSE(std::stod(heights[0]), 242.0 * 5 / 8, 0.1);
  BOOST_CHECK_CLOSE(std::stod(heights[1]), 242.0, 0.1);
}

BOOST_AUTO_TEST_CASE(stacked_segments_are_proportional) {
  const auto svg = stacked_bars({"a", "b"}, {{"row", {30, 10}}}, ChartOptions{"s", "us", ""});
  const auto widths = all(svg, "<rect x=\"[^\"]*\" y=\"[^\"]*\" width=\"([^\"]*)\" height=\"[^\"]*\" fill=\"#[0-9A-F]+\"><title>");
  BOOST_REQUIRE_EQUAL(widths.size(), 2u);
  BOOST_CHECK_CLOSE(std::stod(widths[0]) / std::stod(widths[1]), 3.0, 1.0);
}

BOOST_AUTO_TEST_CASE(hostile_labels_are_escaped) {
  const std::string evil = "<script>alert('x')</script> & \"q\"";
  const auto svg = line_chart({{evil, {{0, 1}}}, {"b", {{1, 2}}}}, ChartOptions{evil, evil, evil});
  BOOST_CHECK_EQUAL(svg.find("<script>"), std::string::npos);
  BOOST_CHECK_NE(svg.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_skipped) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const auto a = line_chart({{"s", {{0, nan}, {1, 2}, {inf, 3}, {2, 4}}}}, ChartOptions{"t", "x", "y"});
  const auto b = histogram({nan, 1, 2, inf}, 0, ChartOptions{"h", "x", "y"});
  const auto c = line_chart({}, ChartOptions{"empty", "x", "y"});
  for (const auto* s : {&a, &b, &c}) {
    BOOST_CHECK_EQUAL(s->find("nan"), std::string::npos);
    BOOST_CHECK_EQUAL(s->find("inf"), std::string::npos);
  }
  // Only the two finite points are drawn.
  const auto pts = all(a, "points=\"([^\"]*)\"").at(0);
  BOOST_CHECK_EQUAL(std::count(pts.begin(), pts.end(), ','), 2);
}

BOOST_AUTO_TEST_CASE(long_series_are_thinned_but_keep_their_peak) {
  Series s{"long", {}};
  for (int i = 0; i < 100000; ++i) s.points.push_back({double(i), i == 54321 ? 1000.0 : double(i % 7)});
  const auto svg = line_chart({s}, ChartOptions{"t", "x", "y"});
  const auto pts = all(svg, "points=\"([^\"]*)\"").at(0);
  const size_t vertices = size_t(std::count(pts.begin(), pts.end(), ' ')) + 1;
  BOOST_CHECK_LE(vertices, 2u * 561u);
  // The spike's y pixel: 1000 on a 0..1000 axis is the top of the plot, y = 34.
  BOOST_CHECK_NE(pts.find(",34.0"), std::string::npos);
  BOOST_CHECK_EQUAL(svg, line_chart({s}, ChartOptions{"t", "x", "y"}));
}

// Nothing to plot: the chart says so instead of axes over an invented 0..1.
BOOST_AUTO_TEST_CASE(empty_charts_say_so) {
  ChartOptions o{"Latency", "x", "y"};
  o.empty_text = "no frames";
  for (const auto& svg : {histogram({}, 20, o), line_chart({{"a", {}}, {"b", {}}}, o)}) {
    BOOST_CHECK_NE(svg.find(">no frames</text>"), std::string::npos);
    BOOST_CHECK_EQUAL(svg.find("<line"), std::string::npos);  // no axes or ticks
    BOOST_CHECK_EQUAL(svg.find(">1</text>"), std::string::npos);
  }
  BOOST_CHECK_NE(histogram({}, 20, ChartOptions{"h", "x", "y"}).find(">no data</text>"), std::string::npos);
  // Given x ticks (a sweep's values) still draw their axis.
  ChartOptions ticks{"sweep", "x", "y"};
  ticks.x_ticks = {{1, "1"}, {2, "2"}};
  BOOST_CHECK_EQUAL(line_chart({{"a", {}}}, ticks).find("no data"), std::string::npos);
}
