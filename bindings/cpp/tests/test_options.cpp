// Each typed Options setter of issue 25 (secret files, the credential command, key
// passphrases, PKCS#12, per-client proxies) reaches libhazy under its key: it is given a value
// that libhazy refuses, or reports in a way only that option can cause, and the error names the
// option, and the path when there is one. What the options do is tested once, against the real
// services, in tests/integration and tests/tls. Nothing is sent anywhere: the token endpoint is
// a closed port, and every case fails before it would be used.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "hazy.hpp"
#include "test_helpers.hpp"

using support::contains;

namespace {

// A directory that does not exist: every file under it is missing.
const std::string kMissing = "/nonexistent/hazy-cpp-options/";

struct Case {
    const char *name;
    std::function<void(hazy::Options &)> settings;
    bool authenticate;  // the error comes from Client::authenticate(), not the constructor
    hazy::Status status;
    std::vector<std::string> fragments;  // of the error's message
};

void with_client_id(hazy::Options &o) { o.set("client_id", "cpp-options"); }

}  // namespace

TEST(Options, NewOptionsReachTheLibrary) {
    const std::vector<Case> cases = {
        {"client_secret_file",
         [](hazy::Options &o) { with_client_id(o); o.client_secret_file(kMissing + "secret"); }, true,
         hazy::Status::InvalidArgument, {"'client_secret_file'", kMissing + "secret"}},
        {"password_file",
         [](hazy::Options &o) { with_client_id(o); o.set("username", "u").password_file(kMissing + "password"); },
         true, hazy::Status::InvalidArgument, {"'password_file'", kMissing + "password"}},
        {"access_token_file", [](hazy::Options &o) { o.access_token_file(kMissing + "token"); }, true,
         hazy::Status::InvalidArgument, {"'access_token_file'", kMissing + "token"}},
        // Split into words: the program is the first.
        {"credential_command",
         [](hazy::Options &o) { with_client_id(o); o.credential_command(kMissing + "program --json"); }, true,
         hazy::Status::Auth, {"'credential_command'", "cannot start '" + kMissing + "program'"}},
        // The words as given: a blank and a quote stay in the program's name.
        {"credential_command_args",
         [](hazy::Options &o) {
             with_client_id(o);
             o.credential_command_args({kMissing + "a \"program\"", "--json"});
         },
         true, hazy::Status::Auth, {"'credential_command'", "cannot start '" + kMissing + "a \"program\"'"}},
        // Only a shell runs `exit 3`.
        {"credential_command_shell",
         [](hazy::Options &o) { with_client_id(o); o.credential_command_shell("exit 3"); }, true,
         hazy::Status::Auth, {"'credential_command'", "exited with status 3"}},
        {"credential_command_timeout",
         [](hazy::Options &o) {
             with_client_id(o);
             o.credential_command("sleep 5").credential_command_timeout(std::chrono::milliseconds(100));
         },
         true, hazy::Status::Timeout, {"within 100 ms", "credential_command_timeout_ms"}},
        {"private_key_passphrase_file",
         [](hazy::Options &o) { o.private_key_passphrase_file(kMissing + "key-passphrase"); }, false,
         hazy::Status::InvalidArgument, {"client_private_key_passphrase_file"}},
        {"client_key_passphrase_file",
         [](hazy::Options &o) { o.client_key_passphrase_file(kMissing + "tls-passphrase"); }, false,
         hazy::Status::InvalidArgument, {"'client_key_passphrase_file'"}},
        {"client_certificate_p12", [](hazy::Options &o) { o.client_certificate_p12(kMissing + "client.p12"); },
         false, hazy::Status::InvalidArgument, {"'client_cert_p12'", kMissing + "client.p12"}},
        {"client_certificate_p12 passphrase",
         [](hazy::Options &o) { o.client_certificate_p12("", kMissing + "p12-passphrase"); }, false,
         hazy::Status::InvalidArgument, {"'client_cert_p12_passphrase_file'"}},
        {"proxy", [](hazy::Options &o) { o.proxy("ftp://proxy.example"); }, false,
         hazy::Status::InvalidArgument, {"option 'proxy'"}},
        {"no_proxy", [](hazy::Options &o) { o.no_proxy("localhost,.example.com,10.0.0.0/8"); }, false,
         hazy::Status::InvalidArgument, {"'no_proxy' is set without 'proxy'"}},
        // Read only if the user arrived too (else: "is set without 'proxy_username'").
        {"proxy_auth",
         [](hazy::Options &o) { o.proxy("http://127.0.0.1:1").proxy_auth("proxy-user", kMissing + "proxy-password"); },
         false, hazy::Status::InvalidArgument, {"'proxy_password_file'", kMissing + "proxy-password"}},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.name);
        bool made = false;
        try {
            hazy::Options o;
            o.host("http://127.0.0.1:1").token_url("http://127.0.0.1:1/token");
            c.settings(o);
            hazy::Client client(o);
            made = true;
            client.authenticate();
            ADD_FAILURE() << "no error";
        } catch (const hazy::Error &e) {
            EXPECT_EQ(made, c.authenticate) << e.what();
            EXPECT_EQ(e.status(), c.status) << e.what();
            for (const std::string &f : c.fragments) {
                EXPECT_TRUE(contains(e.message(), f)) << e.message() << " does not contain " << f;
            }
        }
    }
}
