// Functions defined in a second translation unit that also includes hazy.hpp: the test
// binary links both, which fails if the header defines anything that is not inline.
#ifndef HAZY_CPP_TESTS_SECOND_TU_HPP
#define HAZY_CPP_TESTS_SECOND_TU_HPP

#include <string>

#include "hazy.hpp"

namespace second_tu {

std::string version();
std::string status_name(hazy::Status status);
// A client made (and authenticated as `api`) in the other translation unit.
hazy::Client make_client(const std::string &host);
// Throws the hazy::Error of a failed call, from the other translation unit.
void throw_not_found(hazy::Client &client);

}  // namespace second_tu

#endif
