// berth-shim: the monitor that stays with one container for its lifetime.
//
// How it is started: the engine forks a child that makes itself a session
// leader and a child subreaper, creates the container (whose init is its
// child), writes <run-dir>/shim.conf and execs `berth-shim <run-dir>`. The
// shim therefore begins life as the init's parent, with the container's
// stdio at fixed fds: 3 the ready pipe, then without a terminal 4 stdin
// (write end, only with stdin=1), 5 stdout and 6 stderr (read ends); with a
// terminal 5 is the pty master. It outlives the berth process that made it.
//
// What it does, in one single-threaded poll() loop:
//  - reaps every child: the init, orphans the container leaves behind (it is
//    their subreaper) and its own health probes. When the init ends, it
//    drains stdout/stderr until EOF or 2 s, whichever comes first, then
//    writes exit.json atomically: exit code (128+signal for a killed init),
//    exit time, signal, oom_killed (from the cgroup's oom_kill counter) and
//    whether it is restarting the container.
//  - logs every output line in Docker's json-file format (Go's escaping,
//    16 KiB partial pieces, a final partial line at EOF, size rotation).
//  - serves <run-dir>/attach.sock (mode 0600) to any number of clients with
//    Docker's 8-byte stdcopy framing: a hello frame picks streams; clients
//    send stdin, stdin EOF and window resizes; they get the output they asked
//    for and a final exit frame (at once if they come after the exit). A
//    client more than 1 MiB behind is dropped; nobody attached never blocks
//    the container.
//  - applies the restart policy (never when <run-dir>/stop-requested exists):
//    sleeps the back-off (100 ms doubling up to 60 s, reset after 10 s of
//    uptime), then runs `berth ... start --policy-restart --restart-delay-ms
//    <next> <id>` detached and leaves the rest to the new shim.
//  - runs `berth ... container health-probe <id>` after health_start_ms and
//    then every health_interval_ms after the previous probe finished, while
//    the init runs.
// Choices the contract leaves open: a client's first frame must be a hello;
// a malformed hello or resize, non-zero header padding or a frame above
// 1 MiB drops that client (and only it); frames of unknown kinds are skipped
// so newer engines can add kinds; at most 256 clients. If stop-requested
// appears during the back-off, or the restart cannot be started, exit.json
// is written again with "restarting":false.
// SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGTTIN and SIGTTOU are ignored: the
// engine signals the container, never the shim. Setup failures are reported
// on the ready fd as "error: <message>" (exit status 1) and success as "ok"
// once the attach socket listens. When all is done the socket file goes and
// the shim exits 0.
#pragma once

namespace berth::shim {

int run_shim(int argc, char** argv);

}  // namespace berth::shim
