// A local HTTP/1.1 server (keep-alive) that answers every request, after a delay, with the
// same JSON body, and keeps the requests it read. By default the body is a running job: job
// gets and waits stay in flight long enough for a close to overtake them (as
// tests/c/test_lifetime.c does in C); with a token response it stands in for Keycloak.
#ifndef HAZY_CPP_TESTS_SLOW_SERVER_HPP
#define HAZY_CPP_TESTS_SLOW_SERVER_HPP

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace support {

class LocalServer {
  public:
    explicit LocalServer(std::chrono::milliseconds delay, std::string body = kRunningJob);
    ~LocalServer();
    LocalServer(const LocalServer &) = delete;
    LocalServer &operator=(const LocalServer &) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Requests received so far (counted before the delay, so a counted call is in flight).
    int requests() const { return requests_.load(); }
    // Each request received so far, head and body.
    std::vector<std::string> received();

    static const char *const kRunningJob;

  private:
    void accept_loop();
    void serve(int fd);
    bool sleep_unless_stopped(std::chrono::milliseconds d) const;

    std::chrono::milliseconds delay_;
    std::string body_;
    int listener_;
    int port_;
    std::atomic<bool> stop_;
    std::atomic<int> requests_;
    std::mutex mutex_;  // guards connections_ and received_
    std::vector<std::thread> connections_;
    std::vector<std::string> received_;
    std::thread acceptor_;
};

}  // namespace support

#endif
