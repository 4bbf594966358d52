#include "support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <stdexcept>

namespace support {

namespace {
// The realm's test principals come from the HAZY_TEST_* variables that tests/stack/stack.py
// exports from tests/realm/hazy-realm.json, so no secret is repeated here. They are read while
// the program starts, before GoogleTest runs: without the stack there is nothing to test.
const char *required(const char *name) {
    const char *value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::fprintf(stderr, "%s is not set: run the tests under tests/stack/stack.py "
                             "(bash bindings/cpp/run-tests.sh does)\n", name);
        std::exit(2);
    }
    return value;
}
}  // namespace

const char *const kApiId = required("HAZY_TEST_CLIENT_ID");
const char *const kApiSecret = required("HAZY_TEST_CLIENT_SECRET");
const char *const kAnalyst = required("HAZY_TEST_USERNAME");
const char *const kAnalystPassword = required("HAZY_TEST_PASSWORD");

const char *const kMinimalConfig =
    R"({"data_schema":{"tables":[{"name":"t","dtypes":[{"type":"int","col":"a"}]}]},)"
    R"("data_input":[{"name":"t","location":"s3://b/t.csv"}],)"
    R"("model_parameters":{"generator":{"generator_type":"priv_bayes","epsilon":1000.0}}})";
std::string env(const char *name) {
    const char *value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string(name) +
                                 " is not set: run the tests under tests/stack/stack.py "
                                 "(bash bindings/cpp/run-tests.sh does)");
    }
    return value;
}

std::string hub_url() { return env("HAZY_TEST_HUB_URL"); }
std::string keycloak_url() { return env("HAZY_TEST_KEYCLOAK_URL"); }
std::string token_url() { return env("HAZY_TEST_TOKEN_URL"); }

std::string unique_project(const std::string &tag) {
    static std::mt19937_64 rng{std::random_device{}() ^
                               static_cast<unsigned long long>(::getpid())};
    std::ostringstream id;
    id << "cpp-" << tag << "-" << std::hex << (rng() & 0xffffffffffffULL);
    return id.str();
}

namespace {

struct Url {
    std::string host;
    int port;
    std::string path;
};

Url parse_url(const std::string &url) {
    const std::string scheme = "http://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        throw std::runtime_error("only http:// URLs are supported: " + url);
    }
    const std::string rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const std::size_t colon = authority.rfind(':');
    Url u;
    u.host = authority.substr(0, colon);
    u.port = colon == std::string::npos ? 80 : std::atoi(authority.c_str() + colon + 1);
    u.path = slash == std::string::npos ? "/" : rest.substr(slash);
    if (u.host == "localhost") {
        u.host = "127.0.0.1";
    }
    return u;
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

void send_all(int fd, const std::string &data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error(std::string("send: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

HttpResponse http(const std::string &method, const std::string &url, const std::string &body) {
    const Url u = parse_url(url);
    Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
    if (fd.get() < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(u.port));
    if (::inet_pton(AF_INET, u.host.c_str(), &addr.sin_addr) != 1) {
        throw std::runtime_error("not an IPv4 address: " + u.host);
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        throw std::runtime_error("connect " + url + ": " + std::strerror(errno));
    }
    std::ostringstream request;
    request << method << ' ' << u.path << " HTTP/1.1\r\n"
            << "Host: " << u.host << ':' << u.port << "\r\n"
            << "Connection: close\r\n"
            << "Content-Type: application/json\r\n"
            << "Content-Length: " << body.size() << "\r\n\r\n"
            << body;
    send_all(fd.get(), request.str());
    std::string response;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        response.append(buf, static_cast<std::size_t>(n));
    }
    HttpResponse out;
    out.status = 0;
    if (response.compare(0, 5, "HTTP/") == 0) {
        out.status = std::atoi(response.c_str() + response.find(' ') + 1);
    }
    const std::size_t head_end = response.find("\r\n\r\n");
    out.body = head_end == std::string::npos ? std::string() : response.substr(head_end + 4);
    // The simulator may answer with chunked encoding; the admin bodies we read are small
    // JSON objects, so dropping chunk-size lines is enough.
    if (response.find("Transfer-Encoding: chunked") != std::string::npos ||
        response.find("transfer-encoding: chunked") != std::string::npos) {
        std::string joined;
        std::size_t pos = 0;
        for (;;) {
            const std::size_t eol = out.body.find("\r\n", pos);
            if (eol == std::string::npos) {
                break;
            }
            const std::size_t size =
                std::strtoul(out.body.substr(pos, eol - pos).c_str(), nullptr, 16);
            if (size == 0) {
                break;
            }
            joined += out.body.substr(eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        out.body = joined;
    }
    return out;
}

void set_job_duration(const std::string &project, long long ms) {
    const HttpResponse r = http("PUT", hub_url() + "/_sim/projects/" + project,
                                "{\"job_duration_ms\": " + std::to_string(ms) + "}");
    if (r.status != 200) {
        throw std::runtime_error("PUT /_sim/projects failed: HTTP " + std::to_string(r.status) +
                                 " " + r.body);
    }
}

void add_fault(const std::string &json) {
    const HttpResponse r = http("POST", hub_url() + "/_sim/faults", json);
    if (r.status != 201 && r.status != 200) {
        throw std::runtime_error("POST /_sim/faults failed: HTTP " + std::to_string(r.status) +
                                 " " + r.body);
    }
}

std::string stats(const std::string &project) {
    const HttpResponse r = http("GET", hub_url() + "/_sim/stats?project_id=" + project, "");
    if (r.status != 200) {
        throw std::runtime_error("GET /_sim/stats failed: HTTP " + std::to_string(r.status));
    }
    return r.body;
}

long long json_number(const std::string &json, const std::string &key) {
    const std::string needle = "\"" + key + "\":";
    std::size_t pos = json.find(needle);
    if (pos == std::string::npos) {
        return -1;
    }
    pos += needle.size();
    while (pos < json.size() && json[pos] == ' ') {
        ++pos;
    }
    return std::atoll(json.c_str() + pos);
}

hazy::Options options() {
    hazy::Options o;
    o.host(hub_url()).poll_interval(std::chrono::milliseconds(50));
    return o;
}

hazy::Client client() {
    hazy::Client c(options());
    c.authenticate(hazy::ClientCredentials(kApiId, kApiSecret));
    return c;
}

int closed_port() {
    Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
    }
    return ntohs(addr.sin_port);  // closed again when `fd` goes: nothing listens there
}

}  // namespace support
