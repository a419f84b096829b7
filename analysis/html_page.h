// The shared frame of vvsim's HTML reports: one self-contained page with
// inline styles, and small helpers for tables.
#pragma once

#include <string>
#include <vector>

namespace vvsim::analysis::html {

std::string page(const std::string& title, const std::string& body);
// A table; cells are escaped here.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
// The same with cells that are HTML already (escaped by the caller, e.g. links).
std::string table_of_html(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string section(const std::string& heading, const std::string& content);

}  // namespace vvsim::analysis::html
