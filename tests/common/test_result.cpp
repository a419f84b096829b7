// Result<T> holds exactly one of a value and an error, and says which.
#define BOOST_TEST_MODULE result
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <variant>

#include "common/result.h"

using vvsim::Error;
using vvsim::Result;
using vvsim::Status;

namespace {
Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error{std::string("'") + c + "' is not a digit"};
  return c - '0';
}
struct CodedError {
  int code;
  std::string message;
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_value_or_an_error_never_both) {
  const auto good = parse_digit('7');
  BOOST_REQUIRE(good.ok());
  BOOST_CHECK_EQUAL(*good, 7);
  BOOST_CHECK_THROW(good.error(), std::bad_variant_access);
  const auto bad = parse_digit('x');
  BOOST_REQUIRE(!bad);
  BOOST_CHECK_EQUAL(bad.error().message, "'x' is not a digit");
  BOOST_CHECK_THROW(bad.value(), std::bad_variant_access);
  BOOST_CHECK_EQUAL(bad.value_or(-1), -1);
}

BOOST_AUTO_TEST_CASE(status_and_coded_errors) {
  const Status fine;
  BOOST_CHECK(fine.ok());
  BOOST_CHECK_THROW(fine.error(), std::bad_optional_access);
  const Status failed = Error{"ring 0: descriptor 3 loops"};
  BOOST_REQUIRE(!failed.ok());
  BOOST_CHECK_EQUAL(failed.error().message, "ring 0: descriptor 3 loops");
  const Result<std::string, CodedError> refused = CodedError{0x100, "unsupported"};
  BOOST_REQUIRE(!refused);
  BOOST_CHECK_EQUAL(refused.error().code, 0x100);
}
