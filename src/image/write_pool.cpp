#include "image/write_pool.h"

namespace berth {

WritePool::WritePool(unsigned workers, size_t max_queued_bytes) : max_queued_bytes_(max_queued_bytes) {
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

WritePool::~WritePool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
    queued_bytes_ = 0;
  }
  job_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

Status WritePool::first_error_locked() const {
  if (error_) return std::unexpected(*error_);
  return {};
}

Status WritePool::submit(std::function<Status()> job, size_t bytes) {
  std::unique_lock lock(mutex_);
  // A job bigger than the whole budget waits for an empty queue, then goes alone.
  space_ready_.wait(lock, [&] { return error_ || queued_bytes_ == 0 || queued_bytes_ + bytes <= max_queued_bytes_; });
  BERTH_TRY(first_error_locked());
  queue_.push_back({std::move(job), bytes});
  queued_bytes_ += bytes;
  lock.unlock();
  job_ready_.notify_one();
  return {};
}

Status WritePool::drain() {
  std::unique_lock lock(mutex_);
  space_ready_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
  return first_error_locked();
}

void WritePool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    job_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    // After a failure the rest is skipped: the extraction is lost anyway.
    bool skip = error_.has_value();
    lock.unlock();
    Status status = skip ? Status{} : job.run();
    size_t bytes = job.bytes;
    job = {};  // frees the job's data outside the lock
    lock.lock();
    if (!status && !error_) error_ = std::move(status.error());
    queued_bytes_ -= bytes;
    --running_;
    space_ready_.notify_all();
  }
}

}  // namespace berth
