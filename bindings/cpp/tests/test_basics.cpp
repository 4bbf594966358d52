// Types, names, options, the environment, and the header's inclusion rules.
#include "hazy.hpp"
#include "hazy.hpp"  // twice in one translation unit: the include guard makes it harmless

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "second_tu.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::error_of;

// Ownership rules as types.
static_assert(!std::is_copy_constructible<hazy::Client>::value, "Client is move-only");
static_assert(!std::is_copy_assignable<hazy::Client>::value, "Client is move-only");
static_assert(std::is_nothrow_move_constructible<hazy::Client>::value, "noexcept move");
static_assert(std::is_nothrow_move_assignable<hazy::Client>::value, "noexcept move");
static_assert(!std::is_copy_constructible<hazy::Options>::value, "Options is move-only");
static_assert(std::is_nothrow_move_constructible<hazy::Options>::value, "noexcept move");
static_assert(std::is_copy_constructible<hazy::Job>::value, "Job is a value");
static_assert(std::is_nothrow_move_constructible<hazy::Job>::value, "noexcept move");
static_assert(std::is_copy_constructible<hazy::CancelToken>::value, "shared token");
static_assert(std::is_base_of<std::runtime_error, hazy::Error>::value, "Error");
static_assert(std::is_nothrow_copy_constructible<hazy::Error>::value, "exception copy");
static_assert(!std::is_default_constructible<hazy::Client>::value, "explicit source");

TEST(Basics, VersionIsTheHeaders) {
    EXPECT_STREQ(hazy::version(), HAZY_VERSION);
    EXPECT_EQ(std::string(hazy::version()),
              std::to_string(HAZY_VERSION_MAJOR) + "." + std::to_string(HAZY_VERSION_MINOR) +
                  "." + std::to_string(HAZY_VERSION_PATCH));
}

// Every state the library names (hazy_state_name; "unknown" for any other number) is one of
// hazy::State's enumerators, named here and never numbered: a state added in Rust fails this.
// (The statuses: Errors.EveryLibraryStatusIsThrownAsItsError.)
TEST(Basics, EveryLibraryStateIsAnEnumerator) {
    int named = 0;
    for (std::int32_t n = -16; n < 1024; ++n) {
        const std::string name = hazy_state_name(n);
        if (name == "unknown" && n != HAZY_STATE_UNKNOWN) {
            continue;
        }
        ++named;
        const hazy::State s = static_cast<hazy::State>(n);
        const hazy::State enumerators[] = {hazy::State::Unknown, hazy::State::Queued,
                                           hazy::State::Running, hazy::State::Succeeded,
                                           hazy::State::Failed, hazy::State::Cancelled};
        EXPECT_NE(std::find(std::begin(enumerators), std::end(enumerators), s),
                  std::end(enumerators))
            << "libhazy's state " << name << " (" << n << ") has no hazy::State: add it in hazy.hpp";
        EXPECT_EQ(hazy::to_string(s), name);
    }
    EXPECT_GE(named, 2);
}

TEST(Basics, ErrorCarriesStatusMessageAndServerDetail) {
    const hazy::Error e(hazy::Status::Forbidden, "missing scope", 403, "insufficient_scope",
                        "the token lacks a scope", "hazy/TrainJob:create");
    EXPECT_EQ(e.status(), hazy::Status::Forbidden);
    EXPECT_STREQ(e.what(), "FORBIDDEN: missing scope");
    EXPECT_EQ(e.message(), "missing scope");
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.oauth_error(), "insufficient_scope");
    EXPECT_EQ(e.oauth_description(), "the token lacks a scope");
    EXPECT_EQ(e.field(), "hazy/TrainJob:create");
    const hazy::Error copy(e);  // copies share the detail
    EXPECT_EQ(&copy.message(), &e.message());
    try {
        throw e;
    } catch (const std::runtime_error &base) {
        EXPECT_STREQ(base.what(), "FORBIDDEN: missing scope");
    }
}

TEST(Basics, HeaderWorksInASecondTranslationUnit) {
    EXPECT_EQ(second_tu::version(), hazy::version());
    EXPECT_EQ(second_tu::status_name(hazy::Status::Timeout), "TIMEOUT");
    // A client built in the other TU, used in this one.
    hazy::Client client = second_tu::make_client(support::hub_url());
    EXPECT_TRUE(client.models(support::unique_project("tu")).empty());
    EXPECT_EQ(client.token_request_count(), 1u);
    // An exception thrown from the other TU is caught here as the same type.
    try {
        second_tu::throw_not_found(client);
        FAIL() << "expected hazy::Error";
    } catch (const hazy::Error &e) {
        EXPECT_EQ(e.status(), hazy::Status::NotFound);
        EXPECT_EQ(e.http_status(), 404);
    }
}

namespace {

class ScopedEnv {
  public:
    ScopedEnv(const char *name, const std::string &value) : name_(name) {
        const char *old = std::getenv(name);
        had_ = old != nullptr;
        if (had_) {
            old_ = old;
        }
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had_) {
            ::setenv(name_, old_.c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

  private:
    const char *name_;
    bool had_ = false;
    std::string old_;
};

}  // namespace

TEST(Options, UnknownKeyIsInvalidArgumentNamingTheKey) {
    hazy::Options options;
    const hazy::Error e = error_of([&] { options.set("no_such_option", "x"); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_NE(e.message().find("no_such_option"), std::string::npos) << e.what();
}

TEST(Options, MalformedValuesAreInvalidArgument) {
    hazy::Options options;
    const hazy::Error e = error_of([&] { options.set("poll_interval_ms", "soon"); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_NE(e.message().find("poll_interval_ms"), std::string::npos) << e.what();
    EXPECT_EQ(error_of([&] { options.set("client_auth", "telepathy"); }).status(),
              hazy::Status::InvalidArgument);
    EXPECT_EQ(error_of([&] { options.poll_interval(std::chrono::milliseconds(1)); }).status(),
              hazy::Status::InvalidArgument);  // the library's minimum is 10 ms
    EXPECT_EQ(error_of([&] { options.request_timeout(std::chrono::milliseconds(-5)); }).status(),
              hazy::Status::InvalidArgument);
}

TEST(Options, TypedValuesAreAccepted) {
    hazy::Options options;
    options.set("retry_max_attempts", 3)
        .set("retry_base_delay_ms", 10ULL)
        .set("insecure_skip_tls_verify", false)
        .set("user_agent", std::string("hazy-cpp-tests"))
        .set("scope", static_cast<const char *>(nullptr))  // NULL clears
        .connect_timeout(std::chrono::seconds(5))
        .request_timeout(std::chrono::seconds(20))
        .poll_interval(std::chrono::milliseconds(100))
        .host(support::hub_url());
    hazy::Client client(options);
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    EXPECT_TRUE(client.models(support::unique_project("typed")).empty());
}

// The option reaches the library; how processes share the file is tested in the Rust and CLI suites.
TEST(Options, TokenCacheInAMissingDirectoryIsInvalidArgument) {
    hazy::Options options;
    options.host(support::hub_url()).token_cache("/nonexistent-hazy-dir/tokens.json");
    const hazy::Error e = error_of([&] { hazy::Client client(options); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_NE(e.message().find("token_cache"), std::string::npos) << e.what();
}

TEST(Options, EmbeddedNulIsRefusedWithoutEchoingTheValue) {
    hazy::Options options;
    const std::string value("abc\0hidden-part", 15);
    const hazy::Error e = error_of([&] { options.set("client_secret", value); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_EQ(std::string(e.what()).find("hidden-part"), std::string::npos) << e.what();
}

TEST(Client, FromEnvironmentAuthenticatesWithConfiguredCredentials) {
    ScopedEnv host("HAZY_HUB_HOST", support::hub_url());
    ScopedEnv id("HAZY_CLIENT_ID", support::kApiId);
    ScopedEnv secret("HAZY_CLIENT_SECRET", support::kApiSecret);
    ScopedEnv poll("HAZY_POLL_INTERVAL_MS", "50");
    hazy::Client client = hazy::Client::from_env();
    client.authenticate();
    EXPECT_EQ(client.token_request_count(), 1u);
    EXPECT_TRUE(client.models(support::unique_project("env")).empty());
}

TEST(Client, OptionsFromEnvironmentThenExplicitSettingsWin) {
    ScopedEnv host("HAZY_HUB_HOST", "http://127.0.0.1:1");  // overridden below
    ScopedEnv id("HAZY_CLIENT_ID", support::kApiId);
    ScopedEnv secret("HAZY_CLIENT_SECRET", support::kApiSecret);
    hazy::Options options = hazy::Options::from_env();
    options.host(support::hub_url());
    hazy::Client client(options);
    client.authenticate();
    EXPECT_TRUE(client.models(support::unique_project("envopt")).empty());
}

TEST(Client, MalformedEnvironmentVariableIsInvalidArgument) {
    ScopedEnv bad("HAZY_CONNECT_TIMEOUT_MS", "soon");
    const hazy::Error e = error_of([] { (void)hazy::Client::from_env(); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_NE(e.message().find("HAZY_CONNECT_TIMEOUT_MS"), std::string::npos) << e.what();
}

TEST(Client, AuthenticateWithoutConfiguredCredentialsIsInvalidArgument) {
    hazy::Options options;
    options.host(support::hub_url());
    hazy::Client client(options);
    EXPECT_EQ(error_of([&] { client.authenticate(); }).status(), hazy::Status::InvalidArgument);
    EXPECT_EQ(client.token_request_count(), 0u);
}

TEST(Client, NoHostIsInvalidArgumentAtFirstUse) {
    hazy::Client client{hazy::Options()};
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret)); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument);
    EXPECT_EQ(std::string(e.what()).find(support::kApiSecret), std::string::npos);
}
