// Logging and tracing through the wrapper: the std::function log callback and its LogRecord,
// and Client::with_traceparent() (Error::request_id() is in test_errors.cpp). The events themselves (which ones, when,
// redaction) are tested in the Rust and C suites; these tests check this layer's marshalling
// and ownership.
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "hazy.hpp"
#include "support.hpp"
#include "test_helpers.hpp"

using support::contains;
using support::error_of;

namespace {

// The records a callback received, from whichever threads it ran on.
struct Records {
    std::mutex mutex;
    std::vector<hazy::LogRecord> all;

    std::vector<hazy::LogRecord> with_event(const std::string &event) {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<hazy::LogRecord> out;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].event == event) {
                out.push_back(all[i]);
            }
        }
        return out;
    }
};

// Options for the simulator whose log callback (at debug) stores into `records`.
hazy::Options logging_options(const std::shared_ptr<Records> &records) {
    hazy::Options options = support::options();
    options.log_callback(
        [records](const hazy::LogRecord &r) {
            std::lock_guard<std::mutex> lock(records->mutex);
            records->all.push_back(r);
        },
        hazy::LogLevel::Debug);
    return options;
}

bool is_hex(const std::string &s, std::size_t length) {
    return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

// The callback receives the records of a client made from the options, after the Options
// object is gone (the client shares the function), copied field by field; an exception it
// throws stays on this side of the C library and does not fail the call.
TEST(Logging, CallbackReceivesTheRecordsOfTheClient) {
    std::shared_ptr<Records> records = std::make_shared<Records>();
    hazy::Client client = [&records]() -> hazy::Client {
        hazy::Options options = support::options();
        options.log_callback(
            [records](const hazy::LogRecord &r) {
                {
                    std::lock_guard<std::mutex> lock(records->mutex);
                    records->all.push_back(r);
                }
                throw std::runtime_error("a logger that throws");
            },
            hazy::LogLevel::Debug);
        return hazy::Client(options);
    }();
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));

    const std::vector<hazy::LogRecord> granted = records->with_event("token.granted");
    ASSERT_EQ(granted.size(), 1u);
    const hazy::LogRecord &r = granted[0];
    EXPECT_EQ(r.level, hazy::LogLevel::Info);
    EXPECT_TRUE(contains(r.message, "token granted")) << r.message;
    EXPECT_EQ(r.http_status, 200);
    EXPECT_EQ(r.method, "POST");
    EXPECT_TRUE(contains(r.url, "/protocol/openid-connect/token")) << r.url;
    EXPECT_EQ(r.attempt, 1u);
    EXPECT_FALSE(r.request_id.empty());
    EXPECT_TRUE(is_hex(r.trace_id, 32)) << r.trace_id;
    EXPECT_TRUE(is_hex(r.span_id, 16)) << r.span_id;
    EXPECT_GE(r.elapsed_ms, 0);
    EXPECT_EQ(r.delay_ms, -1) << "not a retry";
    EXPECT_TRUE(r.job_id.empty());
    EXPECT_EQ(records->with_event("token.request").size(), 1u) << "debug records arrive too";

    std::lock_guard<std::mutex> lock(records->mutex);
    for (std::size_t i = 0; i < records->all.size(); ++i) {
        const hazy::LogRecord &each = records->all[i];
        const std::string text = each.event + each.message + each.method + each.url +
                                 each.request_id + each.job_id + each.trace_id + each.span_id;
        EXPECT_FALSE(contains(text, support::kApiSecret)) << each.event;
    }
}

// A view's calls carry the caller's trace id; the view and its client keep each other usable
// whichever goes first; a malformed trace context is refused.
TEST(Logging, WithTraceparentJoinsTheCallersTrace) {
    const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::string traceparent = "00-" + trace_id + "-00f067aa0ba902b7-01";
    const std::string project = support::unique_project("trace");
    std::shared_ptr<Records> records = std::make_shared<Records>();
    hazy::Client client(logging_options(records));
    client.authenticate(hazy::ClientCredentials(support::kApiId, support::kApiSecret));

    {
        hazy::Client view = client.with_traceparent(traceparent);
        EXPECT_TRUE(view.models(project).empty());
    }  // frees the view only
    std::vector<hazy::LogRecord> exchanges = records->with_event("http.exchange");
    ASSERT_EQ(exchanges.size(), 1u);
    EXPECT_EQ(exchanges[0].trace_id, trace_id);
    EXPECT_TRUE(contains(exchanges[0].url, project)) << exchanges[0].url;

    EXPECT_TRUE(client.models(project).empty()) << "the client stays open";
    exchanges = records->with_event("http.exchange");
    ASSERT_EQ(exchanges.size(), 2u);
    EXPECT_NE(exchanges[1].trace_id, trace_id) << "the client's own calls start their own trace";

    // A view outlives the Client object it came from.
    hazy::Client view = client.with_traceparent(traceparent);
    { hazy::Client gone(std::move(client)); }
    EXPECT_TRUE(view.jobs(project).empty());
    EXPECT_EQ(records->with_event("http.exchange").back().trace_id, trace_id);

    const hazy::Error malformed = error_of([&] { (void)view.with_traceparent("00-xyz-01"); });
    EXPECT_EQ(malformed.status(), hazy::Status::InvalidArgument) << malformed.what();
}
