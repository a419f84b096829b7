#include "codec/decode_ahead.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "codec/image_layout.h"

namespace vvsim::codec {

DecodeWorkers::DecodeWorkers(unsigned host_threads) {
  for (unsigned i = 1; i < host_threads; ++i) threads_.emplace_back([this] { worker_loop(); });
}

DecodeWorkers::~DecodeWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : threads_) t.join();
}

void DecodeWorkers::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!run_one(lock)) work_ready_.wait(lock);
  }
}

bool DecodeWorkers::run_one(std::unique_lock<std::mutex>& lock) {
  DecodeAhead* stream = most_needed();
  if (!stream) return false;
  DecodeAhead::Call& call = stream->start_next();
  lock.unlock();
  stream->run(call);
  lock.lock();
  stream->finish(call);
  return true;
}

DecodeAhead* DecodeWorkers::most_needed() {
  const auto first = std::min_element(ready_.begin(), ready_.end(), [](const DecodeAhead* a, const DecodeAhead* b) {
    return a->calls_[a->done_].order < b->calls_[b->done_].order;
  });
  if (first == ready_.end()) return nullptr;
  DecodeAhead* stream = *first;
  stream->leave_ready();
  return stream;
}

void DecodeWorkers::make_ready(DecodeAhead& stream) {
  if (threads_.empty() || stream.in_ready_ || !stream.may_start()) return;
  stream.in_ready_ = true;
  ready_.push_back(&stream);
  work_ready_.notify_one();
}

DecodeAhead::DecodeAhead(std::unique_ptr<Decoder> decoder, DecodeWorkers& workers)
    : decoder_(std::move(decoder)), workers_(workers) {}

DecodeAhead::~DecodeAhead() {
  std::unique_lock<std::mutex> lock(workers_.mutex_);
  drop_all(lock);
}

uint64_t DecodeAhead::submit_decode(std::vector<uint8_t> unit, uint64_t timestamp) {
  Call call;
  call.unit = std::move(unit);
  call.timestamp = timestamp;
  return submit(std::move(call));
}

uint64_t DecodeAhead::submit_flush() {
  Call call;
  call.flush = true;
  return submit(std::move(call));
}

uint64_t DecodeAhead::submit(Call call) {
  std::lock_guard<std::mutex> lock(workers_.mutex_);
  call.ticket = next_ticket_++;
  call.order = workers_.submitted_++;
  calls_.push_back(std::move(call));
  workers_.make_ready(*this);
  return calls_.back().ticket;
}

DecodeResult DecodeAhead::take(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(workers_.mutex_);
  if (calls_.empty() || calls_.front().ticket != ticket)
    throw std::logic_error("decode ahead: a result taken out of order");
  while (!calls_.front().done) {
    if (!running_) {  // not started: the taker decodes it itself
      leave_ready();
      Call& call = start_next();
      lock.unlock();
      run(call);
      lock.lock();
      finish(call);
    } else if (!workers_.run_one(lock)) {  // another stream's call meanwhile, if one may start
      workers_.call_done_.wait(lock);
    }
  }
  Call call = std::move(calls_.front());
  calls_.pop_front();
  --done_;
  workers_.make_ready(*this);
  lock.unlock();
  if (call.error) std::rethrow_exception(call.error);
  return std::move(call.result);
}

void DecodeAhead::reset() {
  std::unique_lock<std::mutex> lock(workers_.mutex_);
  drop_all(lock);
  decoder_->reset();  // no call runs now, and none is queued
}

void DecodeAhead::leave_ready() {
  if (!in_ready_) return;
  workers_.ready_.erase(std::find(workers_.ready_.begin(), workers_.ready_.end(), this));
  in_ready_ = false;
}

void DecodeAhead::drop_all(std::unique_lock<std::mutex>& lock) {
  leave_ready();
  workers_.call_done_.wait(lock, [this] { return !running_; });
  calls_.clear();
  done_ = 0;
}

bool DecodeAhead::may_start() const { return !running_ && done_ < calls_.size() && done_ < kMaxDecodedAhead; }

DecodeAhead::Call& DecodeAhead::start_next() {
  running_ = true;
  return calls_[done_];
}

void DecodeAhead::run(Call& call) {
  try {
    call.result = call.flush ? decoder_->flush() : decoder_->decode(call.unit.data(), call.unit.size(), call.timestamp);
    // The decoder may reuse a lent buffer on its next call, which a worker may
    // make before the picture is written, unless the picture holds it.
    if (workers_.worker_threads() > 0) {
      for (auto& picture : call.result.pictures) {
        if (picture.lent && !picture.lent->held) picture = owned_picture(picture);
      }
    }
  } catch (...) {
    call.error = std::current_exception();
  }
  call.unit = {};
}

void DecodeAhead::finish(Call& call) {
  call.done = true;
  running_ = false;
  ++done_;
  workers_.make_ready(*this);
  workers_.call_done_.notify_all();
}

}  // namespace vvsim::codec
