// A client's own service thread: runs the client's blocking work (produce/consume loops, waiting for
// acks, flush, close) off the JS thread, one job at a time, and wakes the JS thread once per finished
// job through a thread-safe function. Jobs never touch a napi_value in Run(); Complete() runs on the
// JS thread. The same thread-safe function also carries wake-ups that are not jobs (Wake()): any
// thread, a librdkafka thread included, can ask for the owner's OnWake() to run on the JS thread. A thread of our own rather than the libuv pool: long loops must not occupy the pool, and a
// terminating worker must be able to stop a running job instead of waiting for it (Stop()).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common.h"

namespace kbench {

class Job {
 public:
  explicit Job(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  virtual ~Job() = default;

  /** Service thread. Must return soon after `stop` becomes true. No napi calls. */
  virtual void Run(const std::atomic<bool>& stop) = 0;
  /** JS thread: settle `deferred` from the results Run() left in the job. */
  virtual void Complete(Napi::Env env) = 0;
  /** JS thread, instead of Complete() when Run() threw: reject (jobs that changed state restore it). */
  virtual void Failed(Napi::Env env, const std::string& why) { deferred.Reject(Napi::Error::New(env, why).Value()); }

  /** Env teardown: the promise will never settle and the references must not be deleted any more. */
  void Abandon() { owner.SuppressDestruct(); }

  Napi::Promise::Deferred deferred;
  /** Set by the service thread when Run() threw (out of memory, say): the job is failed, not the process. */
  std::string run_error;
  /** Keeps the client's JS object (and so the C++ object) alive until the job is completed. */
  Napi::ObjectReference owner;
};

/** What a Service's wake-ups (Service::Wake) run on the JS thread. */
class Waker {
 public:
  virtual ~Waker() = default;
  virtual void OnWake(Napi::Env env) = 0;
};

class Service {
 public:
  explicit Service(const char* name) : name_(name) {}
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /** JS thread: starts the thread and the wake-up function (once); throws if that fails. */
  void EnsureStarted(Napi::Env env);
  /** JS thread: queues a job (EnsureStarted first). */
  void Submit(Napi::Env env, std::unique_ptr<Job> job);
  /** JS thread: jobs submitted and not yet completed, plus holds (Hold) not yet dropped. */
  size_t pending() const;
  /**
   * JS thread: something other than a job is pending (a produceSync awaited on the JS thread): the
   * event loop stays alive, as for a job, until Drop(). EnsureStarted first.
   */
  void Hold(Napi::Env env);
  void Drop(Napi::Env env);
  /** JS thread: who runs the wake-ups (null: nobody; Stop() clears it). EnsureStarted first. */
  void SetWaker(Waker* waker);
  /**
   * Any thread, no napi_value: runs waker->OnWake() on the JS thread soon (coalesced: one run serves
   * every Wake() made before it starts). A no-op before EnsureStarted and after Stop().
   */
  void Wake();
  /** Any thread: true while the service thread runs a job or has jobs queued. */
  bool busy();

  /**
   * JS thread: asks the running job to stop (jobs look at `stop` at least every 100 ms), joins the
   * thread and releases the wake-up function. Returns the jobs that were never completed.
   */
  std::vector<std::unique_ptr<Job>> Stop();

 private:
  struct Shared;  // shared with the thread-safe function, which can outlive the Service
  void ThreadMain();
  static void CallJs(napi_env env, napi_value js_cb, void* context, void* data);
  static void CompleteJobs(Napi::Env env, const std::shared_ptr<Shared>& shared, std::deque<std::unique_ptr<Job>>& done);
  static void Finalize(napi_env env, void* data, void* hint);

  const char* name_;
  std::shared_ptr<Shared> shared_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool running_job_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace kbench
