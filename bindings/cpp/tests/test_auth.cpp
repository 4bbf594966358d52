// How each kind of credentials and each credential option reaches the token endpoint: a
// stand-in for Keycloak (support::LocalServer) keeps the requests it is sent. What Keycloak
// does with them (grants, refusals, refresh, expiry, private_key_jwt, scopes, audiences) is
// tested once, in tests/token_lifecycle.rs and tests/integration/test_keycloak_auth.py,
// test_private_key_jwt.py and test_hub_e2e.py; the one authentication against the real
// Keycloak is in Jobs.HappyPath.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "hazy.hpp"
#include "slow_server.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::error_of;

namespace {

const std::string kToken = "cpp-fake-token";

// Keycloak's answer to a token request.
const std::string kTokenResponse =
    R"({"access_token":")" + kToken + R"(","token_type":"Bearer","expires_in":300})";

// The value of `key` in the form-encoded body of `request`, decoded; "<absent>" without it.
std::string form_value(const std::string &request, const std::string &key) {
    const std::size_t start = request.find("\r\n\r\n");
    const std::string body = start == std::string::npos ? std::string() : request.substr(start + 4);
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t end = body.find('&', pos);
        if (end == std::string::npos) {
            end = body.size();
        }
        const std::string pair = body.substr(pos, end - pos);
        if (pair.compare(0, key.size() + 1, key + "=") == 0) {
            std::string value;
            for (std::size_t i = key.size() + 1; i < pair.size(); ++i) {
                if (pair[i] == '+') {
                    value += ' ';
                } else if (pair[i] == '%' && i + 2 < pair.size()) {
                    value += static_cast<char>(std::strtol(pair.substr(i + 1, 2).c_str(), nullptr, 16));
                    i += 2;
                } else {
                    value += pair[i];
                }
            }
            return value;
        }
        pos = end + 1;
    }
    return "<absent>";
}

// Authenticates a client made from `options` (its token URL the server's, unless set) with
// `authenticate`, checks that it made one token request and holds the token granted, and
// returns that request.
template <typename F>
std::string token_request(support::LocalServer &server, hazy::Options options, F authenticate) {
    const std::size_t before = server.received().size();
    hazy::Client client(options);
    authenticate(client);
    EXPECT_EQ(client.token_request_count(), 1u);
    EXPECT_EQ(client.access_token(), kToken);
    const std::vector<std::string> requests = server.received();
    EXPECT_EQ(requests.size(), before + 1);
    return requests.back();
}

hazy::Options token_options(const support::LocalServer &server) {
    hazy::Options options;
    options.host(server.url()).token_url(server.url() + "/token");
    return options;
}

}  // namespace

TEST(Auth, CredentialsReachTheTokenEndpoint) {
    support::LocalServer server(std::chrono::milliseconds(0), kTokenResponse);
    // Non-ASCII values cross the C boundary as UTF-8.
    const std::string id = "cpp-client-\xc3\xa9", secret = "s3cret-\xc3\xbc";
    const std::string user = "analyst-\xc3\xb8", pass = "p\xc3\xa4ssword";

    std::string r = token_request(server, token_options(server), [&](hazy::Client &c) {
        c.authenticate(hazy::ClientCredentials(id, secret));
    });
    EXPECT_EQ(form_value(r, "grant_type"), "client_credentials") << r;
    EXPECT_EQ(form_value(r, "client_id"), id) << r;
    EXPECT_EQ(form_value(r, "client_secret"), secret) << r;

    r = token_request(server, token_options(server), [&](hazy::Client &c) {
        c.authenticate(hazy::Password(id, secret, user, pass));
    });
    EXPECT_EQ(form_value(r, "grant_type"), "password") << r;
    EXPECT_EQ(form_value(r, "client_secret"), secret) << r;
    EXPECT_EQ(form_value(r, "username"), user) << r;
    EXPECT_EQ(form_value(r, "password"), pass) << r;

    r = token_request(server, token_options(server), [&](hazy::Client &c) {
        c.authenticate(hazy::Password(id, user, pass));  // a public client
    });
    EXPECT_EQ(form_value(r, "client_id"), id) << r;
    EXPECT_EQ(form_value(r, "username"), user) << r;
    EXPECT_EQ(form_value(r, "client_secret"), "<absent>") << r;

    // Credentials configured through options, for authenticate().
    hazy::Options configured = token_options(server);
    configured.set("client_id", id).set("client_secret", secret);
    r = token_request(server, std::move(configured), [](hazy::Client &c) { c.authenticate(); });
    EXPECT_EQ(form_value(r, "grant_type"), "client_credentials") << r;
    EXPECT_EQ(form_value(r, "client_secret"), secret) << r;

    // The token endpoint under auth_url() and realm().
    hazy::Options located;
    located.host(server.url()).auth_url(server.url()).realm("cpp-realm");
    r = token_request(server, std::move(located), [&](hazy::Client &c) {
        c.authenticate(hazy::ClientCredentials(id, secret));
    });
    const std::string line = "POST /realms/cpp-realm/protocol/openid-connect/token ";
    EXPECT_EQ(r.compare(0, line.size(), line), 0) << r;
}

// private_key_jwt() signs an assertion with the key in the file instead of sending a secret;
// an unreadable file is refused when the client is made, naming the path.
TEST(Auth, PrivateKeyJwtOption) {
    support::LocalServer server(std::chrono::milliseconds(0), kTokenResponse);
    hazy::Options options = token_options(server);
    options.private_key_jwt("cpp-jwt-client", support::env("HAZY_TEST_JWT_PRIVATE_KEY"));
    const std::string r = token_request(server, std::move(options), [](hazy::Client &c) { c.authenticate(); });
    EXPECT_EQ(form_value(r, "client_assertion_type"),
              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") << r;
    EXPECT_EQ(form_value(r, "client_secret"), "<absent>") << r;
    const std::string assertion = form_value(r, "client_assertion");
    EXPECT_EQ(std::count(assertion.begin(), assertion.end(), '.'), 2) << "not a JWT: " << assertion;

    hazy::Options missing = token_options(server);
    missing.private_key_jwt("cpp-jwt-client", "/nonexistent/cpp-key.pem");
    const hazy::Error e = error_of([&] { hazy::Client client(missing); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument) << e.what();
    EXPECT_TRUE(contains(e.message(), "/nonexistent/cpp-key.pem")) << e.what();
}

// A bearer token is used as given, with no token request.
TEST(Auth, BearerTokenIsUsedAsGiven) {
    support::LocalServer server(std::chrono::milliseconds(0), kTokenResponse);
    hazy::Client client(token_options(server));
    client.authenticate(hazy::BearerToken("given.bearer.token"));
    EXPECT_EQ(client.access_token(), "given.bearer.token");
    EXPECT_EQ(client.token_request_count(), 0u);
    EXPECT_TRUE(server.received().empty());
}

// logout() reaches the library and throws its statuses: after a password grant against the
// real Keycloak it succeeds; a bearer-token client has no session to end; a closed client is
// closed. What Keycloak does with it is tested once, in tests/integration/test_logout.py.
TEST(Auth, Logout) {
    hazy::Client client(support::options());
    client.authenticate(hazy::Password(support::kApiId, support::kApiSecret, support::kAnalyst,
                                       support::kAnalystPassword));
    client.logout();
    client.close();
    EXPECT_THROW(client.logout(), hazy::ClosedError);

    hazy::Client bearer(support::options());
    bearer.authenticate(hazy::BearerToken("given.bearer.token"));
    const hazy::Error e = error_of([&] { bearer.logout(); });
    EXPECT_EQ(e.status(), hazy::Status::InvalidArgument) << e.what();
}
