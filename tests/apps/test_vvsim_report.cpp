// The run report's structure, read from the HTML a real run writes: every
// legend entry inside its chart, reference lines (a queue's size) drawn under
// the data, charts without frames saying so instead of an empty 0..1 frame,
// and percentages on a 0..100 axis beside the chart they belong with.
#define BOOST_TEST_MODULE vvsim_report
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/vvsim_command.h"

using namespace vvsim::test;

namespace {

std::string report_of(const std::string& scenario, const std::string& tag, int expected_status = 0) {
  const std::string dir = scratch(tag), report = dir + "/report.html";
  const auto r = run_vvsim("run " + kSrc + "/scenarios/" + scenario + " --quiet --out " + dir + " --report " + report, tag);
  BOOST_REQUIRE_MESSAGE(r.status == expected_status, r.err);
  return slurp(report);
}

// Every <svg> element whose title (the first bold text) contains `title`.
std::vector<std::string> charts(const std::string& html, const std::string& title) {
  std::vector<std::string> out;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const std::string svg = html.substr(at, html.find("</svg>", at) - at);
    const size_t bold = svg.find("font-weight=\"bold\">");
    if (bold != std::string::npos && svg.compare(bold + 19, title.size(), title) == 0) out.push_back(svg);
  }
  return out;
}

double attribute(const std::string& element, const std::string& name) {
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(element, m, std::regex(" " + name + "=\"([-0-9.]+)\"")));
  return std::stod(m[1]);
}

// The text elements' (y, text) of a chart.
std::vector<std::pair<double, std::string>> texts(const std::string& svg) {
  std::vector<std::pair<double, std::string>> out;
  const std::regex text("<text x=\"[-0-9.]+\" y=\"([-0-9.]+)\"[^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), (*it)[2]});
  return out;
}

}  // namespace

// One decoder stream: the stage chart names all nine stages of
// docs/analysis.md, each legend row inside the chart's height.
BOOST_AUTO_TEST_CASE(stage_legend_names_every_stage_inside_the_chart) {
  const auto html = report_of("default.yaml", "report_stages");
  const auto stage = charts(html, "Mean latency by stage");
  BOOST_REQUIRE_EQUAL(stage.size(), 1u);
  const double height = attribute(stage[0].substr(0, stage[0].find('>')), "height");
  const auto labels = texts(stage[0]);
  for (const char* name : {"submit", "wait_core", "decode", "wait_output", "write", "complete", "interrupt", "isr", "wake"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto it = std::find_if(labels.begin(), labels.end(), [&](const auto& t) { return t.second == name; });
      BOOST_REQUIRE(it != labels.end());
      BOOST_CHECK_LT(it->first, height);
    }
  }
}

// A queue's size is a grey dashed line drawn before (under) the depth, and the
// axis reaches above it, so a full queue's line is not hidden by the size
// line or by the frame's top edge.
BOOST_AUTO_TEST_CASE(queue_size_lines_are_drawn_under_the_depth) {
  const auto html = report_of("default.yaml", "report_sizes");
  for (const char* title : {"commandq descriptors in use", "eventq buffers held by device", "main INPUT held by device"}) {
    BOOST_TEST_CONTEXT(title) {
      const auto found = charts(html, title);
      BOOST_REQUIRE_EQUAL(found.size(), 1u);
      const std::string& svg = found[0];
      const size_t size_line = svg.find("<polyline fill=\"none\" stroke=\"#999999\"");
      const size_t depth_line = svg.find("<polyline fill=\"none\" stroke=\"#0072B2\"");
      BOOST_REQUIRE(size_line != std::string::npos);
      BOOST_REQUIRE(depth_line != std::string::npos);
      BOOST_CHECK_LT(size_line, depth_line);
      BOOST_CHECK_NE(svg.find("stroke-dasharray", size_line), std::string::npos);
      // The size line's pixel row lies below the plot's top edge (y = 34).
      const std::string points = svg.substr(svg.find("points=\"", size_line) + 8, 40);
      BOOST_CHECK_GT(std::stod(points.substr(points.find(',') + 1)), 34.5);
    }
  }
}

// A run that deadlocked before its first frame has nothing to plot: its
// latency and stage charts say "no frames" instead of drawing axes.
BOOST_AUTO_TEST_CASE(charts_without_frames_say_so) {
  const auto deadlock = report_of("commandq_exhaustion.yaml", "report_deadlock", 3);
  for (const char* title : {"Latency over time", "Mean latency by stage"}) {
    BOOST_TEST_CONTEXT(title) {
      const auto found = charts(deadlock, title);
      BOOST_REQUIRE_EQUAL(found.size(), 1u);
      BOOST_CHECK_NE(found[0].find(">no frames</text>"), std::string::npos);
      BOOST_CHECK_EQUAL(found[0].find("<rect x=\"64\""), std::string::npos);  // no plot frame
    }
  }
}

// An encoder stream gets the decoder's charts (latency, stages) and its
// encoded size per frame with one dot per key frame: the scenario's frame 0
// and its forced key frame 45.
BOOST_AUTO_TEST_CASE(encoder_reports_latency_stages_and_sizes_with_key_frames) {
  const auto html = report_of("encode_bitrate_keyframe.yaml", "report_encode");
  const auto stage = charts(html, "Mean latency by stage");
  BOOST_REQUIRE_EQUAL(stage.size(), 1u);
  BOOST_CHECK_EQUAL(stage[0].find(">no frames</text>"), std::string::npos);
  BOOST_CHECK_EQUAL(charts(html, "Latency histogram: camera").size(), 1u);
  const auto sizes = charts(html, "Encoded size per frame: camera");
  BOOST_REQUIRE_EQUAL(sizes.size(), 1u);
  size_t dots = 0;
  for (size_t at = sizes[0].find("<circle cx="); at != std::string::npos; at = sizes[0].find("<circle cx=", at + 1)) ++dots;
  BOOST_CHECK_EQUAL(dots, 2u + 1u);  // two key frames and the legend's dot
}

// Utilisation bars are percentages: their axis ends at 100 whatever the
// busiest core reached, and they sit top-aligned beside the bus chart.
BOOST_AUTO_TEST_CASE(utilisation_bars_have_a_full_percent_axis) {
  const auto html = report_of("default.yaml", "report_util");
  const auto bars = charts(html, "Codec core and bus utilisation");
  BOOST_REQUIRE_EQUAL(bars.size(), 1u);
  double largest_tick = 0;
  for (const auto& [y, text] : texts(bars[0]))
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) largest_tick = std::max(largest_tick, std::stod(text));
  BOOST_CHECK_EQUAL(largest_tick, 100.0);
  const size_t bars_at = html.find("Codec core and bus utilisation");
  const size_t div_at = html.rfind("<div class=\"plots\">", bars_at);
  BOOST_REQUIRE(div_at != std::string::npos);
  BOOST_CHECK_EQUAL(html.find("</div>", div_at) > html.find("Bus utilisation per 100 us window", div_at), true);
  BOOST_CHECK_NE(html.find("align-items:flex-start"), std::string::npos);
}
