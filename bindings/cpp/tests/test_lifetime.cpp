// Ownership: moves, moved-from objects, jobs that outlive their client, and one client
// shared by threads. AddressSanitizer turns any double free, use after free or leak of a
// C object here into a failure.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hazy.hpp"
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
    EXPECT_EQ(error_of([&] { (void)job.status(); }).status(),  // NOLINT: moved-from on purpose
              hazy::Status::InvalidState);
    copy.cancel();
    EXPECT_EQ(moved.status(), hazy::State::Cancelled);  // both name the same Hub job
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
