// Ownership: moves, moved-from objects, jobs that outlive their client, one client shared by
// threads, and close() while other threads are inside calls. AddressSanitizer turns any
// double free, use after free or leak of a C object here into a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hazy.hpp"
#include "slow_server.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::error_of;

TEST(Lifetime, MovedFromClientIsSafeToDestroy) {
    const std::string project = support::unique_project("move");
    hazy::Client a = support::client();
    ASSERT_TRUE(static_cast<bool>(a));
    hazy::Client b(std::move(a));
    EXPECT_FALSE(static_cast<bool>(a));  // NOLINT: inspecting a moved-from object on purpose
    EXPECT_TRUE(static_cast<bool>(b));
    EXPECT_EQ(a.native(), nullptr);
    EXPECT_EQ(a.token_request_count(), 0u);
    EXPECT_TRUE(b.models(project).empty());
    EXPECT_EQ(b.token_request_count(), 1u);  // the token cache moved with the handle
    {
        hazy::Client c(std::move(b));
        EXPECT_TRUE(c.models(project).empty());
    }  // c frees the handle; a and b are moved-from and destroyed at the end of the test
    EXPECT_FALSE(static_cast<bool>(b));
}

TEST(Lifetime, MoveAssignmentFreesTheOverwrittenHandle) {
    const std::string project = support::unique_project("assign");
    hazy::Client a = support::client();
    hazy::Client b = support::client();
    hazy_client_t *const a_handle = a.native();
    b = std::move(a);  // b's old handle is freed here
    EXPECT_EQ(b.native(), a_handle);
    EXPECT_TRUE(b.models(project).empty());
    a = std::move(b);  // and back, into the moved-from object
    EXPECT_EQ(a.native(), a_handle);
    EXPECT_TRUE(a.models(project).empty());
    std::vector<hazy::Client> clients;
    clients.push_back(std::move(a));  // containers move clients around
    clients.push_back(support::client());
    clients.push_back(support::client());
    for (hazy::Client &c : clients) {
        EXPECT_TRUE(c.models(project).empty());
    }
}

TEST(Lifetime, OptionsAreCopiedIntoTheClient) {
    hazy::Client client = [] {
        hazy::Options options = support::options();
        return hazy::Client(options);
    }();  // the options are gone
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    EXPECT_TRUE(client.models(support::unique_project("opts")).empty());
}

TEST(Lifetime, JobOutlivesItsClient) {
    const std::string project = support::unique_project("outlive");
    support::set_job_duration(project, 300);
    hazy::Job job = [&] {
        hazy::Client client = support::client();
        return client.train(project, support::kMinimalConfig);
    }();  // the Client object is destroyed; the job keeps the connection alive
    job.wait(std::chrono::seconds(60));
    EXPECT_EQ(job.state(), hazy::State::Succeeded);
    EXPECT_FALSE(job.model_id().empty());
}

TEST(Lifetime, JobsAreValuesAndMovedFromJobsAreInvalidState) {
    hazy::Client client = support::client();
    const std::string project = support::unique_project("jobval");
    support::set_job_duration(project, 60000);
    hazy::Job job = client.train(project, support::kMinimalConfig);
    hazy::Job copy = job;
    EXPECT_EQ(copy.id(), job.id());
    hazy::Job moved(std::move(job));
    EXPECT_EQ(moved.id(), copy.id());
    EXPECT_EQ(error_of([&] { (void)job.refresh(); }).status(),  // NOLINT: moved-from on purpose
              hazy::Status::InvalidState);
    copy.cancel();
    EXPECT_EQ(moved.refresh(), hazy::State::Cancelled);  // both name the same Hub job
}

TEST(Lifetime, OneClientSharedByThreads) {
    hazy::Client client = support::client();
    const std::string project = support::unique_project("threads");
    support::set_job_duration(project, 500);
    const int kThreads = 3;
    std::vector<std::string> models(kThreads);
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            try {
                hazy::Job job = client.train(project, support::kMinimalConfig);
                job.wait(std::chrono::seconds(60), [](const hazy::Job &) { return true; });
                models[static_cast<std::size_t>(i)] = job.model_id();
            } catch (const std::exception &e) {
                errors[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (std::thread &t : threads) {
        t.join();
    }
    for (int i = 0; i < kThreads; ++i) {
        EXPECT_EQ(errors[static_cast<std::size_t>(i)], "");
        EXPECT_FALSE(models[static_cast<std::size_t>(i)].empty());
    }
    EXPECT_EQ(client.models(project).size(), static_cast<std::size_t>(kThreads));
    EXPECT_EQ(client.token_request_count(), 1u) << "one token shared by every thread";
}

namespace {

// A client of the slow server, with a token given (no Keycloak) and fast polling.
hazy::Client slow_client(const support::LocalServer &server) {
    hazy::Options options;
    options.host(server.url()).set("access_token", "lifetime-test-token");
    options.poll_interval(std::chrono::milliseconds(20));
    return hazy::Client(options);
}

}  // namespace

// close() while other threads are inside a job get (refresh) and a job wait: each wait
// throws ClosedError within 100 ms, each get in flight finishes its request, and every later
// call, through the Client or a Job, throws ClosedError. ASan checks the memory throughout.
TEST(Lifetime, CloseEndsWaitsInOtherThreads) {
    const std::chrono::milliseconds delay(300);
    support::LocalServer server(delay);
    hazy::Client client = slow_client(server);
    const hazy::Job job = client.job("job-1");  // one request, before the threads start
    const int kGetters = 3;
    const int kWaiters = 3;
    struct Outcome {
        bool wait;
        std::string error;  // empty: returned normally
        hazy::Status status;
        std::chrono::steady_clock::time_point returned;
    };
    std::vector<Outcome> outcomes(static_cast<std::size_t>(kGetters + kWaiters));
    std::vector<std::thread> threads;
    const int before = server.requests();
    for (int i = 0; i < kGetters + kWaiters; ++i) {
        Outcome &o = outcomes[static_cast<std::size_t>(i)];
        o.wait = i >= kGetters;
        o.status = hazy::Status::Ok;
        threads.emplace_back([&o, job] {
            hazy::Job mine = job;  // Jobs are not synchronised: one per thread
            try {
                if (o.wait) {
                    mine.wait();
                } else {
                    (void)mine.refresh();
                }
            } catch (const hazy::ClosedError &e) {
                o.error = e.what();
                o.status = e.status();
            } catch (const hazy::Error &e) {
                o.error = std::string("not a ClosedError: ") + e.what();
                o.status = e.status();
            }
            o.returned = std::chrono::steady_clock::now();
        });
    }
    // Until every call has reached the server and waits for its answer.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server.requests() - before < kGetters + kWaiters &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GE(server.requests() - before, kGetters + kWaiters) << "the calls never reached the server";
    std::this_thread::sleep_for(delay / 3);
    const auto closed_at = std::chrono::steady_clock::now();
    client.close();
    // 100 ms is the documented promise (50 for close itself). Valgrind runs one thread at a
    // time, many times slower, so make test-cpp-valgrind passes a looser bound, as the C suite's
    // valgrind run does: there it checks memory, not timing.
    const char *bound_env = std::getenv("HAZY_TEST_CLOSE_BOUND_MS");
    const long long bound = bound_env != nullptr ? std::atoll(bound_env) : 100;
    EXPECT_LT(support::elapsed_ms(closed_at), bound / 2) << "close() must not wait for the calls";

    const hazy::Error later = error_of([&] { (void)client.job("job-1"); });
    EXPECT_EQ(later.status(), hazy::Status::Closed) << later.what();
    hazy::Job copy = job;
    EXPECT_EQ(error_of([&] { (void)copy.refresh(); }).status(), hazy::Status::Closed);
    EXPECT_THROW(copy.wait(), hazy::ClosedError);
    client.close();  // idempotent

    long long slowest = 0;
    for (std::size_t i = 0; i < threads.size(); ++i) {
        threads[i].join();
        const Outcome &o = outcomes[i];
        if (o.wait) {
            EXPECT_EQ(o.status, hazy::Status::Closed) << o.error;
            EXPECT_TRUE(support::contains(o.error, "CLOSED")) << o.error;
            const long long after =
                std::chrono::duration_cast<std::chrono::milliseconds>(o.returned - closed_at).count();
            EXPECT_LT(after, bound) << "a wait returned " << after << " ms after close()";
            slowest = std::max(slowest, after);
        } else {
            EXPECT_EQ(o.error, "") << "a get in flight finishes its request";
        }
    }
    std::cout << "[ lifetime ] slowest wait ended " << slowest << " ms after close()\n";
}

// The destructor of the last owner frees a closed client; a moved-from client's close() is a
// no-op.
TEST(Lifetime, CloseThenDestroyAndMovedFromClose) {
    support::LocalServer server(std::chrono::milliseconds(0));
    hazy::Client a = slow_client(server);
    hazy::Client b(std::move(a));
    a.close();  // NOLINT: moved-from on purpose; nothing to close
    b.close();
    EXPECT_THROW((void)b.jobs("p1"), hazy::ClosedError);
}
