// Authentication against the real Keycloak (through the simulator's /auth proxy), and every
// way it fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "hazy.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::error_of;

namespace {

hazy::Client fresh_client() { return hazy::Client(support::options()); }

// Secrets must never appear in what an error says.
void expect_no_secret(const hazy::Error &e, const std::string &secret) {
    EXPECT_FALSE(contains(e.what(), secret)) << e.what();
    EXPECT_FALSE(contains(e.oauth_description(), secret)) << e.oauth_description();
}

}  // namespace

TEST(Auth, ClientCredentialsGrantGivesAToken) {
    hazy::Client client = fresh_client();
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    EXPECT_EQ(client.token_request_count(), 1u);
    const std::string token = client.access_token();
    // A JWT: three base64url parts.
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << "not a JWT";
    EXPECT_EQ(client.access_token(), token);  // cached: no new token request
    EXPECT_EQ(client.token_request_count(), 1u);
    EXPECT_TRUE(client.models(support::unique_project("cc")).empty());
}

TEST(Auth, PasswordGrantWithConfidentialClient) {
    hazy::Client client = fresh_client();
    client.authenticate(hazy::Password(support::kApiId, support::kApiSecret, support::kAnalyst,
                                       support::kAnalystPassword));
    EXPECT_EQ(client.token_request_count(), 1u);
    EXPECT_TRUE(client.models(support::unique_project("pw")).empty());
}

TEST(Auth, ConfiguredCredentialsFromOptions) {
    hazy::Options options = support::options();
    options.set("client_id", support::kApiId).set("client_secret", support::kApiSecret);
    hazy::Client client(options);
    client.authenticate();
    EXPECT_EQ(client.token_request_count(), 1u);
    EXPECT_TRUE(client.models(support::unique_project("cfg")).empty());
}

TEST(Auth, ConfiguredPasswordGrantFromOptions) {
    hazy::Options options = support::options();
    options.set("client_id", support::kApiId)
        .set("client_secret", support::kApiSecret)
        .set("username", support::kAnalyst)
        .set("password", support::kAnalystPassword);
    hazy::Client client(options);
    client.authenticate();
    EXPECT_TRUE(client.models(support::unique_project("cfgpw")).empty());
}

TEST(Auth, BearerTokenFromElsewhere) {
    hazy::Client issuer = support::client();
    const std::string token = issuer.access_token();
    hazy::Client client = fresh_client();
    client.authenticate(hazy::BearerToken(token));
    EXPECT_TRUE(client.models(support::unique_project("bearer")).empty());
    EXPECT_EQ(client.token_request_count(), 0u);  // it never asked Keycloak
    EXPECT_EQ(client.access_token(), token);
}

TEST(Auth, GarbageBearerTokenIsRejectedByTheHub) {
    hazy::Client client = fresh_client();
    client.authenticate(hazy::BearerToken("not-a-token"));  // no network traffic yet
    const hazy::Error e = error_of([&] { (void)client.models(support::unique_project("junk")); });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_EQ(e.http_status(), 401);
    expect_no_secret(e, "not-a-token");
}

TEST(Auth, WrongClientSecretIsAuthWithTheOAuthError) {
    hazy::Client client = fresh_client();
    const std::string wrong = "wrong-Sup3r-S3cret-9999";
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, wrong)); });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_TRUE(e.http_status() == 400 || e.http_status() == 401) << e.http_status();
    EXPECT_TRUE(e.oauth_error() == "unauthorized_client" || e.oauth_error() == "invalid_client")
        << e.oauth_error();
    EXPECT_TRUE(contains(e.what(), e.message()));
    expect_no_secret(e, wrong);
    EXPECT_EQ(client.token_request_count(), 1u);
}

TEST(Auth, UnknownClientIsAuth) {
    hazy::Client client = fresh_client();
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials("cpp-no-such-client", "x")); });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_FALSE(e.oauth_error().empty());
}

TEST(Auth, WrongPasswordIsAuthWithInvalidGrant) {
    hazy::Client client = fresh_client();
    const std::string wrong = "wrong-Passw0rd!";
    const hazy::Error e = error_of([&] {
        client.authenticate(
            hazy::Password(support::kApiId, support::kApiSecret, support::kAnalyst, wrong));
    });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_EQ(e.oauth_error(), "invalid_grant");
    EXPECT_EQ(e.http_status(), 400);  // RFC 6749 section 5.2: invalid_grant is a 400
    expect_no_secret(e, wrong);
}

TEST(Auth, DisabledUserIsAuth) {
    hazy::Client client = fresh_client();
    const hazy::Error e = error_of([&] {
        client.authenticate(hazy::Password(support::kApiId, support::kApiSecret,
                                           support::kDisabledAnalyst, support::kDisabledPassword));
    });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_FALSE(e.oauth_error().empty());
    expect_no_secret(e, support::kDisabledPassword);
}

TEST(Auth, ConfidentialClientWithoutSecretIsAuth) {
    // The three-argument Password is for public clients: no client secret is sent.
    hazy::Client client = fresh_client();
    const hazy::Error e = error_of([&] {
        client.authenticate(
            hazy::Password(support::kApiId, support::kAnalyst, support::kAnalystPassword));
    });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    expect_no_secret(e, support::kAnalystPassword);
}

TEST(Auth, ClientWithoutServiceAccountIsAuth) {
    hazy::Client client = fresh_client();
    const hazy::Error e = error_of([&] {
        client.authenticate(hazy::ClientCredentials(support::kNoServiceAccountId,
                                                    support::kNoServiceAccountSecret));
    });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_FALSE(e.oauth_error().empty());
    expect_no_secret(e, support::kNoServiceAccountSecret);
}

TEST(Auth, TokenWithoutHubAudienceIsRejectedByTheHub) {
    hazy::Client client = fresh_client();
    client.authenticate(
        hazy::ClientCredentials(support::kNoAudienceId, support::kNoAudienceSecret));
    const hazy::Error e = error_of([&] { (void)client.models(support::unique_project("noaud")); });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_EQ(e.http_status(), 401);
}

TEST(Auth, MissingScopeIsForbiddenNamingTheScope) {
    hazy::Client client = fresh_client();
    client.authenticate(hazy::ClientCredentials(support::kNoTrainId, support::kNoTrainSecret));
    const std::string project = support::unique_project("notrain");
    const hazy::Error e =
        error_of([&] { (void)client.train(project, support::kMinimalConfig); });
    EXPECT_EQ(e.status(), hazy::Status::Forbidden) << e.what();
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.field(), "hazy/TrainJob:create");
    EXPECT_EQ(support::json_number(support::stats(project), "jobs_total"), 0);
}

TEST(Auth, UnknownRealmIsNotFound) {
    hazy::Options options = support::options();
    options.realm("cpp-no-such-realm");
    hazy::Client client(options);
    const hazy::Error e = error_of(
        [&] { client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret)); });
    EXPECT_EQ(e.status(), hazy::Status::NotFound) << e.what();
    EXPECT_EQ(e.http_status(), 404);
}

TEST(Auth, ExplicitTokenUrlOfTheRealKeycloak) {
    hazy::Options options = support::options();
    options.token_url(support::token_url());
    hazy::Client client(options);
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    EXPECT_TRUE(client.models(support::unique_project("tokenurl")).empty());
}

TEST(Auth, ShortLivedTokenIsRenewedBeforeItExpires) {
    hazy::Client client = fresh_client();
    client.authenticate(
        hazy::ClientCredentials(support::kShortLivedId, support::kShortLivedSecret));
    const std::string first = client.access_token();
    // Tokens live 5 s; the refresh margin is at most half the lifetime, so after 3 s the
    // library must fetch a new one.
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    const std::string second = client.access_token();
    EXPECT_NE(first, second);
    EXPECT_EQ(client.token_request_count(), 2u);
    EXPECT_TRUE(client.models(support::unique_project("short")).empty());
}

// private_key_jwt with the key the test stack made for the realm's Signed JWT client
// (tests/stack/signed_jwt.py); an unregistered key is Status::Auth with Keycloak's error.
// Behaviour is tested in depth once, by tests/integration/test_private_key_jwt.py.
TEST(Auth, PrivateKeyJwtFromOptions) {
    const std::string id = support::env("HAZY_TEST_JWT_CLIENT_ID");
    // Keycloak checks the assertion's audience against its own URL: talk to it directly, not
    // through the simulator's /auth proxy.
    hazy::Options options = support::options();
    options.auth_url(support::keycloak_url())
        .private_key_jwt(id, support::env("HAZY_TEST_JWT_PRIVATE_KEY"));
    hazy::Client client(options);
    client.authenticate();
    EXPECT_TRUE(client.models(support::unique_project("jwt")).empty());

    hazy::Options wrong = support::options();
    wrong.auth_url(support::keycloak_url())
        .private_key_jwt(id, support::env("HAZY_TEST_JWT_EC_PRIVATE_KEY"));
    hazy::Client refused(wrong);
    const hazy::Error e = error_of([&] { refused.authenticate(); });
    EXPECT_EQ(e.status(), hazy::Status::Auth) << e.what();
    EXPECT_FALSE(e.oauth_error().empty()) << e.what();
}
