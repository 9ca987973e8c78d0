// Seccomp filters from the spec's linux.seccomp, compiled with libseccomp.
//
// Compiling (libseccomp builds the BPF program) and installing (one seccomp(2)
// call) are separate steps, so the runtime can compile in the parent before
// the container's init exists and the init only installs it right before
// execve. load_seccomp() does both for callers that do not care.
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

// A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). Plain data:
// it survives fork/clone and costs the init no libseccomp work.
struct SeccompProgram {
  std::vector<sock_filter> instructions;
  unsigned flags = 0;        // SECCOMP_FILTER_FLAG_* from the spec's flags
  bool uses_notify = false;  // some action is SCMP_ACT_NOTIFY: install returns a listener fd
};

// Validates (see validate_seccomp) and builds the BPF program for the spec's
// profile: default action, architectures, rules. Syscall names this
// libseccomp does not know are skipped, as runc does (profiles name syscalls
// of newer kernels); rules whose action equals the default action too.
Result<SeccompProgram> compile_seccomp(const oci::Seccomp& seccomp);

// Installs a compiled program into the calling process (no_new_privs is the
// caller's business, as in runc: without it, this needs CAP_SYS_ADMIN). Returns
// the notify listener fd (O_CLOEXEC) when the program uses SCMP_ACT_NOTIFY,
// else an invalid fd. After it, only the allowed syscalls work.
Result<UniqueFd> install_seccomp(const SeccompProgram& program);

// A compiled program as bytes and back, to hand it to the init over a
// socket (compile in the parent while the init sets up mounts) or to cache it
// on disk: libseccomp needs ~1 ms for a native-only Docker-sized profile and
// ~8 ms with the x86_64+x86+x32 trio, installing it takes microseconds.
std::string encode_seccomp_program(const SeccompProgram& program);
Result<SeccompProgram> decode_seccomp_program(std::string_view bytes);

// compile_seccomp + install_seccomp. Call it last before execve.
Result<UniqueFd> load_seccomp(const oci::Seccomp& seccomp);

// Checks names, actions, errno values, operators, architectures and flags
// without touching libseccomp or the kernel, so `create` can refuse a bad
// profile before any process exists. Errors name the field:
// linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO".
Status validate_seccomp(const oci::Seccomp& seccomp);

// Sends the listener fd with the container-process state JSON (the spec's
// "seccompFd" form) over a unix socket connected to listener_path: the JSON is
// the message, the fd rides along as SCM_RIGHTS in the same sendmsg.
Status send_seccomp_listener(const std::string& listener_path, int listener_fd, const std::string& state_json);

}  // namespace berth::runtime
