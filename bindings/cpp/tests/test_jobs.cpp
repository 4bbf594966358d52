// Jobs through the wrapper: the one happy path against the stack (authenticate, train, wait,
// then lists, models and generation, every field marshalled), and this layer's own parts of a
// wait: durations, the CancelToken, callbacks that stop, throw or call back in. The Hub's
// rules for jobs (cancel, failure, timeouts, unknown jobs and models, config validation) are
// tested once, in tests/*.rs and tests/integration/test_hub_e2e.py.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hazy.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::elapsed_ms;
using support::error_of;

namespace {

const std::chrono::seconds kGenerous(60);  // a wait that should never be reached

// A project whose jobs take `duration_ms` on the simulator.
std::string project_with_duration(const std::string &tag, long long duration_ms) {
    const std::string project = support::unique_project(tag);
    support::set_job_duration(project, duration_ms);
    return project;
}

// A job of a fresh project that runs for a minute on the simulator.
hazy::Job long_job(hazy::Client &client, const std::string &tag) {
    return client.train(project_with_duration(tag, 60000), support::kMinimalConfig);
}

bool finished(hazy::State s) {
    return s == hazy::State::Succeeded || s == hazy::State::Failed ||
           s == hazy::State::Cancelled;
}

struct Boom : std::runtime_error {
    explicit Boom(const std::string &what) : std::runtime_error(what) {}
};

}  // namespace

TEST(Jobs, HappyPath) {
    hazy::Client client = support::client();  // authenticated by the real Keycloak
    const std::string project = project_with_duration("train", 800);
    hazy::Job job = client.train(project, support::kMinimalConfig);
    EXPECT_FALSE(job.id().empty());
    EXPECT_EQ(job.project_id(), project);
    EXPECT_EQ(job.kind(), "train");
    EXPECT_TRUE(job.state() == hazy::State::Queued || job.state() == hazy::State::Running);
    EXPECT_FALSE(job.finished());
    EXPECT_TRUE(job.model_id().empty());

    std::vector<hazy::State> states;
    std::vector<double> progress;
    std::vector<std::string> ids;
    job.wait(kGenerous, [&](const hazy::Job &snapshot) {
        states.push_back(snapshot.state());
        progress.push_back(snapshot.progress());
        ids.push_back(snapshot.id());
        return true;
    });
    EXPECT_EQ(job.state(), hazy::State::Succeeded);
    EXPECT_TRUE(job.finished());
    EXPECT_DOUBLE_EQ(job.progress(), 1.0);
    EXPECT_FALSE(job.model_id().empty());
    EXPECT_TRUE(job.failure_reason().empty());
    EXPECT_FALSE(job.raw_state().empty());

    ASSERT_GE(states.size(), 2u) << "a job of 800 ms polled every 50 ms";
    EXPECT_EQ(states.back(), hazy::State::Succeeded);
    for (std::size_t i = 0; i < states.size(); ++i) {
        EXPECT_EQ(ids[i], job.id());
        EXPECT_GE(progress[i], 0.0);
        EXPECT_LE(progress[i], 1.0);
        if (i > 0) {
            EXPECT_GE(progress[i], progress[i - 1]) << "progress went backwards";
        }
        if (i + 1 < states.size()) {
            EXPECT_FALSE(finished(states[i]));
        }
    }
    // A wait on a finished job returns at once, after one call of the callback.
    int calls = 0;
    job.wait(kGenerous, [&](const hazy::Job &) { return ++calls > 0; });
    EXPECT_EQ(calls, 1);

    const std::vector<hazy::Model> models = client.models(project);
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].id, job.model_id());
    EXPECT_EQ(models[0].project_id, project);
    EXPECT_EQ(models[0].train_job_id, job.id());
    EXPECT_EQ(models[0].generator_type, "priv_bayes");
    EXPECT_DOUBLE_EQ(models[0].epsilon, 1000.0);
    const hazy::Job fetched = client.job(job.id());
    EXPECT_EQ(fetched.id(), job.id());
    EXPECT_EQ(fetched.kind(), "train");
    EXPECT_EQ(fetched.state(), hazy::State::Succeeded);

    // Generation, by rows and by a config.
    hazy::Job rows = client.generate(project, job.model_id(), 100);
    EXPECT_EQ(rows.kind(), "generate");
    EXPECT_EQ(rows.model_id(), job.model_id());  // a generation job's source model
    rows.wait(kGenerous);
    EXPECT_EQ(rows.state(), hazy::State::Succeeded);
    EXPECT_EQ(job.output_location(), "");  // a train job writes no rows
    hazy::Job configured = client.generate(
        project, job.model_id(), 0, R"({"num_rows":5,"output_location":"s3://b/out/"})");
    EXPECT_EQ(configured.output_location(), "s3://b/out/");

    const std::vector<hazy::Job> jobs = client.jobs(project);
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[0].id(), job.id());
    EXPECT_EQ(jobs[0].model_id(), job.model_id());
    EXPECT_TRUE(client.models(support::unique_project("empty")).empty());
    EXPECT_TRUE(client.jobs(support::unique_project("empty")).empty());
    EXPECT_EQ(client.token_request_count(), 1u);
}

// wait()'s duration reaches the C call in milliseconds; a negative one is refused.
TEST(Jobs, WaitTimeoutIsADuration) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "timeout");
    const auto start = std::chrono::steady_clock::now();
    const hazy::Error e = error_of([&] { job.wait(std::chrono::milliseconds(300)); });
    const long long took = elapsed_ms(start);
    EXPECT_EQ(e.status(), hazy::Status::Timeout) << e.what();
    EXPECT_GE(took, 250);
    EXPECT_LT(took, 10000);
    EXPECT_EQ(error_of([&] { job.wait(std::chrono::milliseconds(-1)); }).status(),
              hazy::Status::InvalidArgument);
    job.cancel();
}

TEST(Jobs, CancelTokenFromAnotherThreadEndsTheWait) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "token");
    hazy::CancelToken token;
    std::atomic<int> calls(0);
    const auto start = std::chrono::steady_clock::now();
    std::thread canceller([token] {  // a copy: it shares the flag
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        token.cancel();
    });
    const hazy::Error e = error_of([&] {
        job.wait(kGenerous,
                 [&](const hazy::Job &) {
                     ++calls;
                     return true;
                 },
                 token);
    });
    canceller.join();
    EXPECT_EQ(e.status(), hazy::Status::Cancelled) << e.what();
    EXPECT_GE(elapsed_ms(start), 250);
    EXPECT_LT(elapsed_ms(start), 10000);
    EXPECT_GE(calls.load(), 1);
    EXPECT_FALSE(finished(job.refresh())) << "a cancelled wait must not cancel the job";
    // A cancelled token ends later waits at once.
    EXPECT_EQ(error_of([&] { job.wait(kGenerous, hazy::ProgressCallback(), token); }).status(),
              hazy::Status::Cancelled);
    job.cancel();
}

TEST(Jobs, CallbackReturningFalseStopsTheWait) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "stop");
    int calls = 0;
    const hazy::Error e = error_of([&] {
        job.wait(kGenerous, [&](const hazy::Job &) {
            ++calls;
            return false;
        });
    });
    EXPECT_EQ(e.status(), hazy::Status::Cancelled) << e.what();
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(finished(job.refresh())) << "stopping the wait must not cancel the job";
    job.cancel();
}

TEST(Jobs, ExceptionFromTheCallbackComesOutOfWaitUnchanged) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "throw");
    int calls = 0;
    const auto start = std::chrono::steady_clock::now();
    try {
        job.wait(kGenerous, [&](const hazy::Job &snapshot) -> bool {
            ++calls;
            throw Boom("boom from the callback for " + snapshot.id());
        });
        FAIL() << "wait() returned although the callback threw";
    } catch (const Boom &boom) {
        EXPECT_EQ(std::string(boom.what()), "boom from the callback for " + job.id());
    } catch (const hazy::Error &e) {
        FAIL() << "the callback's exception was replaced by " << e.what();
    }
    EXPECT_EQ(calls, 1) << "the wait stopped at the first exception";
    EXPECT_LT(elapsed_ms(start), 10000);
    // The process, the client and the job are intact; the job still runs on the Hub.
    EXPECT_FALSE(finished(job.refresh()));
    EXPECT_TRUE(client.models(job.project_id()).empty());
    job.cancel();
}

TEST(Jobs, NonStandardExceptionFromTheCallbackIsRethrown) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "throw42");
    bool caught = false;
    try {
        job.wait(kGenerous, [](const hazy::Job &) -> bool { throw 42; });
    } catch (int value) {
        caught = value == 42;
    }
    EXPECT_TRUE(caught);
    job.cancel();
}

TEST(Jobs, CallbackMayCallTheLibrary) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "nested");
    const std::string project = job.project_id();
    int calls = 0;
    hazy::State seen_inside = hazy::State::Unknown;
    const hazy::Error e = error_of([&] {
        job.wait(kGenerous, [&](const hazy::Job &snapshot) {
            ++calls;
            hazy::Job copy = snapshot;
            seen_inside = copy.refresh();           // a nested call from the callback
            (void)client.models(project);          // through the shared client too
            if (calls == 2) {
                copy.cancel();                     // cancel on the Hub from inside the wait
            }
            return true;
        });
    });
    EXPECT_EQ(e.status(), hazy::Status::Cancelled) << e.what();
    EXPECT_GE(calls, 2);
    EXPECT_TRUE(seen_inside == hazy::State::Cancelled || seen_inside == hazy::State::Running ||
                seen_inside == hazy::State::Queued);
    EXPECT_EQ(job.refresh(), hazy::State::Cancelled);
}

TEST(Jobs, CallbackMayRefreshTheJobBeingWaitedOn) {
    hazy::Client client = support::client();
    const std::string project = project_with_duration("self", 600);
    hazy::Job job = client.train(project, support::kMinimalConfig);
    const std::string id = job.id();
    int calls = 0;
    job.wait(kGenerous, [&](const hazy::Job &) {
        ++calls;
        (void)job.refresh();  // the object whose wait() is running
        return true;
    });
    EXPECT_GE(calls, 2);
    EXPECT_EQ(job.id(), id);
    EXPECT_EQ(job.state(), hazy::State::Succeeded);
    EXPECT_FALSE(job.model_id().empty());
}

TEST(Jobs, HazyErrorFromANestedCallInTheCallbackIsRethrown) {
    hazy::Client client = support::client();
    hazy::Job job = long_job(client, "nested404");
    const hazy::Error e = error_of([&] {
        job.wait(kGenerous, [&](const hazy::Job &) {
            (void)client.job("cpp-no-such-job");  // throws NotFound inside the callback
            return true;
        });
    });
    EXPECT_EQ(e.status(), hazy::Status::NotFound) << e.what();
    job.cancel();
}

// The key overloads send the caller's Idempotency-Key (the Hub's replay rules are tested in
// the core); a failed submission's error carries the key it used, generated or given.
TEST(Jobs, IdempotencyKeyOverloadsAndTheErrorsKey) {
    const std::string project = project_with_duration("idem", 200);
    const std::string train_jobs = "/api/v1/projects/" + project + "/train-jobs";
    const std::string refuse = R"({"path_prefix":")" + train_jobs +
                               R"(","method":"POST","kind":"status","status":503,"retry_after_s":0,"count":1})";
    hazy::Options options = support::options();
    options.set("retry_max_attempts", 1);
    hazy::Client client(options);
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));

    support::add_fault(refuse);
    const hazy::Error generated = error_of([&] { (void)client.train(project, support::kMinimalConfig); });
    EXPECT_EQ(generated.status(), hazy::Status::Server) << generated.what();
    ASSERT_FALSE(generated.idempotency_key().empty());
    const hazy::Job first = client.train(project, support::kMinimalConfig, generated.idempotency_key());

    support::add_fault(refuse);
    const hazy::Error given = error_of([&] {
        (void)client.train(project, support::kMinimalConfig, std::string("cpp-batch-run-42"));
    });
    EXPECT_EQ(given.idempotency_key(), "cpp-batch-run-42");
    hazy::Job job = client.train(project, support::kMinimalConfig, "cpp-batch-run-42");
    const hazy::Job again = client.train(project, support::kMinimalConfig, "cpp-batch-run-42");
    EXPECT_EQ(again.id(), job.id());
    EXPECT_NE(job.id(), first.id());
    EXPECT_EQ(error_of([&] { (void)client.train(project, support::kMinimalConfig, "two words"); })
                  .status(),
              hazy::Status::InvalidArgument);
    EXPECT_EQ(support::json_number(support::stats(project), "jobs_total"), 2);

    job.wait(kGenerous);
    const hazy::Job gen = client.generate(project, job.model_id(), 10, "", "cpp-gen-1");
    const hazy::Job gen2 = client.generate(project, job.model_id(), 10, "", "cpp-gen-1");
    EXPECT_EQ(gen.id(), gen2.id());
    EXPECT_EQ(gen.kind(), "generate");
}
