// Helpers for the C++ binding's tests: the stack's environment, fixture credentials, unique
// project ids, the simulator's admin endpoints over plain HTTP, and a tiny fake server.
#ifndef HAZY_CPP_TESTS_SUPPORT_HPP
#define HAZY_CPP_TESTS_SUPPORT_HPP

#include <atomic>
#include <string>
#include <thread>

#include "hazy.hpp"

namespace support {

// Fixture clients and users of realm `hazy` (tests/realm/hazy-realm.json).
extern const char *const kApiId;
extern const char *const kApiSecret;
extern const char *const kShortLivedId;
extern const char *const kShortLivedSecret;
extern const char *const kNoTrainId;
extern const char *const kNoTrainSecret;
extern const char *const kNoAudienceId;
extern const char *const kNoAudienceSecret;
extern const char *const kNoServiceAccountId;
extern const char *const kNoServiceAccountSecret;
extern const char *const kAnalyst;
extern const char *const kAnalystPassword;
extern const char *const kDisabledAnalyst;
extern const char *const kDisabledPassword;

// A minimal valid TrainingConfig, one whose input makes the job fail, and one without the
// required data_schema.
extern const char *const kMinimalConfig;
extern const char *const kFailingConfig;
extern const char *const kConfigWithoutSchema;

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

// A server on 127.0.0.1 that answers every connection with `response` (raw bytes) after
// reading the request head, until destroyed.
class FakeServer {
  public:
    explicit FakeServer(std::string response);
    ~FakeServer();
    FakeServer(const FakeServer &) = delete;
    FakeServer &operator=(const FakeServer &) = delete;
    int port() const { return port_; }
    int connections() const { return connections_.load(); }

  private:
    void serve();
    std::string response_;
    int listener_;
    int port_;
    std::atomic<bool> stop_;
    std::atomic<int> connections_;
    std::thread thread_;
};

}  // namespace support

#endif
