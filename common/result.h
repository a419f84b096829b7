// The one way vvsim reports an error, in every layer: a function that can fail
// returns Result<T> (or Result<void>), holding either its value or an Error, a
// one-line diagnostic that names the place (file:line, key, stream, ring). A
// layer that must also hand a code to the other side of the wire (a v6 response
// type, a V4L2 errno, a ring-rule id) uses Result<T, ItsError> with an error
// type carrying that code beside the message. Exceptions are kept for what the
// run cannot go on from (a broken model invariant), never for bad input.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace vvsim {

struct Error {
  std::string message;
};

template <class T, class E = Error>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, E>, "a Result's value and error types must differ");

 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // value() and error() on the wrong alternative throw std::bad_variant_access.
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const E& error() const { return std::get<1>(state_); }
  // The error's message, empty when ok (for logs and test messages).
  std::string error_message() const { return ok() ? std::string() : error().message; }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const E& error() const { return error_.value(); }  // throws std::bad_optional_access when ok
  std::string error_message() const { return ok() ? std::string() : error().message; }

 private:
  std::optional<E> error_;
};

using Status = Result<void>;

}  // namespace vvsim
