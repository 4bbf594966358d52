// Small assertion helpers shared by the test files.
#ifndef HAZY_CPP_TESTS_TEST_HELPERS_HPP
#define HAZY_CPP_TESTS_TEST_HELPERS_HPP

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "hazy.hpp"

namespace support {

// Runs `f`, which must throw hazy::Error, and returns that error (a test failure otherwise).
template <typename F>
hazy::Error error_of(F f) {
    try {
        f();
    } catch (const hazy::Error &e) {
        return e;
    }
    throw std::runtime_error("expected a hazy::Error, nothing was thrown");
}

inline bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

inline long long elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now() - since)
        .count();
}

}  // namespace support

#endif
