// The cgroup v2 device controller: an eBPF program built from raw bpf_insn
// and attached with BPF_CGROUP_DEVICE through the bpf() syscall.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/unique_fd.h"
#include "runtime/cgroup_devices.h"

namespace berth::runtime {

namespace {

bpf_insn make_insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn insn{};
  insn.code = code;
  insn.dst_reg = dst & 0xf;
  insn.src_reg = src & 0xf;
  insn.off = off;
  insn.imm = imm;
  return insn;
}

// Registers after the prologue: R2 device type, R3 access, R4 major, R5 minor.
constexpr uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

bpf_insn load_ctx_word(uint8_t dst, int16_t offset) { return make_insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, offset, 0); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return make_insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return make_insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return make_insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
// 32-bit compares, so majors and minors above 2^31 are not sign-extended.
bpf_insn jne32_imm(uint8_t dst, int32_t imm, int16_t off) {
  return make_insn(BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, off, imm);
}
bpf_insn jne32_reg(uint8_t dst, uint8_t src, int16_t off) {
  return make_insn(BPF_JMP32 | BPF_JNE | BPF_X, dst, src, off, 0);
}
bpf_insn exit_insn() { return make_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

constexpr uint32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

Result<uint32_t> access_bits(const std::string& access) {
  if (access.empty()) return kAllAccess;
  uint32_t bits = 0;
  for (char c : access) {
    switch (c) {
      case 'r':
        bits |= BPF_DEVCG_ACC_READ;
        break;
      case 'w':
        bits |= BPF_DEVCG_ACC_WRITE;
        break;
      case 'm':
        bits |= BPF_DEVCG_ACC_MKNOD;
        break;
      default:
        return fail("device rule access \"{}\": unknown access '{}'", access, c);
    }
  }
  return bits;
}

// 0 means any type.
Result<uint32_t> type_bits(const std::string& type) {
  if (type.empty() || type == "a") return 0u;
  if (type == "c") return static_cast<uint32_t>(BPF_DEVCG_DEV_CHAR);
  if (type == "b") return static_cast<uint32_t>(BPF_DEVCG_DEV_BLOCK);
  return fail("device rule type \"{}\": must be a, c or b", type);
}

long bpf(int command, bpf_attr& attr) { return ::syscall(SYS_bpf, command, &attr, sizeof attr); }

}  // namespace

Result<std::vector<bpf_insn>> build_device_filter(const std::vector<oci::DeviceRule>& rules) {
  // Emulate v1: a rule for every device (type a, no major/minor, all access)
  // replaces the default and forgets the rules before it.
  bool default_allow = true;  // a cgroup with no rules allows everything
  std::vector<const oci::DeviceRule*> kept;
  for (const auto& rule : rules) {
    BERTH_ASSIGN(uint32_t type, type_bits(rule.type));
    BERTH_ASSIGN(uint32_t access, access_bits(rule.access));
    if (type == 0 && !rule.major && !rule.minor && access == kAllAccess) {
      default_allow = rule.allow;
      kept.clear();
      continue;
    }
    kept.push_back(&rule);
  }

  std::vector<bpf_insn> program = {
      load_ctx_word(R2, 0),  // access_type: (access << 16) | type
      alu32_imm(BPF_AND, R2, 0xffff), load_ctx_word(R3, 0), alu32_imm(BPF_RSH, R3, 16), load_ctx_word(R4, 4),  // major
      load_ctx_word(R5, 8),                                                                                    // minor
  };
  // Last rule wins, so test them newest first.
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    const oci::DeviceRule& rule = **it;
    uint32_t type = *type_bits(rule.type);
    uint32_t access = *access_bits(rule.access);
    std::vector<bpf_insn> block;
    // Jump offsets are patched below, once the block's length is known.
    if (type != 0) block.push_back(jne32_imm(R2, static_cast<int32_t>(type), 0));
    if (access != kAllAccess) {
      // Matches only when every requested access bit is in the rule.
      block.push_back(mov32_reg(R1, R3));
      block.push_back(alu32_imm(BPF_AND, R1, static_cast<int32_t>(access)));
      block.push_back(jne32_reg(R1, R3, 0));
    }
    if (rule.major && *rule.major >= 0) block.push_back(jne32_imm(R4, static_cast<int32_t>(*rule.major), 0));
    if (rule.minor && *rule.minor >= 0) block.push_back(jne32_imm(R5, static_cast<int32_t>(*rule.minor), 0));
    block.push_back(mov64_imm(R0, rule.allow ? 1 : 0));
    block.push_back(exit_insn());
    for (size_t i = 0; i < block.size(); ++i) {
      if ((block[i].code & 0x07) == BPF_JMP32) block[i].off = static_cast<int16_t>(block.size() - i - 1);
    }
    program.insert(program.end(), block.begin(), block.end());
  }
  program.push_back(mov64_imm(R0, default_allow ? 1 : 0));
  program.push_back(exit_insn());
  return program;
}

Status apply_device_filter(const std::string& cgroup_dir, const std::vector<oci::DeviceRule>& rules, bool fresh) {
  BERTH_ASSIGN(auto program, build_device_filter(rules));

  static const char kLicense[] = "Apache";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(program.data());
  load.insn_cnt = static_cast<uint32_t>(program.size());
  load.license = reinterpret_cast<uint64_t>(kLicense);
  UniqueFd program_fd(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
  if (!program_fd) {
    int err = errno;
    // Load again with the verifier's log, only now that we need it.
    std::string log(16384, '\0');
    load.log_buf = reinterpret_cast<uint64_t>(log.data());
    load.log_size = static_cast<uint32_t>(log.size());
    load.log_level = 1;
    UniqueFd retry(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
    log.resize(std::strlen(log.c_str()));
    return fail_errno(err, "load the device filter for {} ({} instructions){}{}", cgroup_dir, program.size(),
                      log.empty() ? "" : "; verifier: ", log);
  }

  UniqueFd dir_fd(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return fail_errno(errno, "open {}", cgroup_dir);

  std::vector<uint32_t> old_ids;
  if (!fresh) {
    old_ids.resize(64);
    bpf_attr query{};
    query.query.target_fd = static_cast<uint32_t>(dir_fd.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = reinterpret_cast<uint64_t>(old_ids.data());
    query.query.prog_cnt = static_cast<uint32_t>(old_ids.size());
    if (bpf(BPF_PROG_QUERY, query) != 0) return fail_errno(errno, "query device filters of {}", cgroup_dir);
    old_ids.resize(query.query.prog_cnt);
  }

  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(dir_fd.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(program_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attach) != 0) {
    int err = errno;
    // A program attached without BPF_F_ALLOW_MULTI (by another manager) can
    // only be replaced by a single program attached the same way.
    if (err == EPERM && old_ids.size() == 1) {
      attach.attach_flags = 0;
      if (bpf(BPF_PROG_ATTACH, attach) == 0) return {};
    }
    return fail_errno(err, "attach the device filter to {}", cgroup_dir);
  }

  for (uint32_t id : old_ids) {
    bpf_attr by_id{};
    by_id.prog_id = id;
    UniqueFd old_fd(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, by_id)));
    if (!old_fd) {
      if (errno == ENOENT) continue;
      return fail_errno(errno, "open device filter program {} of {}", id, cgroup_dir);
    }
    bpf_attr detach{};
    detach.target_fd = static_cast<uint32_t>(dir_fd.get());
    detach.attach_bpf_fd = static_cast<uint32_t>(old_fd.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT)
      return fail_errno(errno, "detach the old device filter {} from {}", id, cgroup_dir);
  }
  return {};
}

}  // namespace berth::runtime
