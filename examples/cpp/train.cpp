// Authenticate against Keycloak with client credentials, train a model on the Hub and
// follow the job to completion: the C++ version of examples/c/train.c (and of the seed
// tutorial's `SynthAPI(host, api_key).train(cfg, project_id)`).
//
// Settings come from the environment: HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET
// (and optionally HAZY_REALM, HAZY_AUTH_URL, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
//
// usage: hazy_train_cpp [PROJECT_ID [CONFIG_JSON_FILE]]
#include <hazy.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

std::string read_file(const std::string &path) {
    std::ifstream in(path.c_str(), std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        throw std::runtime_error("cannot read training config '" + path + "'");
    }
    return text.str();
}

// Prints a failed call's status and detail, as the C example does.
void report(const std::string &what, const hazy::Error &e) {
    std::cerr << "error: " << what << " failed: " << e.what() << '\n';
    if (e.http_status() != 0) {
        std::cerr << "       HTTP status " << e.http_status();
        if (!e.oauth_error().empty()) {
            std::cerr << ", server error code '" << e.oauth_error() << "'";
        }
        std::cerr << '\n';
    }
    if (!e.field().empty()) {
        std::cerr << "       field or scope: " << e.field() << '\n';
    }
}

}  // namespace

int main(int argc, char **argv) {
    const std::string project_id = argc > 1 ? argv[1] : "demo-project";
    const std::string config_path = argc > 2 ? argv[2] : "examples/training-config.json";
    std::string step = "reading the training config";
    std::cout << "libhazy " << hazy::version() << std::endl;
    try {
        const std::string config = read_file(config_path);

        // Everything comes from the HAZY_* environment variables.
        step = "creating the client";
        hazy::Client client = hazy::Client::from_env();

        // With HAZY_CLIENT_ID and HAZY_CLIENT_SECRET set, this is the client_credentials
        // grant; client.authenticate(hazy::ClientCredentials(id, secret)) says so explicitly.
        step = "authenticating";
        client.authenticate();
        std::cout << "authenticated with Keycloak" << std::endl;

        step = "submitting the training job";
        hazy::Job job = client.train(project_id, config);
        std::cout << "submitted training job " << job.id() << " to project " << project_id
                  << std::endl;

        // No timeout (zero): a training job takes as long as it takes; tokens renew
        // underneath. The callback runs after every poll; a line per change of state or
        // percent keeps logs readable when not on a terminal (a job can reach 100% before it
        // succeeds, so the state counts on its own).
        step = "training";
        std::string last_line;
        job.wait(std::chrono::milliseconds::zero(), [&](const hazy::Job &snapshot) {
            std::ostringstream line;
            line << "  " << std::left << std::setw(9) << hazy::to_string(snapshot.state()) << std::right << ' '
                 << std::setw(3) << std::lround(snapshot.progress() * 100.0) << '%';
            if (line.str() != last_line) {
                std::cout << line.str() << std::endl;
                last_line = line.str();
            }
            return true;  // keep waiting
        });
        std::cout << "training succeeded: model id " << job.model_id() << std::endl;
        return 0;
    } catch (const hazy::Error &e) {
        report(step, e);
    } catch (const std::exception &e) {
        std::cerr << "error: " << step << " failed: " << e.what() << '\n';
    }
    return 1;
}
