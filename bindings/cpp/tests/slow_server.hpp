// A local HTTP/1.1 server that answers every request, after a delay, with the same running
// job: it keeps job gets and waits in flight long enough for a close to overtake them (as
// tests/c/test_lifetime.c does in C).
#ifndef HAZY_CPP_TESTS_SLOW_SERVER_HPP
#define HAZY_CPP_TESTS_SLOW_SERVER_HPP

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace support {

class SlowJobServer {
  public:
    explicit SlowJobServer(std::chrono::milliseconds delay);
    ~SlowJobServer();
    SlowJobServer(const SlowJobServer &) = delete;
    SlowJobServer &operator=(const SlowJobServer &) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Requests received so far (counted before the delay, so a counted call is in flight).
    int requests() const { return requests_.load(); }

  private:
    void accept_loop();
    void serve(int fd);
    bool sleep_unless_stopped(std::chrono::milliseconds d) const;

    std::chrono::milliseconds delay_;
    int listener_;
    int port_;
    std::atomic<bool> stop_;
    std::atomic<int> requests_;
    std::mutex mutex_;  // guards connections_
    std::vector<std::thread> connections_;
    std::thread acceptor_;
};

}  // namespace support

#endif
