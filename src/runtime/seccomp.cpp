// Compiles the spec's linux.seccomp into a BPF program with libseccomp,
// installs it with seccomp(2), and hands a notify listener fd to the
// listenerPath socket. Semantics follow runc with libseccomp 2.5.
#include "runtime/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>

#include "base/fd_passing.h"

namespace berth::runtime {
namespace {

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct ActionName {
  std::string_view name;
  uint32_t value;
  bool takes_errno;  // ERRNO and TRACE carry a 16-bit value
};

// SCMP_ACT_KILL is KILL_THREAD, as in runc and libseccomp.
constexpr ActionName kActions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

struct ArchName {
  std::string_view name;
  uint32_t token;  // 0: valid in the spec, but this libseccomp cannot build it
};

constexpr ArchName kArchitectures[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#else
    {"SCMP_ARCH_LOONGARCH64", 0},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#else
    {"SCMP_ARCH_M68K", 0},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#else
    {"SCMP_ARCH_SH", 0},
    {"SCMP_ARCH_SHEB", 0},
#endif
};

struct FlagName {
  std::string_view name;
  unsigned value;
};

// We install with seccomp(2) ourselves, so every flag the kernel knows works,
// WAIT_KILLABLE_RECV included although libseccomp 2.5 has no attribute for it.
constexpr FlagName kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

struct OperatorName {
  std::string_view name;
  scmp_compare op;
};

constexpr OperatorName kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

// Syscalls the init itself makes between installing the filter and execve
// (handing over the listener fd): notifying them would deadlock the init,
// since nobody holds the listener yet. runc refuses `write` for the same reason.
constexpr std::string_view kNotifyForbidden[] = {"write", "sendmsg"};

template <class Table>
auto find_name(const Table& table, std::string_view name) -> const std::remove_reference_t<decltype(table[0])>* {
  for (const auto& entry : table)
    if (entry.name == name) return &entry;
  return nullptr;
}

// The full action value (errno folded in), so rules can be compared with the
// default action exactly as libseccomp would.
Result<uint32_t> resolve_action(std::string_view name, const std::optional<uint32_t>& errno_ret,
                                std::string_view action_field, std::string_view errno_field) {
  const ActionName* action = find_name(kActions, name);
  if (!action) return fail("{}: unknown action \"{}\"", action_field, name);
  if (!action->takes_errno) {
    // runtime-spec: an errno on an action that cannot return one is an error.
    if (errno_ret)
      return fail("{}: {} does not take an errno value (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)", errno_field, name);
    return action->value;
  }
  uint32_t value = errno_ret.value_or(EPERM);
  if (value > 0xffff) return fail("{}: {} is out of range (0..65535)", errno_field, value);
  return action->value | value;
}

// Owns a libseccomp filter context.
class FilterContext {
 public:
  explicit FilterContext(scmp_filter_ctx ctx) : ctx_(ctx) {}
  FilterContext(const FilterContext&) = delete;
  FilterContext& operator=(const FilterContext&) = delete;
  ~FilterContext() {
    if (ctx_) seccomp_release(ctx_);
  }
  scmp_filter_ctx get() const { return ctx_; }

 private:
  scmp_filter_ctx ctx_;
};

bool is_notify(std::string_view action) { return action == "SCMP_ACT_NOTIFY"; }

Result<std::vector<sock_filter>> export_program(scmp_filter_ctx ctx) {
  // libseccomp 2.5 exports only to an fd; a memfd keeps it in memory.
  UniqueFd memfd(memfd_create("berth-seccomp-bpf", MFD_CLOEXEC));
  if (!memfd) return fail_errno(errno, "linux.seccomp: memfd_create");
  if (int rc = seccomp_export_bpf(ctx, memfd.get()); rc < 0)
    return fail_errno(-rc, "linux.seccomp: seccomp_export_bpf");
  struct stat st {};
  if (fstat(memfd.get(), &st) < 0) return fail_errno(errno, "linux.seccomp: fstat exported filter");
  if (st.st_size <= 0 || st.st_size % sizeof(sock_filter) != 0)
    return fail("linux.seccomp: exported filter has odd size {}", st.st_size);
  std::vector<sock_filter> program(st.st_size / sizeof(sock_filter));
  auto* bytes = reinterpret_cast<char*>(program.data());
  size_t done = 0, total = static_cast<size_t>(st.st_size);
  while (done < total) {
    ssize_t n = pread(memfd.get(), bytes + done, total - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "linux.seccomp: read exported filter");
    if (n == 0) return fail("linux.seccomp: exported filter truncated");
    done += static_cast<size_t>(n);
  }
  return program;
}

}  // namespace

Status validate_seccomp(const oci::Seccomp& seccomp) {
  BERTH_TRY(resolve_action(seccomp.default_action, seccomp.default_errno_ret, "linux.seccomp.defaultAction",
                           "linux.seccomp.defaultErrnoRet"));
  if (is_notify(seccomp.default_action))
    return fail("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

  for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
    const std::string& name = seccomp.architectures[i];
    const ArchName* arch = find_name(kArchitectures, name);
    if (!arch) return fail("linux.seccomp.architectures[{}]: unknown architecture \"{}\"", i, name);
    if (arch->token == 0)
      return fail("linux.seccomp.architectures[{}]: {} is not supported by libseccomp {}.{}.{}", i, name,
                  SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
  }

  for (size_t i = 0; i < seccomp.flags.size(); ++i)
    if (!find_name(kFlags, seccomp.flags[i]))
      return fail("linux.seccomp.flags[{}]: unknown flag \"{}\"", i, seccomp.flags[i]);

  bool uses_notify = false;
  for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
    const oci::SeccompSyscall& rule = seccomp.syscalls[i];
    std::string where = fmt::format("linux.seccomp.syscalls[{}]", i);
    if (rule.names.empty()) return fail("{}.names: must name at least one syscall", where);
    for (size_t j = 0; j < rule.names.size(); ++j)
      if (rule.names[j].empty()) return fail("{}.names[{}]: empty syscall name", where, j);
    BERTH_TRY(resolve_action(rule.action, rule.errno_ret, where + ".action", where + ".errnoRet"));
    if (is_notify(rule.action)) {
      uses_notify = true;
      for (const std::string& name : rule.names)
        for (std::string_view forbidden : kNotifyForbidden)
          if (name == forbidden)
            return fail(
                "{}: SCMP_ACT_NOTIFY cannot be used for the {} syscall (the runtime needs it to hand over "
                "the listener)",
                where, name);
    }
    for (size_t k = 0; k < rule.args.size(); ++k) {
      const oci::SeccompArg& arg = rule.args[k];
      if (arg.index > 5)
        return fail("{}.args[{}].index: {} is not a syscall argument index (0..5)", where, k, arg.index);
      if (!find_name(kOperators, arg.op)) return fail("{}.args[{}].op: unknown operator \"{}\"", where, k, arg.op);
    }
  }
  if (uses_notify && seccomp.listener_path.empty())
    return fail("linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
  return {};
}

Result<SeccompProgram> compile_seccomp(const oci::Seccomp& seccomp) {
  BERTH_TRY(validate_seccomp(seccomp));
  // Validated above: the lookups below cannot fail.
  const uint32_t default_action = *resolve_action(seccomp.default_action, seccomp.default_errno_ret, "", "");

  FilterContext ctx(seccomp_init(default_action));
  if (!ctx.get()) return fail("linux.seccomp: seccomp_init({}) failed", seccomp.default_action);

  for (size_t i = 0; i < seccomp.architectures.size(); ++i) {
    const ArchName* arch = find_name(kArchitectures, seccomp.architectures[i]);
    int rc = seccomp_arch_add(ctx.get(), arch->token);
    if (rc < 0 && rc != -EEXIST)  // the native arch is always present
      return fail_errno(-rc, "linux.seccomp.architectures[{}]: seccomp_arch_add {}", i, arch->name);
  }

  SeccompProgram program;
  std::vector<scmp_arg_cmp> conditions;
  size_t rules_added = 0;
  for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
    const oci::SeccompSyscall& rule = seccomp.syscalls[i];
    const uint32_t action = *resolve_action(rule.action, rule.errno_ret, "", "");
    // libseccomp refuses a rule that repeats the default action; runc skips it.
    if (action == default_action) continue;
    if (action == SCMP_ACT_NOTIFY) program.uses_notify = true;

    conditions.clear();
    std::array<unsigned, 6> per_index{};
    bool repeated_index = false;
    for (const oci::SeccompArg& arg : rule.args) {
      conditions.push_back(scmp_arg_cmp{
          .arg = arg.index, .op = find_name(kOperators, arg.op)->op, .datum_a = arg.value, .datum_b = arg.value_two});
      if (++per_index[arg.index] > 1) repeated_index = true;
    }

    for (const std::string& name : rule.names) {
      int number = seccomp_syscall_resolve_name(name.c_str());
      if (number == __NR_SCMP_ERROR) continue;  // newer than this libseccomp: skip, as runc does
      auto add = [&](unsigned count, const scmp_arg_cmp* array) -> Status {
        int rc = seccomp_rule_add_array(ctx.get(), action, number, count, array);
        if (rc < 0) return fail_errno(-rc, "linux.seccomp.syscalls[{}]: add rule for {} ({})", i, name, rule.action);
        ++rules_added;
        return {};
      };
      if (repeated_index) {
        // libseccomp allows one comparison per argument in a rule; runc then
        // adds each condition as a rule of its own (so they OR together).
        for (const scmp_arg_cmp& condition : conditions) BERTH_TRY(add(1, &condition));
      } else {
        BERTH_TRY(add(static_cast<unsigned>(conditions.size()), conditions.data()));
      }
    }
  }

  // Syscalls sorted into a binary tree rather than one long list: the
  // kernel, when it installs a filter, runs it once for every syscall
  // number of each arch to fill its allow cache, so its time grows with the
  // path a lookup takes. Docker's profile: 607 µs to install as a list of
  // ~1000 instructions, 248 µs as a tree of ~1260. As runc: only from 8
  // rules (libseccomp before 2.5.4 mishandles the default action of a tree
  // without rules), and a libseccomp that cannot keeps the list.
  if (rules_added >= 8) (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  BERTH_ASSIGN(program.instructions, export_program(ctx.get()));
  for (const std::string& flag : seccomp.flags) program.flags |= find_name(kFlags, flag)->value;
  // The kernel refuses WAIT_KILLABLE_RECV without a listener (EINVAL); with no
  // notify rule the flag has nothing to act on, so it is dropped.
  if (!program.uses_notify) program.flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  if (program.uses_notify) {
    program.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // With TSYNC, the kernel reports a failed sync as a thread id, which would
    // collide with the listener fd; TSYNC_ESRCH makes it -ESRCH instead.
    if (program.flags & SECCOMP_FILTER_FLAG_TSYNC) program.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  return program;
}

Result<UniqueFd> install_seccomp(const SeccompProgram& program) {
  if (program.instructions.empty()) return fail("seccomp: empty filter program");
  if (program.instructions.size() > BPF_MAXINSNS)
    return fail("seccomp: filter has {} instructions, more than the kernel's limit of {}", program.instructions.size(),
                BPF_MAXINSNS);
  sock_fprog prog{.len = static_cast<unsigned short>(program.instructions.size()),
                  .filter = const_cast<sock_filter*>(program.instructions.data())};
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog);
  if (rc < 0) {
    int err = errno;
    if (err == EINVAL && program.flags != 0)
      return fail_errno(err, "seccomp(SECCOMP_SET_MODE_FILTER, flags {:#x}) (does this kernel support the flags?)",
                        program.flags);
    return fail_errno(err, "seccomp(SECCOMP_SET_MODE_FILTER, flags {:#x})", program.flags);
  }
  if (program.uses_notify) return UniqueFd(static_cast<int>(rc));
  if (rc > 0) return fail("seccomp: TSYNC could not synchronize thread {}", rc);
  return UniqueFd();
}

namespace {
// Encoded form: magic, flags, notify byte, instruction count, instructions
// (host byte order: the bytes never leave the machine).
constexpr char kProgramMagic[4] = {'B', 'S', 'C', '1'};
constexpr size_t kProgramHeader = sizeof(kProgramMagic) + sizeof(uint32_t) + 1 + sizeof(uint32_t);
}  // namespace

std::string encode_seccomp_program(const SeccompProgram& program) {
  std::string bytes(kProgramHeader + program.instructions.size() * sizeof(sock_filter), '\0');
  char* out = bytes.data();
  uint32_t flags = program.flags, count = static_cast<uint32_t>(program.instructions.size());
  std::memcpy(out, kProgramMagic, sizeof(kProgramMagic));
  out += sizeof(kProgramMagic);
  std::memcpy(out, &flags, sizeof(flags));
  out += sizeof(flags);
  *out++ = program.uses_notify ? 1 : 0;
  std::memcpy(out, &count, sizeof(count));
  out += sizeof(count);
  if (count) std::memcpy(out, program.instructions.data(), count * sizeof(sock_filter));
  return bytes;
}

Result<SeccompProgram> decode_seccomp_program(std::string_view bytes) {
  if (bytes.size() < kProgramHeader || std::memcmp(bytes.data(), kProgramMagic, sizeof(kProgramMagic)) != 0)
    return fail("seccomp program: not an encoded filter ({} bytes)", bytes.size());
  const char* in = bytes.data() + sizeof(kProgramMagic);
  SeccompProgram program;
  uint32_t flags, count;
  std::memcpy(&flags, in, sizeof(flags));
  in += sizeof(flags);
  program.flags = flags;
  program.uses_notify = *in++ != 0;
  std::memcpy(&count, in, sizeof(count));
  in += sizeof(count);
  if (bytes.size() != kProgramHeader + size_t{count} * sizeof(sock_filter))
    return fail("seccomp program: {} instructions announced, {} bytes given", count, bytes.size());
  program.instructions.resize(count);
  if (count) std::memcpy(program.instructions.data(), in, count * sizeof(sock_filter));
  return program;
}

Result<UniqueFd> load_seccomp(const oci::Seccomp& seccomp) {
  BERTH_ASSIGN(SeccompProgram program, compile_seccomp(seccomp));
  return install_seccomp(program);
}

Status send_seccomp_listener(const std::string& listener_path, int listener_fd, const std::string& state_json) {
  // On a stream socket, ancillary data needs at least one byte of payload.
  if (state_json.empty()) return fail("seccomp listener {}: empty state", listener_path);
  auto connected = connect_unix(listener_path);
  if (!connected) return with_context(std::move(connected), "seccomp listener");
  auto sent = send_with_fd(connected->get(), state_json, listener_fd);
  if (!sent) return with_context(std::move(sent), "seccomp listener " + listener_path);
  return {};
}

}  // namespace berth::runtime
