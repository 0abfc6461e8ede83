// SPDX-License-Identifier: BSD-3-Clause
// The operator console (DPDK cmdline, testpmd style): on the terminal with
// --console, and on a unix socket for a running daemon. Modules register
// their commands from constructors; nothing here lists them.
//
// Command callbacks run on the control lcore, in the console poller.
#pragma once

#include <cmdline.h>
#include <cmdline_parse.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace haslb::console {

// A command made of fixed words ("show", "ports"); a word may list choices
// separated by '#' ("on#off"), and the chosen words are passed to the
// callback. `help` is shown by the `help` command: "show ports: what it shows".
using FixedFn = std::function<void(cmdline* cl, const std::vector<std::string>& words)>;
void register_fixed(std::initializer_list<const char*> words, const char* help, FixedFn fn);

// A hand-built cmdline instance (for commands with typed arguments).
void register_command(cmdline_parse_inst_t* inst);

// A command from typed tokens (TOKEN_*_INITIALIZER objects of static
// storage): builds the instance (its token list is a flexible array, which
// C++ cannot initialise statically) and registers it.
using TokenFn = void (*)(void* parsed, cmdline* cl, void* data);
void register_tokens(TokenFn fn, const char* help, std::initializer_list<void*> tokens);

// Writes text to the session the command came from.
void print(cmdline* cl, std::string_view text);

// Every registered command's help line, in registration order.
std::vector<std::string> help_lines();

// Starts the socket listener (<socket_dir>/<file_prefix>.sock) and, with
// `terminal`, the terminal console. Registers the console poller. Returns 0,
// -EADDRINUSE when another live haslb owns the socket, or negative errno.
int console_init(const config::Config& cfg, bool terminal, std::string& err);
void console_fini();

// Whether a live haslb already answers on the socket `cfg` names. Returns 0,
// or -EADDRINUSE with `err` set. Call before EAL init: a second EAL with the
// same file prefix would fight over the running one's telemetry socket.
int probe_running(const config::Config& cfg, std::string& err);

// Path of the socket (for messages).
const std::string& socket_path();

// `quit`: on the terminal stops the appliance; on a socket closes the session.
void request_quit(cmdline* cl);
bool quit_requested();

// Runs one command line as a socket session would and returns its output
// (tests, and the scripted console). Control lcore.
std::string run_line(const std::string& line);

}  // namespace haslb::console
