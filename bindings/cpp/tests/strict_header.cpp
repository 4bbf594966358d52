// Compiled (not run) with every warning a strict C++ shop might enable, on top of
// -Wall -Wextra -Wpedantic -Werror: the header must stay clean under all of them. It
// instantiates the templates and uses each public type so that their code is checked too.
#include "hazy.hpp"
#include "hazy.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace strict_header {

int use_everything();

int use_everything() {
    hazy::Options options;
    options.set("poll_interval_ms", 100)
        .set("retry_max_attempts", 3u)
        .set("retry_base_delay_ms", 5LL)
        .set("insecure_skip_tls_verify", true)
        .set("host", "http://127.0.0.1:1")
        .set("realm", std::string("hazy"))
        .connect_timeout(std::chrono::seconds(1))
        .request_timeout(std::chrono::seconds(1))
        .poll_interval(std::chrono::milliseconds(50))
        .host("http://127.0.0.1:1")
        .realm("hazy")
        .token_url("http://127.0.0.1:1/token")
        .ca_bundle("")
        .traceparent("")
        .log_callback(
            [](const hazy::LogRecord &r) {
                (void)(r.event.size() + r.url.size() + static_cast<std::size_t>(r.attempt));
            },
            hazy::LogLevel::Debug);
    hazy::Client client(options);
    hazy::CancelToken token;
    token.cancel();
    int n = 0;
    try {
        client.authenticate(hazy::ClientCredentials("id", "secret"));
        client.authenticate(hazy::Password("id", "user", "pass"));
        client.authenticate(hazy::Password("id", "secret", "user", "pass"));
        client.authenticate(hazy::BearerToken("token"));
        client.authenticate();
        n += static_cast<int>(client.access_token().size());
        hazy::Job job = client.train("p", "{}");
        job.wait(std::chrono::seconds(1), [](const hazy::Job &j) { return j.progress() < 2.0; },
                 token);
        job.wait();
        (void)job.refresh();
        job.cancel();
        hazy::Job generated = client.generate("p", job.model_id(), 10);
        (void)client.train("p", "{}", "key-1");
        (void)client.generate("p", job.model_id(), 10, std::string(), "key-2");
        n += static_cast<int>(generated.kind().size() + generated.project_id().size() +
                              generated.failure_reason().size() + generated.raw_state().size());
        n += generated.finished() ? 1 : 0;
        const std::vector<hazy::Model> models = client.models("p");
        const std::vector<hazy::Job> jobs = client.jobs("p");
        n += static_cast<int>(models.size() + jobs.size());
        n += static_cast<int>(client.job("j").state());
        hazy::Client traced = client.with_traceparent(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        n += static_cast<int>(traced.jobs("p").size());
    } catch (const hazy::Error &e) {
        n += e.http_status() + static_cast<int>(e.status()) +
             static_cast<int>(e.message().size() + e.oauth_error().size() +
                              e.oauth_description().size() + e.field().size() +
                              e.idempotency_key().size() + e.request_id().size());
    }
    client.close();
    n += static_cast<int>(client.token_request_count());
    n += static_cast<int>(std::string(hazy::to_string(hazy::State::Running)).size());
    n += static_cast<int>(std::string(hazy::to_string(hazy::LogLevel::Trace)).size());
    n += static_cast<int>(std::string(hazy::version()).size());
    return n;
}

}  // namespace strict_header
