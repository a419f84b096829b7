// What `vvsim --version` and the help pages print beyond the options: the
// versions of vvsim and of the libraries it runs on, each command's exit
// statuses and examples. help2man turns the same text into the man page.
#pragma once

#include <string>

namespace vvsim::app {

std::string version_text();
std::string main_footer();
std::string run_footer();
std::string sweep_footer();
std::string compare_footer();

}  // namespace vvsim::app
