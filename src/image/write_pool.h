// A few worker threads that run filesystem jobs for one extraction, with a
// bound on the bytes queued. Creating a file costs the kernel far more than
// the tar parsing that finds it (inode allocation, journal, page cache), so
// the reading thread hands regular files to workers and moves on; the
// workers' creates run on the other cores.
//
// Jobs carry no ordering among themselves: the caller submits only jobs that
// touch disjoint paths and calls drain() before anything that depends on a
// queued job (see LayerWriter's pending-path rules).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/result.h"

namespace berth {

class WritePool {
 public:
  // `max_queued_bytes` bounds the memory of the data waiting in jobs; a
  // single job larger than it still runs (submit waits until the queue is empty).
  WritePool(unsigned workers, size_t max_queued_bytes);
  // Waits for the running jobs, drops the queued ones, joins the workers.
  ~WritePool();
  WritePool(const WritePool&) = delete;
  WritePool& operator=(const WritePool&) = delete;

  // Queues a job costing `bytes` of memory; blocks while over the budget.
  // Returns the first job error seen so far, so a failing extraction stops early.
  Status submit(std::function<Status()> job, size_t bytes);
  // Waits until every queued job ran; returns the first error of any job.
  Status drain();

 private:
  struct Job {
    std::function<Status()> run;
    size_t bytes;
  };
  void work();
  Status first_error_locked() const;

  std::mutex mutex_;
  std::condition_variable job_ready_;    // workers wait for jobs
  std::condition_variable space_ready_;  // submit and drain wait here
  std::deque<Job> queue_;
  size_t queued_bytes_ = 0;
  size_t running_ = 0;
  size_t max_queued_bytes_;
  bool stopping_ = false;
  std::optional<Error> error_;
  std::vector<std::thread> workers_;
};

}  // namespace berth
