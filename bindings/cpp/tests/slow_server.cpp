#include "slow_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace support {

namespace {

const char kJob[] =
    R"({"id":"job-1","project_id":"p1","kind":"train","state":"running","progress":0.5})";

// Waits up to 50 ms for `fd` to be readable (so loops can notice a stop).
bool readable(int fd) {
    pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return ::poll(&p, 1, 50) > 0;
}

}  // namespace

SlowJobServer::SlowJobServer(std::chrono::milliseconds delay)
    : delay_(delay), listener_(::socket(AF_INET, SOCK_STREAM, 0)), port_(0), stop_(false),
      requests_(0), mutex_(), connections_(), acceptor_() {
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        const std::string why = std::strerror(errno);
        if (listener_ >= 0) {
            ::close(listener_);
        }
        throw std::runtime_error("slow server: " + why);
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread(&SlowJobServer::accept_loop, this);
}

SlowJobServer::~SlowJobServer() {
    stop_ = true;
    acceptor_.join();
    for (std::thread &t : connections_) {
        t.join();
    }
    ::close(listener_);
}

bool SlowJobServer::sleep_unless_stopped(std::chrono::milliseconds d) const {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (stop_) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void SlowJobServer::accept_loop() {
    while (!stop_) {
        if (!readable(listener_)) {
            continue;
        }
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd >= 0) {
            std::lock_guard<std::mutex> lock(mutex_);
            connections_.emplace_back(&SlowJobServer::serve, this, fd);
        }
    }
}

// Keep-alive: answers each request head (GETs only, no body) until the peer closes or stop.
void SlowJobServer::serve(int fd) {
    std::string buffer;
    char chunk[4096];
    while (!stop_) {
        if (!readable(fd)) {
            continue;
        }
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t end;
        bool open = true;
        while (open && (end = buffer.find("\r\n\r\n")) != std::string::npos) {
            buffer.erase(0, end + 4);
            ++requests_;
            if (!sleep_unless_stopped(delay_)) {
                open = false;
                break;
            }
            const std::string body = kJob;
            const std::string reply =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
            open = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) ==
                   static_cast<ssize_t>(reply.size());
        }
        if (!open) {
            break;
        }
    }
    ::close(fd);
}

}  // namespace support
