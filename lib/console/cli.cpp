// SPDX-License-Identifier: BSD-3-Clause
// Console: help, quit.
#include "console/console.hpp"

namespace haslb::console {
namespace {

void help(cmdline* cl, const std::vector<std::string>&) {
    std::string out = "Commands:\n";
    for (const auto& h : help_lines()) out += "  " + h + "\n";
    print(cl, out);
}

void quit(cmdline* cl, const std::vector<std::string>&) { request_quit(cl); }

__attribute__((constructor)) void register_console_cli() {
    register_fixed({"help"}, "help: this list", help);
    register_fixed({"quit"}, "quit: leave the console (on the terminal: stop haslb)", quit);
}

}  // namespace
}  // namespace haslb::console
