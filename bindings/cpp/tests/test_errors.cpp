// The wrapper's error layer. Every status the library names is thrown as its hazy::Error (and
// CLOSED as ClosedError) straight through detail::check, with no server asked to produce it:
// the statuses a real Hub or Keycloak answer with (AUTH, FORBIDDEN, SERVER, TIMEOUT, TLS, ...)
// are tested once, in tests/*.rs and the C ABI suites (tests/integration, tests/c). Here also
// the errors that arise on this side of the network, and the detail of one from the Hub.
#include <gtest/gtest.h>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hazy.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::error_of;

namespace {

// Whether `s` is one of hazy::Status's enumerators (named here, never numbered). A status that
// hazy.h gains fails the -Werror build in detail::to_status (-Wswitch), and this test when run.
bool is_enumerator(hazy::Status s) {
    switch (s) {
        case hazy::Status::Ok:
        case hazy::Status::InvalidArgument:
        case hazy::Status::Auth:
        case hazy::Status::Forbidden:
        case hazy::Status::NotFound:
        case hazy::Status::Validation:
        case hazy::Status::Network:
        case hazy::Status::Timeout:
        case hazy::Status::Tls:
        case hazy::Status::Server:
        case hazy::Status::Protocol:
        case hazy::Status::Cancelled:
        case hazy::Status::JobFailed:
        case hazy::Status::Panic:
        case hazy::Status::InvalidState:
        case hazy::Status::Closed:
        case hazy::Status::ProxyAuth:
            return true;
    }
    return false;
}

// The numbers the library names: hazy_status_name calls every other one "UNKNOWN".
std::vector<std::int32_t> library_statuses() {
    std::vector<std::int32_t> out;
    for (std::int32_t n = -16; n < 1024; ++n) {
        if (std::string(hazy_status_name(n)) != "UNKNOWN") {
            out.push_back(n);
        }
    }
    return out;
}

}  // namespace

TEST(Errors, EveryLibraryStatusIsThrownAsItsError) {
    const std::vector<std::int32_t> codes = library_statuses();
    ASSERT_GE(codes.size(), 2u);
    EXPECT_NO_THROW(hazy::detail::check(HAZY_STATUS_OK, nullptr));
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const std::int32_t n = codes[i];
        const std::string name = hazy_status_name(n);
        const hazy::Status s = hazy::detail::to_status(static_cast<hazy_status>(n));
        EXPECT_TRUE(is_enumerator(s)) << "libhazy's status " << name << " (" << n
                                      << ") has no hazy::Status: map it in hazy.hpp";
        EXPECT_EQ(static_cast<std::int32_t>(s), n) << name;
        EXPECT_EQ(hazy::to_string(s), name);
        if (n == HAZY_STATUS_OK) {
            continue;
        }
        try {
            hazy::detail::check(static_cast<hazy_status>(n), nullptr);
            ADD_FAILURE() << name << ": check() did not throw";
        } catch (const hazy::ClosedError &e) {
            EXPECT_EQ(n, HAZY_STATUS_CLOSED) << name << " was thrown as ClosedError";
            EXPECT_EQ(e.status(), hazy::Status::Closed);
        } catch (const hazy::ProxyAuthError &e) {
            EXPECT_EQ(n, HAZY_STATUS_PROXY_AUTH) << name << " was thrown as ProxyAuthError";
            EXPECT_EQ(e.status(), hazy::Status::ProxyAuth);
            EXPECT_EQ(e.http_status(), 0);
        } catch (const hazy::Error &e) {
            EXPECT_NE(n, HAZY_STATUS_CLOSED) << "CLOSED must be thrown as ClosedError";
            EXPECT_NE(n, HAZY_STATUS_PROXY_AUTH) << "PROXY_AUTH must be thrown as ProxyAuthError";
            EXPECT_EQ(e.status(), s) << name;
            EXPECT_TRUE(contains(e.what(), name)) << e.what();
            EXPECT_EQ(e.http_status(), 0);
        }
    }
}

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

TEST(Errors, UnreadableCaBundleIsInvalidArgument) {
    hazy::Options options = support::options();
    options.ca_bundle("/nonexistent/cpp-ca.pem");
    const hazy::Error e = error_of([&] { hazy::Client client(options); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument) << e.what();
}

// Kept here: no Rust, C or Python test uses a client in a forked child.
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

// The detail of an error from the Hub reaches the exception: the HTTP status, and the
// X-Request-ID of the failed exchange, to quote to whoever runs the Hub.
TEST(Errors, FailedCallCarriesTheHttpStatusAndRequestId) {
    hazy::Client client = support::client();
    const hazy::Error e = error_of([&] { (void)client.job("cpp-no-such-job"); });
    ASSERT_EQ(e.status(), hazy::Status::NotFound) << e.what();
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_TRUE(contains(e.message(), "cpp-no-such-job")) << e.what();
    EXPECT_FALSE(e.request_id().empty());
    EXPECT_TRUE(contains(e.what(), " (request id " + e.request_id() + ")")) << e.what();
}
