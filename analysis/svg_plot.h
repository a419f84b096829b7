// Small deterministic SVG charts for vvsim's self-contained HTML reports:
// line/step charts (optionally with markers), histograms and horizontal
// stacked bars. Output is a complete <svg> element for inline use in HTML5.
// Non-finite values are skipped; very long series are thinned to the min and
// max of each pixel column, so spikes stay visible and files stay small.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vvsim::analysis::svg {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), in x order
  // A limit or target (a queue's size): drawn first, grey and dashed, so a
  // data series at the same value stays visible on top of it.
  bool reference = false;
  // Dots only (events such as key frames marked on a line of another series).
  bool dots_only = false;
};

struct ChartOptions {
  ChartOptions(std::string title_, std::string x_label_, std::string y_label_)
      : title(std::move(title_)), x_label(std::move(x_label_)), y_label(std::move(y_label_)) {}
  std::string title, x_label, y_label;
  int width = 640, height = 320;
  bool step = false;     // hold each y until the next x (queue depths)
  bool markers = false;  // a dot per point (sweep results)
  bool lines = true;     // false: dots only (sampled points, whose order means nothing)
  std::optional<double> y_min;
  // The value axis (y of a line chart, x of bars) reaches at least this: 100
  // for a percentage, so 40 % does not look like a full bar.
  std::optional<double> axis_max;
  // Ticks at these x positions with these labels (e.g. a sweep's values);
  // empty: round ticks over the data.
  std::vector<std::pair<double, std::string>> x_ticks;
  int legend_width = 190;  // room right of the plot for the series' names; the chart grows to fit them all
  // Shown, instead of axes over an invented 0..1 range, when there is nothing to plot.
  std::string empty_text = "no data";
};

std::string line_chart(const std::vector<Series>& series, const ChartOptions& options);
// Counts of `samples` in `bins` equal bins over their range.
std::string histogram(const std::vector<double>& samples, size_t bins, const ChartOptions& options);

struct StackedBar {
  std::string label;
  std::vector<double> segments;  // one value per segment name, >= 0
};
std::string stacked_bars(const std::vector<std::string>& segment_names, const std::vector<StackedBar>& bars,
                         const ChartOptions& options);

// Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi] with at
// most about `max_count` ticks; the first is <= lo and the last >= hi.
std::vector<double> nice_ticks(double lo, double hi, size_t max_count);
// Compact tick text: 1.5k, 2M, 0.25, -3.
std::string tick_label(double value);

// Escapes & < > " ' for XML/HTML text and attributes.
std::string html_escape(std::string_view text);

}  // namespace vvsim::analysis::svg
