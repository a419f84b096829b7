// The CSV writer against RFC 4180's rules, written out by hand: fields with
// a comma, double quote, CR or LF are quoted and quotes doubled.
#define BOOST_TEST_MODULE csv
#include <boost/test/unit_test.hpp>

#include "analysis/csv.h"
#include "analysis/sweep.h"

using namespace vvsim::analysis;

BOOST_AUTO_TEST_CASE(fields_are_quoted_as_rfc4180_says) {
  BOOST_CHECK_EQUAL(csv_field("plain text 1.5"), "plain text 1.5");
  BOOST_CHECK_EQUAL(csv_field(""), "");
  BOOST_CHECK_EQUAL(csv_field("a,b"), "\"a,b\"");
  BOOST_CHECK_EQUAL(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  BOOST_CHECK_EQUAL(csv_field("two\nlines"), "\"two\nlines\"");
  BOOST_CHECK_EQUAL(csv_field("cr\rhere"), "\"cr\rhere\"");
  BOOST_CHECK_EQUAL(csv_record({"x", "a,\"b\"", ""}), "x,\"a,\"\"b\"\"\",\n");
}

BOOST_AUTO_TEST_CASE(sweep_table_quotes_keys_and_errors) {
  SweepParam param;
  param.key = "streams.0.name";
  param.values = {"a"};
  SweepPointResult failed;
  failed.point = {{"streams.0.name", "a"}};
  failed.exit_status = 1;
  failed.error = "x.yaml:3:5: key 'a': \"b\", c\nsecond line";
  const std::string csv = sweep_csv({param}, {failed});
  const std::string second = csv.substr(csv.find('\n') + 1);
  // point_id, vvsim_version and profile_digest are empty: no provenance recorded.
  BOOST_CHECK_EQUAL(second, "0,a,1,failed,,,,,,,,,,,,\"x.yaml:3:5: key 'a': \"\"b\"\", c\nsecond line\"\n");
}
