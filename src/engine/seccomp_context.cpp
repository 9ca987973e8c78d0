#include "engine/seccomp_context.h"

#include <sys/utsname.h>

#include <cerrno>

namespace berth {

std::string go_arch_from_machine(std::string_view machine) {
  struct MachineArch {
    std::string_view machine, go_arch;
  };
  static constexpr MachineArch kMachines[] = {
      {"x86_64", "amd64"},    {"amd64", "amd64"}, {"i386", "386"},
      {"i486", "386"},        {"i586", "386"},    {"i686", "386"},
      {"aarch64", "arm64"},   {"arm64", "arm64"}, {"armv5l", "arm"},
      {"armv6l", "arm"},      {"armv7l", "arm"},  {"armv8l", "arm"},
      {"ppc64le", "ppc64le"}, {"ppc64", "ppc64"}, {"ppc", "ppc"},
      {"s390x", "s390x"},     {"s390", "s390"},   {"riscv64", "riscv64"},
      {"mips64", "mips64"},   {"mips", "mips"},   {"loongarch64", "loong64"},
  };
  for (const MachineArch& entry : kMachines)
    if (entry.machine == machine) return std::string(entry.go_arch);
  return {};
}

Result<SeccompContext> host_seccomp_context(std::vector<std::string> capabilities) {
  struct utsname host {};
  if (uname(&host) < 0) return fail_errno(errno, "uname");
  std::string arch = go_arch_from_machine(host.machine);
  if (arch.empty()) return fail("seccomp: unknown machine architecture \"{}\"", host.machine);
  return SeccompContext{
      .capabilities = std::move(capabilities), .native_arch = std::move(arch), .kernel_version = host.release};
}

}  // namespace berth
