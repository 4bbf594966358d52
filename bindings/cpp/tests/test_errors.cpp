// Every status of the C API surfacing as the right hazy::Error (those not already covered
// by test_auth.cpp and test_jobs.cpp: AUTH, FORBIDDEN, NOT_FOUND, CANCELLED, JOB_FAILED,
// TIMEOUT of a wait).
#include <gtest/gtest.h>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "hazy.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::elapsed_ms;
using support::error_of;

TEST(Errors, InvalidArgumentForEmptyOrNulArguments) {
    hazy::Client client = support::client();
    const hazy::Error empty = error_of([&] { (void)client.train("", support::kMinimalConfig); });
    EXPECT_EQ(empty.status(), hazy::Status::InvalidArgument) << empty.what();
    EXPECT_TRUE(contains(empty.message(), "project_id")) << empty.what();
    EXPECT_EQ(empty.http_status(), 0);

    const hazy::Error nul =
        error_of([&] { (void)client.train(std::string("cpp-a\0b", 7), support::kMinimalConfig); });
    EXPECT_EQ(nul.status(), hazy::Status::InvalidArgument) << nul.what();
}

TEST(Errors, ValidationCheckedLocallyNamesTheField) {
    hazy::Client client = support::client();
    const std::string project = support::unique_project("val");
    const hazy::Error e =
        error_of([&] { (void)client.train(project, support::kConfigWithoutSchema); });
    EXPECT_EQ(e.status(), hazy::Status::Validation) << e.what();
    EXPECT_EQ(e.field(), "data_schema");
    EXPECT_EQ(e.http_status(), 0) << "checked before any request";

    const hazy::Error json = error_of([&] { (void)client.train(project, "{not json"); });
    EXPECT_EQ(json.status(), hazy::Status::Validation) << json.what();
    EXPECT_EQ(support::json_number(support::stats(project), "jobs_total"), 0);
}

TEST(Errors, ValidationFromTheHubNamesTheField) {
    hazy::Client client = support::client();
    // Passes the library's local check; the Hub refuses the epsilon.
    const char *config = R"({"data_schema":{"tables":[{"name":"t","dtypes":[{"type":"int","col":"a"}]}]},)"
                         R"("data_input":[],"model_parameters":{"generator":{"epsilon":"x"}}})";
    const hazy::Error e =
        error_of([&] { (void)client.train(support::unique_project("val422"), config); });
    EXPECT_EQ(e.status(), hazy::Status::Validation) << e.what();
    EXPECT_EQ(e.http_status(), 422);
    EXPECT_EQ(e.field(), "model_parameters.generator.epsilon");
}

TEST(Errors, ClosedPortIsNetwork) {
    hazy::Options options;
    options.host("http://127.0.0.1:" + std::to_string(support::closed_port()))
        .set("retry_max_attempts", 1);
    hazy::Client client(options);
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret)); });
    EXPECT_EQ(e.status(), hazy::Status::Network) << e.what();
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_FALSE(contains(e.what(), support::kApiSecret));
}

TEST(Errors, SlowHubIsTimeout) {
    const std::string project = support::unique_project("slow");
    support::add_fault(R"({"path_prefix":"/api/v1/projects/)" + project +
                       R"(/","method":"GET","kind":"latency","latency_ms":3000,"count":5})");
    hazy::Options options = support::options();
    options.request_timeout(std::chrono::milliseconds(300)).set("retry_max_attempts", 1);
    hazy::Client impatient(options);
    impatient.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    const auto start = std::chrono::steady_clock::now();
    const hazy::Error e = error_of([&] { (void)impatient.models(project); });
    EXPECT_EQ(e.status(), hazy::Status::Timeout) << e.what();
    EXPECT_LT(elapsed_ms(start), 2900);
}

TEST(Errors, Hub5xxAfterRetriesIsServer) {
    const std::string project = support::unique_project("503");
    support::add_fault(R"({"path_prefix":"/api/v1/projects/)" + project +
                       R"(/","method":"GET","kind":"status","status":503,"retry_after_s":0,"count":50})");
    hazy::Options options = support::options();
    options.set("retry_max_attempts", 2).set("retry_base_delay_ms", 10);
    hazy::Client client(options);
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    const hazy::Error e = error_of([&] { (void)client.models(project); });
    EXPECT_EQ(e.status(), hazy::Status::Server) << e.what();
    EXPECT_EQ(e.http_status(), 503);
}

TEST(Errors, NonJsonTokenResponseIsProtocol) {
    support::FakeServer server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n"
        "Connection: close\r\n\r\n<html></html>");
    hazy::Options options;
    options.host(support::hub_url())
        .token_url("http://127.0.0.1:" + std::to_string(server.port()) + "/token")
        .set("retry_max_attempts", 1);
    hazy::Client client(options);
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret)); });
    EXPECT_EQ(e.status(), hazy::Status::Protocol) << e.what();
    EXPECT_GE(server.connections(), 1);
    EXPECT_FALSE(contains(e.what(), support::kApiSecret));
}

TEST(Errors, TlsHandshakeWithAPlainHttpServerIsTls) {
    support::FakeServer server(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    hazy::Options options;
    options.host(support::hub_url())
        .token_url("https://127.0.0.1:" + std::to_string(server.port()) + "/token")
        .set("retry_max_attempts", 1);
    hazy::Client client(options);
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret)); });
    EXPECT_EQ(e.status(), hazy::Status::Tls) << e.what();
    EXPECT_GE(server.connections(), 1);
}

TEST(Errors, UnreadableCaBundleIsInvalidArgument) {
    hazy::Options options = support::options();
    options.ca_bundle("/nonexistent/cpp-ca.pem");
    const hazy::Error e = error_of([&] { hazy::Client client(options); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument) << e.what();
}

TEST(Errors, PanicInsideTheLibraryIsPanic) {
    // The library's only deliberate panic: the debug_panic option, armed by this variable.
    ::setenv("HAZY_ALLOW_DEBUG_PANIC", "1", 1);
    hazy::Options options;
    const hazy::Error e = error_of([&] { options.set("debug_panic", "1"); });
    ::unsetenv("HAZY_ALLOW_DEBUG_PANIC");
    EXPECT_EQ(e.status(), hazy::Status::Panic) << e.what();
    // The process and the library are intact.
    hazy::Client client = support::client();
    EXPECT_TRUE(client.models(support::unique_project("afterpanic")).empty());
}

TEST(Errors, ClientUsedInAForkedChildIsInvalidState) {
    hazy::Client client = support::client();
    const std::string project = support::unique_project("fork");
    EXPECT_TRUE(client.models(project).empty());  // the runtime and pool are live
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int code = 2;
        try {
            (void)client.models(project);
            code = 3;
        } catch (const hazy::Error &e) {
            code = e.status() == hazy::Status::InvalidState ? 0 : 4;
        } catch (...) {
            code = 5;
        }
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "child: 3 = call succeeded, 4 = another status";
    EXPECT_TRUE(client.models(project).empty()) << "the parent's client still works";
}

TEST(Errors, MovedFromObjectsAreInvalidState) {
    hazy::Client client = support::client();
    hazy::Client other(std::move(client));
    const hazy::Error e = error_of([&] { (void)client.models("cpp-x"); });  // NOLINT: use after move on purpose
    EXPECT_EQ(e.status(), hazy::Status::InvalidState) << e.what();
    EXPECT_TRUE(contains(e.message(), "moved-from hazy::Client"));

    hazy::Options options;
    hazy::Options kept(std::move(options));
    EXPECT_EQ(error_of([&] { options.set("host", "http://x"); }).status(),
              hazy::Status::InvalidState);
    // Never silently falls back to the environment.
    EXPECT_EQ(error_of([&] { hazy::Client c(options); }).status(), hazy::Status::InvalidState);
}

// Every C status maps to the C++ one of the same number (the switch in detail::to_status
// names each HAZY_STATUS_*, so a new one fails the -Werror build until mapped), and CLOSED is
// thrown as ClosedError.
TEST(Errors, StatusMappingAndClosedError) {
    for (std::int32_t n = 0; n <= HAZY_STATUS_CLOSED; ++n) {
        const hazy::Status s = hazy::detail::to_status(static_cast<hazy_status>(n));
        EXPECT_EQ(static_cast<std::int32_t>(s), n);
        EXPECT_STRNE(hazy::to_string(s), "UNKNOWN") << n;
    }
    EXPECT_STREQ(hazy::to_string(hazy::Status::Closed), "CLOSED");
    EXPECT_STREQ(hazy_status_name(HAZY_STATUS_CLOSED + 1), "UNKNOWN") << "a status hazy.hpp lacks";
    try {
        hazy::detail::check(HAZY_STATUS_CLOSED, nullptr);
        FAIL() << "check() did not throw";
    } catch (const hazy::ClosedError &e) {
        EXPECT_EQ(e.status(), hazy::Status::Closed);
    }
}

// The X-Request-ID of the failed exchange, to quote to whoever runs the Hub.
TEST(Errors, FailedCallCarriesTheRequestId) {
    hazy::Client client = support::client();
    const hazy::Error e = error_of([&] { (void)client.job("cpp-no-such-job"); });
    ASSERT_EQ(e.status(), hazy::Status::NotFound) << e.what();
    EXPECT_FALSE(e.request_id().empty());
    EXPECT_TRUE(contains(e.what(), " (request id " + e.request_id() + ")")) << e.what();
}
