#include "slow_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace support {

namespace {

// Waits up to 50 ms for `fd` to be readable (so loops can notice a stop).
bool readable(int fd) {
    pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return ::poll(&p, 1, 50) > 0;
}

// The length of the request at the start of `buffer` (head and Content-Length body); 0 while
// it is incomplete.
std::size_t request_length(const std::string &buffer) {
    const std::size_t head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        return 0;
    }
    std::string head = buffer.substr(0, head_end);
    for (std::size_t i = 0; i < head.size(); ++i) {
        head[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(head[i])));
    }
    const std::size_t field = head.find("\r\ncontent-length:");
    const std::size_t body =
        field == std::string::npos ? 0 : std::strtoul(head.c_str() + field + 17, nullptr, 10);
    return buffer.size() >= head_end + 4 + body ? head_end + 4 + body : 0;
}

}  // namespace

const char *const LocalServer::kRunningJob =
    R"({"id":"job-1","project_id":"p1","kind":"train","state":"running","progress":0.5})";

LocalServer::LocalServer(std::chrono::milliseconds delay, std::string body)
    : delay_(delay), body_(std::move(body)), listener_(::socket(AF_INET, SOCK_STREAM, 0)),
      port_(0), stop_(false), requests_(0), mutex_(), connections_(), received_(), acceptor_() {
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
    acceptor_ = std::thread(&LocalServer::accept_loop, this);
}

LocalServer::~LocalServer() {
    stop_ = true;
    acceptor_.join();
    for (std::thread &t : connections_) {
        t.join();
    }
    ::close(listener_);
}

std::vector<std::string> LocalServer::received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
}

bool LocalServer::sleep_unless_stopped(std::chrono::milliseconds d) const {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (stop_) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void LocalServer::accept_loop() {
    while (!stop_) {
        if (!readable(listener_)) {
            continue;
        }
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd >= 0) {
            std::lock_guard<std::mutex> lock(mutex_);
            connections_.emplace_back(&LocalServer::serve, this, fd);
        }
    }
}

// Keep-alive: answers each request until the peer closes or stop.
void LocalServer::serve(int fd) {
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
        std::size_t length;
        bool open = true;
        while (open && (length = request_length(buffer)) != 0) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                received_.push_back(buffer.substr(0, length));
            }
            buffer.erase(0, length);
            ++requests_;
            if (!sleep_unless_stopped(delay_)) {
                open = false;
                break;
            }
            const std::string reply =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " +
                std::to_string(body_.size()) + "\r\n\r\n" + body_;
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
