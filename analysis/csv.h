// The one CSV writer of every table vvsim writes (frames CSV, sweep.csv):
// RFC 4180 fields, so a stream name or error text holding commas, double
// quotes or line breaks reads back as one field. Records end in LF, not the
// RFC's CRLF: every reader we know takes both (docs/analysis.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vvsim::analysis {

// A field as RFC 4180 writes it: quoted when it holds a comma, a double quote,
// CR or LF, with each double quote doubled; otherwise unchanged.
std::string csv_field(std::string_view text);

// One record: the fields quoted as needed, joined by commas, ended by LF.
std::string csv_record(const std::vector<std::string>& fields);

}  // namespace vvsim::analysis
