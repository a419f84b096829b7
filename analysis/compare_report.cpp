// The terminal table and compare.html of a comparison, drawn from compare.json.
#include <fmt/format.h>

#include <algorithm>

#include "analysis/compare.h"
#include "analysis/html_page.h"
#include "analysis/svg_plot.h"

namespace vvsim::analysis {

using nlohmann::json;

namespace {

// A figure's value as both outputs show it: up to three decimals, "-" for none.
std::string value_text(const json& v) {
  if (!v.is_number()) return "-";
  std::string text = fmt::format("{:.3f}", v.get<double>());
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string checksum_text(const json& v) { return v.is_string() ? v.get<std::string>() : "-"; }

std::string figure_name(const json& f) {
  const std::string unit = f.value("unit", "");
  return unit.empty() ? f.value("label", "") : fmt::format("{} ({})", f.value("label", ""), unit);
}

std::vector<std::string> labels_of(const json& compare) {
  std::vector<std::string> labels;
  for (const auto& r : compare.at("runs")) labels.push_back(r.value("label", ""));
  return labels;
}

std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c == 0 ? fmt::format("{:<{}}", row[c], width[c]) : fmt::format("  {:>{}}", row[c], width[c]);
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

}  // namespace

std::string compare_table(const json& compare) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"  figure"};
  for (const auto& l : labels_of(compare)) header.push_back(l);
  rows.push_back(header);
  std::vector<std::string> outcome = {"  outcome"};
  for (const auto& r : compare.at("runs")) outcome.push_back(r.value("outcome", ""));
  rows.push_back(outcome);
  for (const auto& f : compare.at("figures")) {
    std::vector<std::string> row = {(f.value("differs", false) ? "* " : "  ") + figure_name(f)};
    for (const auto& v : f.at("values")) row.push_back(value_text(v));
    rows.push_back(row);
  }
  std::string out = fmt::format("{}\n", compare.value("title", "")) + aligned(rows);
  for (const auto& r : compare.at("runs"))
    if (!r.value("reason", "").empty()) out += fmt::format("  {}: {}\n", r.value("label", ""), r.value("reason", ""));
  out += compare.value("frames_equal", false) ? "  frames: the same checksums in every run that completed\n"
                                              : "  frames: checksums DIFFER between runs (see compare.json)\n";
  return out + "  (* the runs differ in this figure)\n";
}

namespace {

std::string runs_section(const json& compare) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : compare.at("runs")) {
    const std::string outcome = r.value("outcome", "");
    const std::string cls = outcome == "completed" ? "good" : "bad";
    rows.push_back({svg::html_escape(r.value("label", "")), "<span class=\"" + cls + "\">" + svg::html_escape(outcome) + "</span>",
                    r["exit_status"].is_number() ? std::to_string(r["exit_status"].get<int>()) : "-",
                    svg::html_escape(r.value("reason", "")), svg::html_escape(r.value("source", ""))});
  }
  return html::section("Runs", html::table_of_html({"run", "outcome", "exit status", "reason", "summary"}, rows));
}

std::string frames_section(const json& compare) {
  std::vector<std::string> header = {"stream"};
  for (const auto& l : labels_of(compare)) header.push_back(l);
  header.push_back("same frames (completed runs)");
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : compare.at("checksums")) {
    std::vector<std::string> row = {svg::html_escape(c.value("stream", ""))};
    for (const auto& v : c.at("values")) row.push_back(svg::html_escape(checksum_text(v)));
    row.push_back(c.value("equal", false) ? "<span class=\"good\">yes</span>" : "<span class=\"bad\">no</span>");
    rows.push_back(row);
  }
  const std::string verdict = compare.value("frames_equal", false)
                                  ? "<p class=\"good\">Every run that completed gave the same frames (XXH3-64 of each stream's "
                                    "frames).</p>\n"
                                  : "<p class=\"bad\">The runs gave different frames.</p>\n";
  return html::section("Frames", verdict + html::table_of_html(header, rows));
}

// Differing figures are marked; the table's rows follow compare.json's figures in order.
std::string figures_section(const json& compare) {
  std::vector<std::string> header = {"figure"};
  for (const auto& l : labels_of(compare)) header.push_back(l);
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : compare.at("figures")) {
    const bool differs = f.value("differs", false);
    std::vector<std::string> row = {svg::html_escape(figure_name(f))};
    for (const auto& v : f.at("values"))
      row.push_back(differs ? "<mark>" + value_text(v) + "</mark>" : value_text(v));
    rows.push_back(row);
  }
  return html::section("Figures (highlighted where the runs differ)", html::table_of_html(header, rows));
}

// Bars of the figures the review arguments turn on.
std::string charts_section(const json& compare) {
  static const char* const keys[] = {"round_trips_to_first_frame", "first_frame_ms", "commandq.chains_per_frame",
                                     "commandq.peak_descriptors_held", "latency_p50_ms", "latency_p99_ms"};
  std::string out = "<div class=\"plots\">\n";
  const auto labels = labels_of(compare);
  for (const auto& f : compare.at("figures")) {
    if (std::find(std::begin(keys), std::end(keys), f.value("key", "")) == std::end(keys)) continue;
    std::vector<svg::StackedBar> bars;
    for (size_t i = 0; i < labels.size(); ++i)
      bars.push_back({labels[i], {f["values"][i].is_number() ? f["values"][i].get<double>() : 0.0}});
    svg::ChartOptions o{figure_name(f), f.value("unit", ""), ""};
    o.width = 420, o.height = 60 + 28 * int(labels.size());
    out += svg::stacked_bars({f.value("label", "")}, bars, o);
  }
  return html::section("Key figures", out + "</div>\n");
}

std::string settings_section(const json& compare) {
  const auto& differing = compare.at("settings_differing");
  if (differing.empty()) return html::section("Settings", "<p>Every effective setting is the same in every run.</p>\n");
  std::vector<std::string> header = {"setting"};
  for (const auto& l : labels_of(compare)) header.push_back(l);
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : differing) {
    std::vector<std::string> row = {s.value("key", "")};
    for (const auto& v : s.at("values")) row.push_back(v.get<std::string>());
    rows.push_back(row);
  }
  return html::section("Settings that differ", html::table(header, rows));
}

}  // namespace

std::string compare_html(const json& compare) {
  const std::string body = runs_section(compare) + frames_section(compare) + charts_section(compare) +
                           figures_section(compare) + settings_section(compare);
  return html::page("vvsim compare: " + compare.value("title", ""), body);
}

}  // namespace vvsim::analysis
