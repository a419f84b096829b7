#include "analysis/html_page.h"

#include "analysis/svg_plot.h"

namespace vvsim::analysis::html {

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + svg::html_escape(title) +
         "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}\n"
         "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}\n"
         "table{border-collapse:collapse;margin:8px 0;font-size:13px}\n"
         "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}\n"
         "td:first-child,th:first-child{text-align:left}\n"
         ".plots{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}pre{background:#f7f7f7;padding:8px;font-size:12px}\n"
         ".bad{color:#b00020;font-weight:bold}.good{color:#006400;font-weight:bold}\n"
         "</style>\n</head>\n<body>\n<h1>" +
         svg::html_escape(title) + "</h1>\n" + body + "</body>\n</html>\n";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  auto escaped = rows;
  for (auto& row : escaped)
    for (auto& c : row) c = svg::html_escape(c);
  return table_of_html(header, escaped);
}

std::string table_of_html(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table>\n<tr>";
  for (const auto& h : header) out += "<th>" + svg::html_escape(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + c + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string section(const std::string& heading, const std::string& content) {
  return "<h2>" + svg::html_escape(heading) + "</h2>\n" + content;
}

}  // namespace vvsim::analysis::html
