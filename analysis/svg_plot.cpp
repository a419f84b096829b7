#include "analysis/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace vvsim::analysis::svg {

namespace {

// Okabe-Ito, colour-blind safe, plus grey.
constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                                    "#56B4E9", "#F0E442", "#000000", "#999999"};
constexpr size_t kColourCount = sizeof(kColours) / sizeof(kColours[0]);
constexpr int kLeft = 64, kTop = 34, kBottom = 44, kRightPlain = 16;
constexpr double kLegendRow = 16;
constexpr int kFont = 11;

constexpr const char* kReferenceColour = "#999999";
constexpr const char* kReferenceDash = " stroke-dasharray=\"5 3\"";

const char* colour(size_t i) { return kColours[i % kColourCount]; }
// Past the palette, series repeat a colour with a dash pattern.
std::string dash(size_t i) { return i < kColourCount ? "" : " stroke-dasharray=\"6 3\""; }

// How one series or bar segment is drawn, and named in the legend.
struct Style {
  std::string name;
  std::string colour, dash;
  bool dots = false;  // named by a dot in the legend
};

// Data series take the palette in order; reference series are grey and dashed.
std::vector<Style> series_styles(const std::vector<Series>& series) {
  std::vector<Style> out;
  size_t data = 0;
  for (const auto& s : series) {
    if (s.reference) {
      out.push_back({s.name, kReferenceColour, kReferenceDash});
    } else {
      out.push_back({s.name, colour(data), dash(data), s.dots_only});
      ++data;
    }
  }
  return out;
}

std::string num(double v) {
  if (std::fabs(v) < 0.05) v = 0;  // no "-0.0"
  return fmt::format("{:.1f}", v);
}

bool finite(double v) { return std::isfinite(v); }

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!finite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// Maps data to pixels inside the plot area.
struct Frame {
  int width, height, right;
  double x0, x1, y0, y1;
  double left() const { return kLeft; }
  double plot_w() const { return width - kLeft - right; }
  double plot_h() const { return height - kTop - kBottom; }
  double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * plot_w(); }
  double py(double y) const { return kTop + plot_h() - (y - y0) / (y1 - y0) * plot_h(); }
};

// The options with the height grown, if need be, so every legend row fits.
ChartOptions fitted(const ChartOptions& o, size_t legend_rows) {
  ChartOptions out = o;
  const int needed = kTop + 6 + int(kLegendRow * double(legend_rows)) + 8;
  if (legend_rows > 1 && out.height < needed) out.height = needed;
  return out;
}

std::string open_svg(const ChartOptions& o) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"{2}\">\n<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n"
      "<text x=\"{3}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{4}</text>\n",
      o.width, o.height, kFont, kLeft, html_escape(o.title));
}

using Ticks = std::vector<std::pair<double, std::string>>;

Ticks labelled(const std::vector<double>& ticks) {
  Ticks out;
  for (double t : ticks) out.push_back({t, tick_label(t)});
  return out;
}

std::string axes(const Frame& f, const Ticks& xt, const std::vector<double>& yt, const ChartOptions& o) {
  std::string out;
  for (double y : yt) {
    const double p = f.py(y);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e0e0e0\"/>\n", kLeft, num(p),
                       num(kLeft + f.plot_w()), num(p));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLeft - 4, num(p + 4), tick_label(y));
  }
  for (const auto& [x, label] : xt) {
    const double p = f.px(x);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#888888\"/>\n", num(p),
                       num(kTop + f.plot_h()), num(kTop + f.plot_h() + 4));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(p),
                       num(kTop + f.plot_h() + 16), html_escape(label));
  }
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888888\"/>\n", kLeft,
                     kTop, num(f.plot_w()), num(f.plot_h()));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(kLeft + f.plot_w() / 2),
                     f.height - 8, html_escape(o.x_label));
  out += fmt::format("<text x=\"14\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {0})\">{1}</text>\n",
                     num(kTop + f.plot_h() / 2), html_escape(o.y_label));
  return out;
}

// Bars are named by a filled square, lines by a stroke with their dash.
enum class Swatch { Square, Line };

// One row per entry; the chart was made tall enough for all of them (fitted).
std::string legend(const std::vector<Style>& entries, const Frame& f, Swatch swatch) {
  std::string out;
  const double x = f.width - f.right + 10;
  for (size_t i = 0; i < entries.size(); ++i) {
    const double y = kTop + 6 + kLegendRow * double(i);
    const Style& e = entries[i];
    if (swatch == Swatch::Square)
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", num(x), num(y), e.colour);
    else if (e.dots)
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>\n", num(x + 3), num(y + 5), e.colour);
    else
      out += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2.5\"{4}/>\n",
                         num(x - 4), num(x + 10), num(y + 5), e.colour, e.dash);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", num(x + 14), num(y + 9), html_escape(e.name));
  }
  return out;
}

// Thins a long series to the min and max of each pixel column (in x order).
std::vector<std::pair<double, double>> thin(const std::vector<std::pair<double, double>>& pts, const Frame& f) {
  const size_t columns = size_t(std::max(1.0, f.plot_w()));
  if (pts.size() <= 2 * columns) return pts;
  std::vector<std::pair<double, double>> out;
  size_t i = 0;
  while (i < pts.size()) {
    const long column = std::lround((f.px(pts[i].first) - kLeft));
    size_t lo = i, hi = i, j = i;
    for (; j < pts.size() && std::lround(f.px(pts[j].first) - kLeft) == column; ++j) {
      if (pts[j].second < pts[lo].second) lo = j;
      if (pts[j].second > pts[hi].second) hi = j;
    }
    out.push_back(pts[std::min(lo, hi)]);
    if (lo != hi) out.push_back(pts[std::max(lo, hi)]);
    i = j;
  }
  return out;
}

std::vector<std::pair<double, double>> finite_points(const Series& s) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : s.points)
    if (finite(p.first) && finite(p.second)) out.push_back(p);
  return out;
}

// An axis from ticks that cover the range (a flat range gets a unit of room).
std::vector<double> axis_ticks(Range r, std::optional<double> floor_value, std::optional<double> ceiling = std::nullopt) {
  if (r.empty()) r = {0, 1};
  if (floor_value) r.lo = std::min(r.lo, *floor_value);
  if (ceiling) r.hi = std::max(r.hi, *ceiling);
  if (r.hi == r.lo) r.hi = r.lo + (r.lo == 0 ? 1 : std::fabs(r.lo) * 0.1);
  return nice_ticks(r.lo, r.hi, 6);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, size_t max_count) {
  if (!finite(lo) || !finite(hi)) return {0, 1};
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) hi = lo + 1;
  const double raw = (hi - lo) / double(std::max<size_t>(1, max_count));
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  const double first = std::floor(lo / step + 1e-9) * step;
  std::vector<double> ticks;
  for (double t = first;; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    if (t >= hi - step * 1e-9 || ticks.size() > 4 * max_count + 2) break;
  }
  return ticks;
}

std::string tick_label(double v) {
  const double a = std::fabs(v);
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? std::string("0") : s;
  };
  if (a >= 1e9) return trim(fmt::format("{:.2f}", v / 1e9)) + "G";
  if (a >= 1e6) return trim(fmt::format("{:.2f}", v / 1e6)) + "M";
  if (a >= 1e4) return trim(fmt::format("{:.2f}", v / 1e3)) + "k";
  if (a >= 1 || a == 0) return trim(fmt::format("{:.2f}", v));
  return trim(fmt::format("{:.4f}", v));
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The chart's frame and title with a line saying why it is empty.
std::string empty_chart(const ChartOptions& o) {
  return open_svg(o) + fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#666666\">{}</text>\n",
                                   o.width / 2, o.height / 2, html_escape(o.empty_text)) +
         "</svg>\n";
}

// One series as a polyline (and markers), in the frame's pixels.
std::string draw_series(const std::vector<std::pair<double, double>>& data, const Style& style, const Frame& f,
                        const ChartOptions& o, const Series& series) {
  const bool reference = series.reference;
  if (series.dots_only) {
    std::string dots;
    for (const auto& [x, y] : data)
      dots += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>\n", num(f.px(x)), num(f.py(y)), style.colour);
    return dots;
  }
  const auto pts = thin(data, f);
  std::string path;
  for (size_t k = 0; k < pts.size(); ++k) {
    if (o.step && k > 0) path += num(f.px(pts[k].first)) + "," + num(f.py(pts[k - 1].second)) + " ";
    path += num(f.px(pts[k].first)) + "," + num(f.py(pts[k].second)) + " ";
  }
  if (!path.empty()) path.pop_back();
  std::string out;
  if (o.lines || reference)
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{} points=\"{}\"/>\n", style.colour,
                       reference ? "1.2" : "1.5", style.dash, path);
  if (o.markers && !reference && pts.size() <= 1000)
    for (const auto& [x, y] : pts)
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"/>\n", num(f.px(x)), num(f.py(y)), style.colour);
  return out;
}

}  // namespace

std::string line_chart(const std::vector<Series>& series, const ChartOptions& options) {
  const ChartOptions o = fitted(options, series.size());
  std::vector<std::vector<std::pair<double, double>>> data;
  Range xr, yr;
  for (const auto& s : series) {
    data.push_back(finite_points(s));
    for (const auto& [x, y] : data.back()) xr.add(x), yr.add(y);
  }
  if (xr.empty() && o.x_ticks.empty()) return empty_chart(o);
  for (const auto& [x, label] : o.x_ticks) xr.add(x);
  const Ticks xt = o.x_ticks.empty() ? labelled(axis_ticks(xr, std::nullopt)) : o.x_ticks;
  const auto yt = axis_ticks(yr, o.y_min, o.axis_max);
  const int right = series.size() > 1 ? o.legend_width : kRightPlain;
  // Given ticks span the data; round ones may reach past it. One value still needs a width.
  const double x0 = o.x_ticks.empty() ? xt.front().first : xr.lo;
  const double x1 = o.x_ticks.empty() ? xt.back().first : (xr.hi > xr.lo ? xr.hi : xr.lo + 1);
  const Frame f{o.width, o.height, right, x0, x1, yt.front(), yt.back()};
  const auto styles = series_styles(series);
  std::string out = open_svg(o) + axes(f, xt, yt, o);
  for (bool references : {true, false})  // references first, underneath the data
    for (size_t i = 0; i < data.size(); ++i)
      if (series[i].reference == references) out += draw_series(data[i], styles[i], f, o, series[i]);
  if (series.size() > 1) out += legend(styles, f, Swatch::Line);
  return out + "</svg>\n";
}

std::string histogram(const std::vector<double>& samples, size_t bins, const ChartOptions& o) {
  Range r;
  for (double v : samples) r.add(v);
  if (r.empty()) return empty_chart(o);
  bins = std::max<size_t>(1, bins);
  if (r.hi == r.lo) r = {r.lo - 0.5, r.hi + 0.5};
  const double width = (r.hi - r.lo) / double(bins);
  std::vector<double> counts(bins, 0.0);
  for (double v : samples) {
    if (!finite(v)) continue;
    counts[std::min(bins - 1, size_t((v - r.lo) / width))] += 1;
  }
  Range cr{0, *std::max_element(counts.begin(), counts.end())};
  const auto xt = nice_ticks(r.lo, r.hi, 6), yt = axis_ticks(cr, 0.0);
  const Frame f{o.width, o.height, kRightPlain, std::min(xt.front(), r.lo), std::max(xt.back(), r.hi), yt.front(),
                yt.back()};
  std::string out = open_svg(o) + axes(f, labelled(xt), yt, o);
  for (size_t b = 0; b < bins; ++b) {
    const double x0 = f.px(r.lo + width * double(b)), x1 = f.px(r.lo + width * double(b + 1));
    const double y = f.py(counts[b]);
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\"/>\n", num(x0),
                       num(y), num(std::max(0.0, x1 - x0)), num(kTop + f.plot_h() - y), colour(0));
  }
  return out + "</svg>\n";
}

std::string stacked_bars(const std::vector<std::string>& names, const std::vector<StackedBar>& bars,
                         const ChartOptions& options) {
  const ChartOptions o = fitted(options, names.size());
  if (bars.empty()) return empty_chart(o);
  Range total{0, 0};
  for (const auto& b : bars) {
    double sum = 0;
    for (double v : b.segments)
      if (finite(v) && v > 0) sum += v;
    total.add(sum);
  }
  const auto xt = axis_ticks(total, 0.0, o.axis_max);
  const int right = names.size() > 1 ? o.legend_width : kRightPlain;
  // Bars are rows; the frame's y runs over row slots.
  const Frame f{o.width, o.height, right, xt.front(), xt.back(), 0, double(bars.size())};
  std::string out = open_svg(o) + axes(f, labelled(xt), {}, o);
  const double slot = f.plot_h() / double(bars.size());
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = kTop + slot * double(i) + slot * 0.15, h = slot * 0.7;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLeft - 4, num(y + h / 2 + 4),
                       html_escape(bars[i].label));
    double at = 0;
    for (size_t k = 0; k < bars[i].segments.size(); ++k) {
      const double v = bars[i].segments[k];
      if (!finite(v) || v <= 0) continue;
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                         num(f.px(at)), num(y), num(f.px(at + v) - f.px(at)), num(h), colour(k),
                         html_escape(k < names.size() ? names[k] : ""), tick_label(v));
      at += v;
    }
  }
  if (names.size() > 1) {
    std::vector<Style> entries;
    for (size_t k = 0; k < names.size(); ++k) entries.push_back({names[k], colour(k), ""});
    out += legend(entries, f, Swatch::Square);
  }
  return out + "</svg>\n";
}

}  // namespace vvsim::analysis::svg
