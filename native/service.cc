#include "service.h"

namespace kbench {

struct Service::Shared {
  std::mutex mu;
  std::deque<std::unique_ptr<Job>> done;  // finished on the service thread, not yet completed on the JS thread
  napi_threadsafe_function tsfn = nullptr;
  bool alive = false;     // false once Node finalized the tsfn (env teardown or after our release)
  bool released = false;  // JS thread: we released our use of the tsfn
  size_t pending = 0;     // JS thread: submitted, not completed (and holds)
  bool wake = false;      // a Wake() not yet run (guarded by mu)
  Waker* waker = nullptr; // JS thread only
};

Service::~Service() {
  // The owner calls Stop() first; this only covers a Service that was never started.
  if (thread_.joinable()) {
    stop_ = true;
    cv_.notify_all();
    thread_.join();
  }
}

void Service::EnsureStarted(Napi::Env env) {
  if (!shared_) {
    shared_ = std::make_shared<Shared>();
    // The tsfn's context is a heap copy of the shared_ptr, deleted in Finalize: the tsfn may be
    // finalized after the Service is gone (env teardown), and must not point into it.
    auto* ctx = new std::shared_ptr<Shared>(shared_);
    napi_threadsafe_function tsfn = nullptr;
    napi_status st = napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, name_), 0, 1, ctx,
                                                     &Service::Finalize, ctx, &Service::CallJs, &tsfn);
    if (st != napi_ok) {
      delete ctx;
      shared_.reset();
      throw Napi::Error::New(env, "could not create the wake-up function of a service thread");
    }
    napi_unref_threadsafe_function(env, tsfn);  // referenced only while jobs are pending
    {
      std::lock_guard<std::mutex> lk(shared_->mu);
      shared_->tsfn = tsfn;
      shared_->alive = true;
    }
    thread_ = std::thread(&Service::ThreadMain, this);
  }
}

void Service::Submit(Napi::Env env, std::unique_ptr<Job> job) {
  EnsureStarted(env);
  Hold(env);  // dropped when the job is completed (CompleteJobs)
  {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

size_t Service::pending() const { return shared_ ? shared_->pending : 0; }

void Service::Hold(Napi::Env env) {
  if (shared_->pending++ == 0 && !shared_->released) napi_ref_threadsafe_function(env, shared_->tsfn);
}

void Service::Drop(Napi::Env env) {
  // After Stop(), pending is 0 and the tsfn is released: nothing to unref.
  if (shared_ && shared_->pending > 0 && --shared_->pending == 0 && !shared_->released) napi_unref_threadsafe_function(env, shared_->tsfn);
}

void Service::SetWaker(Waker* waker) {
  if (shared_ && !stopped_) shared_->waker = waker;
}

void Service::Wake() {
  // shared_ is set once, on the JS thread, before anything that can call Wake() exists, and the
  // Service outlives its owner's librdkafka handle (whose callbacks call this).
  Shared* shared = shared_.get();
  if (shared == nullptr) return;
  std::lock_guard<std::mutex> lk(shared->mu);
  if (shared->wake || !shared->alive || shared->released) return;
  shared->wake = true;
  // One call carries both: the jobs finished so far and the wake-up (see CallJs).
  if (shared->done.empty()) napi_call_threadsafe_function(shared->tsfn, nullptr, napi_tsfn_nonblocking);
}

bool Service::busy() {
  std::lock_guard<std::mutex> lk(mu_);
  return running_job_ || !queue_.empty();
}

void Service::ThreadMain() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stop_.load() || !queue_.empty(); });
      if (stop_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_job_ = true;
    }
    try {
      job->Run(stop_);
    } catch (const std::exception& e) {
      job->run_error = std::string("kbench addon: ") + e.what();
    } catch (...) {
      job->run_error = "kbench addon: unknown C++ exception in a service thread";
    }
    {
      // Not busy any more before JS can learn the job is done (a caller may start a loop at once).
      std::lock_guard<std::mutex> lk(mu_);
      running_job_ = false;
    }
    std::lock_guard<std::mutex> lk(shared_->mu);
    const bool wake = shared_->done.empty() && !shared_->wake;  // one wake-up drains everything finished so far
    shared_->done.push_back(std::move(job));
    // Under shared->mu: Finalize (which flips `alive`, after which Node deletes the tsfn) waits for us.
    if (wake && shared_->alive) napi_call_threadsafe_function(shared_->tsfn, nullptr, napi_tsfn_nonblocking);
  }
}

void Service::CallJs(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // tsfn being torn down with the env: nothing can be settled any more
  std::shared_ptr<Shared> shared = *static_cast<std::shared_ptr<Shared>*>(context);
  std::deque<std::unique_ptr<Job>> done;
  bool wake;
  {
    std::lock_guard<std::mutex> lk(shared->mu);
    done.swap(shared->done);
    wake = shared->wake;
    shared->wake = false;  // before OnWake runs: a Wake() from now on asks for another run
  }
  Napi::Env e(env);
  // Nothing may escape this C callback (a C++ exception here would end in std::terminate).
  try {
    Napi::HandleScope scope(e);
    CompleteJobs(e, shared, done);
  } catch (...) {
  }
  // Read after the jobs: a job that closed its client (Stop) has cleared the waker.
  if (wake && shared->waker != nullptr) {
    try {
      Napi::HandleScope scope(e);
      shared->waker->OnWake(e);
    } catch (...) {
    }
  }
}

void Service::CompleteJobs(Napi::Env e, const std::shared_ptr<Shared>& shared, std::deque<std::unique_ptr<Job>>& done) {
  napi_env env = e;
  for (auto& job : done) {
    // Nothing may escape this C callback: a failure settles the job's promise instead (a Napi::Error
    // has already taken its exception off the JS engine, so none is left pending).
    try {
      if (job->run_error.empty()) {
        job->Complete(e);
      } else {
        job->Failed(e, job->run_error);
      }
    } catch (const Napi::Error& err) {
      try {
        job->deferred.Reject(err.Value());
      } catch (...) {
      }
    } catch (...) {
    }
    job.reset();
    // After Stop() (a close completing), pending is 0 and the tsfn is released: nothing to unref.
    if (shared->pending > 0 && --shared->pending == 0 && !shared->released) napi_unref_threadsafe_function(env, shared->tsfn);
  }
}

void Service::Finalize(napi_env, void* data, void*) {
  auto* ctx = static_cast<std::shared_ptr<Shared>*>(data);
  {
    std::lock_guard<std::mutex> lk((*ctx)->mu);
    (*ctx)->alive = false;
  }
  delete ctx;
}

std::vector<std::unique_ptr<Job>> Service::Stop() {
  std::vector<std::unique_ptr<Job>> left;
  if (stopped_) return left;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& j : queue_) left.push_back(std::move(j));
  queue_.clear();
  if (shared_) {
    std::lock_guard<std::mutex> lk(shared_->mu);
    for (auto& j : shared_->done) left.push_back(std::move(j));
    shared_->done.clear();
    if (shared_->alive && !shared_->released) napi_release_threadsafe_function(shared_->tsfn, napi_tsfn_abort);
    shared_->released = true;
    shared_->pending = 0;
    shared_->waker = nullptr;
  }
  return left;
}

}  // namespace kbench
