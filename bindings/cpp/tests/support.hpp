// Helpers for the C++ binding's tests: the stack's environment, fixture credentials, unique
// project ids, and the simulator's admin endpoints over plain HTTP.
#ifndef HAZY_CPP_TESTS_SUPPORT_HPP
#define HAZY_CPP_TESTS_SUPPORT_HPP

#include <string>

#include "hazy.hpp"

namespace support {

// Fixture clients and users of realm `hazy` (tests/realm/hazy-realm.json).
extern const char *const kApiId;
extern const char *const kApiSecret;
extern const char *const kAnalyst;
extern const char *const kAnalystPassword;

// A minimal valid TrainingConfig.
extern const char *const kMinimalConfig;

// A required environment variable; throws (failing the test, never skipping it) when unset.
std::string env(const char *name);
std::string hub_url();        // HAZY_TEST_HUB_URL
std::string keycloak_url();   // HAZY_TEST_KEYCLOAK_URL
std::string token_url();      // HAZY_TEST_TOKEN_URL

// "cpp-<tag>-<random>": suites share one simulator, so every test uses its own project.
std::string unique_project(const std::string &tag);

struct HttpResponse {
    int status;
    std::string body;
};
// One plain HTTP/1.1 request (Connection: close) to an http://host:port URL.
HttpResponse http(const std::string &method, const std::string &url, const std::string &body);

// Simulator admin endpoints (unauthenticated, /_sim/*).
void set_job_duration(const std::string &project, long long ms);
void add_fault(const std::string &json);
std::string stats(const std::string &project);
// The number after "\"key\":" in a flat JSON text; -1 when absent.
long long json_number(const std::string &json, const std::string &key);

// Options for the simulator: host, fast polling.
hazy::Options options();
// A client authenticated as `api` with client credentials.
hazy::Client client();

// A local TCP port with nothing listening on it.
int closed_port();

}  // namespace support

#endif
