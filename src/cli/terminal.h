// The terminal facts the CLI acts on (whether stdin/stdout are terminals,
// the width of the window) and reading a line from stdin, with echo off for
// passwords. The only place src/cli touches the tty.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "cli/command_env.h"

namespace berth::cli {

bool is_terminal(std::FILE* stream);
// Columns of the terminal `stream` writes to; 0 when it is not one.
int terminal_width(std::FILE* stream);
// The process's stdin, stdout and stderr with their terminal facts.
Io stdio_io();

// One line without its "\n" (or "\r\n"); nothing at end of input.
std::optional<std::string> read_line(std::FILE* in);
// Same, with the terminal's echo off while typing when `in` is a terminal.
std::optional<std::string> read_line_without_echo(std::FILE* in);
// Everything up to end of input.
std::string read_all(std::FILE* in);

// docker's prompt: the question and " [y/N] " on stdout; "y" or "yes" (any case) agrees.
bool confirm(CommandEnv& env, std::string_view question);

}  // namespace berth::cli
