// The second translation unit of the test binary (see second_tu.hpp).
#include "second_tu.hpp"

#include "hazy.hpp"
#include "support.hpp"

namespace second_tu {

std::string version() { return hazy::version(); }

std::string status_name(hazy::Status status) { return hazy::to_string(status); }

hazy::Client make_client(const std::string &host) {
    hazy::Options options;
    options.host(host).poll_interval(std::chrono::milliseconds(50));
    hazy::Client client(options);
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));
    return client;
}

void throw_not_found(hazy::Client &client) { (void)client.job("cpp-no-such-job"); }

}  // namespace second_tu
