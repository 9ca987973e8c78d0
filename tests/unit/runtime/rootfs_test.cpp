// prepare_rootfs / enter_rootfs against the real kernel. Every test forks a
// child that unshares its mount namespace (and makes "/" rprivate, so no
// mount can reach the host), builds a tiny rootfs on a fresh tmpfs, and
// checks from inside. The child reports the first failed check over a pipe.
#include "runtime/rootfs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <pty.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace berth::runtime {
namespace {

namespace fs = std::filesystem;

constexpr long kMqueueMagic = 0x19800202;  // not in linux/magic.h

// Thrown inside the child only; turned into a message on the pipe.
struct CheckFailed {
  std::string message;
};

#define CHECK(condition)                                                                                 \
  do {                                                                                                   \
    if (!(condition))                                                                                    \
      throw CheckFailed{std::string("line ") + std::to_string(__LINE__) + ": " #condition + " (errno " + \
                        std::strerror(errno) + ")"};                                                     \
  } while (0)

#define CHECK_OK(expr)                                                                        \
  do {                                                                                        \
    auto check_result_ = (expr);                                                              \
    if (!check_result_)                                                                       \
      throw CheckFailed{std::string("line ") + std::to_string(__LINE__) + ": " #expr + ": " + \
                        check_result_.error().message};                                       \
  } while (0)

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// The mountinfo line whose mount point is `path`, or "".
std::string mountinfo_line(const std::string& path) {
  std::istringstream lines(slurp("/proc/self/mountinfo"));
  std::string line, found;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point == path) found = line;  // the last one is on top
  }
  return found;
}

int write_errno(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::close(fd);
    return 0;
  }
  return errno;
}

class RootfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    char pattern[] = "/tmp/berth-rootfs-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    base_ = pattern;
  }
  void TearDown() override {
    if (!base_.empty()) fs::remove_all(base_);  // mounts lived in the child's namespace only
  }

  // Runs body in a forked child with a private mount (and UTS, IPC)
  // namespace; `rootfs` is a fresh tmpfs-backed directory with a few entries.
  void run_in_child(const std::function<void(const std::string& rootfs)>& body) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(pipe_fds[0]);
      std::string message;
      try {
        CHECK(::unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC) == 0);
        CHECK(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
        CHECK(::mount("tmpfs", base_.c_str(), "tmpfs", 0, "mode=755") == 0);
        std::string rootfs = base_ + "/rootfs";
        for (const char* dir : {"", "/proc", "/dev", "/sys", "/tmp", "/etc", "/secret", "/rodir"})
          CHECK(::mkdir((rootfs + dir).c_str(), 0755) == 0);
        write_text(rootfs + "/marker", "inside");
        write_text(rootfs + "/secret/key", "s3cret");
        body(rootfs);
      } catch (const CheckFailed& failed) {
        message = failed.message;
      } catch (const std::exception& error) {
        message = std::string("exception: ") + error.what();
      }
      if (!message.empty()) (void)!::write(pipe_fds[1], message.data(), message.size());
      ::_exit(message.empty() ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    std::string message;
    char buffer[512];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << message << " (status " << status << ")";
  }

  std::string base_;
};

oci::Mount mount_of(std::string destination, std::string type, std::string source,
                    std::vector<std::string> options = {}) {
  oci::Mount mount;
  mount.destination = std::move(destination);
  mount.type = std::move(type);
  mount.source = std::move(source);
  mount.options = std::move(options);
  return mount;
}

oci::Spec default_spec() {
  oci::Spec spec;
  spec.mounts = {
      mount_of("/proc", "proc", "proc"),
      mount_of("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount_of("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      mount_of("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount_of("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount_of("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
  };
  return spec;
}

TEST_F(RootfsTest, FullSetupAndPivot) {
  std::string host_data = base_ + "/hostdata";
  run_in_child([&](const std::string& rootfs) {
    CHECK(::mkdir(host_data.c_str(), 0755) == 0);
    write_text(host_data + "/file", "from host");
    write_text(base_ + "/hostfile", "single file");

    oci::Spec spec = default_spec();
    spec.root.readonly = true;
    spec.mounts.push_back(mount_of("/data", "bind", host_data, {"rbind", "ro", "nosuid"}));
    spec.mounts.push_back(mount_of("/etc/single", "bind", base_ + "/hostfile", {"bind"}));
    spec.mounts.push_back(mount_of("/scratch", "tmpfs", "tmpfs", {"noexec", "nodev", "size=1m", "mode=700"}));
    oci::Device custom;
    custom.type = "c";
    custom.path = "/dev/custom";
    custom.major = 1;
    custom.minor = 5;
    custom.file_mode = 0640;
    custom.uid = 1000;
    custom.gid = 1001;
    oci::Device fifo;
    fifo.type = "p";
    fifo.path = "/dev/sub/fifo";
    spec.linux.devices = {custom, fifo};
    spec.linux.sysctl = {{"kernel.hostname", "berth-sysctl"}, {"kernel.msgmax", "12345"}};
    spec.linux.readonly_paths = {"/proc/sys", "/rodir", "/does/not/exist"};
    spec.linux.masked_paths = {"/proc/kcore", "/secret", "/also/missing"};

    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    // The current directory is now the container root.
    CHECK(slurp("marker") == "inside");
    CHECK_OK(enter_rootfs(spec, options, false));

    CHECK(slurp("/marker") == "inside");
    CHECK(::access(rootfs.c_str(), F_OK) != 0);  // the host's tree is gone
    struct statfs st {};
    CHECK(::statfs("/proc", &st) == 0 && st.f_type == PROC_SUPER_MAGIC);
    CHECK(::statfs("/dev", &st) == 0 && st.f_type == TMPFS_MAGIC);
    CHECK(::statfs("/sys", &st) == 0 && st.f_type == SYSFS_MAGIC && (st.f_flags & ST_RDONLY));
    CHECK(::statfs("/dev/pts", &st) == 0 && st.f_type == DEVPTS_SUPER_MAGIC);
    CHECK(::statfs("/dev/mqueue", &st) == 0 && st.f_type == kMqueueMagic);

    // tmpfs options reach the kernel.
    std::string scratch = mountinfo_line("/scratch");
    CHECK(scratch.find("noexec") != std::string::npos);
    CHECK(scratch.find("nodev") != std::string::npos);
    CHECK(scratch.find("size=1024k") != std::string::npos);
    CHECK(scratch.find("mode=700") != std::string::npos);
    CHECK(write_errno("/scratch/ok") == 0);

    // Bind mounts: a read-only directory and a file.
    CHECK(slurp("/data/file") == "from host");
    CHECK(write_errno("/data/new") == EROFS);
    CHECK(mountinfo_line("/data").find("ro,nosuid") != std::string::npos);
    CHECK(slurp("/etc/single") == "single file");

    // Root is read-only, the tmpfs on /dev is not.
    CHECK(write_errno("/newfile") == EROFS);
    CHECK(write_errno("/dev/shm/ok") == 0);

    // Devices.
    struct stat node {};
    CHECK(::stat("/dev/null", &node) == 0 && S_ISCHR(node.st_mode) && major(node.st_rdev) == 1 &&
          minor(node.st_rdev) == 3 && (node.st_mode & 07777) == 0666);
    CHECK(::stat("/dev/tty", &node) == 0 && major(node.st_rdev) == 5 && minor(node.st_rdev) == 0);
    CHECK(::stat("/dev/urandom", &node) == 0 && minor(node.st_rdev) == 9);
    CHECK(::stat("/dev/custom", &node) == 0 && S_ISCHR(node.st_mode) && minor(node.st_rdev) == 5 &&
          (node.st_mode & 07777) == 0640 && node.st_uid == 1000 && node.st_gid == 1001);
    CHECK(::stat("/dev/sub/fifo", &node) == 0 && S_ISFIFO(node.st_mode));
    int zero = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
    char byte = 1;
    CHECK(zero >= 0 && ::read(zero, &byte, 1) == 1 && byte == 0);
    ::close(zero);

    // Symlinks.
    char link[64] = {};
    CHECK(::readlink("/dev/fd", link, sizeof link - 1) > 0 && std::string(link) == "/proc/self/fd");
    std::fill(std::begin(link), std::end(link), 0);
    CHECK(::readlink("/dev/stderr", link, sizeof link - 1) > 0 && std::string(link) == "/proc/self/fd/2");
    std::fill(std::begin(link), std::end(link), 0);
    CHECK(::readlink("/dev/ptmx", link, sizeof link - 1) > 0 && std::string(link) == "pts/ptmx");

    // sysctl (UTS and IPC are this child's own namespaces), then /proc/sys read-only.
    CHECK(slurp("/proc/sys/kernel/hostname") == "berth-sysctl\n");
    CHECK(slurp("/proc/sys/kernel/msgmax") == "12345\n");
    CHECK(::open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC) < 0 && errno == EROFS);
    CHECK(write_errno("/rodir/x") == EROFS);

    // Masked: a file reads empty, a directory is an empty read-only tmpfs.
    CHECK(slurp("/proc/kcore").empty());
    CHECK(::access("/secret/key", F_OK) != 0);
    CHECK(write_errno("/secret/key") == EROFS);
  });
}

TEST_F(RootfsTest, SymlinkTargetsStayInsideTheRoot) {
  std::string unique = fs::path(base_).filename().string();
  run_in_child([&](const std::string& rootfs) {
    CHECK(::symlink("/", (rootfs + "/evil").c_str()) == 0);
    CHECK(::symlink("../../../../../..", (rootfs + "/up").c_str()) == 0);
    CHECK(::symlink(("/etc/passwd-" + unique).c_str(), (rootfs + "/fileevil").c_str()) == 0);
    CHECK(::symlink(("/dangling-" + unique).c_str(), (rootfs + "/dangling").c_str()) == 0);
    CHECK(::symlink(("../../../../z-" + unique).c_str(), (rootfs + "/relative").c_str()) == 0);
    write_text(base_ + "/hostfile", "x");
    oci::Spec spec;
    spec.mounts = {
        mount_of("/dangling/sub", "tmpfs", "tmpfs"),
        mount_of("/relative", "tmpfs", "tmpfs"),
        mount_of("/evil/x-" + unique, "tmpfs", "tmpfs"),
        mount_of("/up/y-" + unique, "tmpfs", "tmpfs"),
        mount_of("/fileevil", "bind", base_ + "/hostfile", {"bind"}),
    };
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    // Nothing appeared on the host's root; everything landed in the rootfs.
    CHECK(::access(("/x-" + unique).c_str(), F_OK) != 0);
    CHECK(::access(("/y-" + unique).c_str(), F_OK) != 0);
    CHECK(::access(("/etc/passwd-" + unique).c_str(), F_OK) != 0);
    CHECK(::access(("/dangling-" + unique).c_str(), F_OK) != 0);
    CHECK(::access(("/z-" + unique).c_str(), F_OK) != 0);
    CHECK(mountinfo_line(rootfs + "/dangling-" + unique + "/sub") != "");
    CHECK(mountinfo_line(rootfs + "/z-" + unique) != "");
    struct statfs st {};
    CHECK(::statfs((rootfs + "/x-" + unique).c_str(), &st) == 0 && st.f_type == TMPFS_MAGIC);
    CHECK(mountinfo_line(rootfs + "/x-" + unique) != "");
    CHECK(mountinfo_line(rootfs + "/y-" + unique) != "");
    CHECK(slurp(rootfs + "/etc/passwd-" + unique) == "x");
  });
}

TEST_F(RootfsTest, DevSymlinkIsRefused) {
  run_in_child([&](const std::string& rootfs) {
    CHECK(::rmdir((rootfs + "/dev").c_str()) == 0);
    CHECK(::symlink("/tmp", (rootfs + "/dev").c_str()) == 0);
    oci::Spec spec;
    RootfsOptions options;
    options.rootfs = rootfs;
    auto result = prepare_rootfs(spec, options);
    CHECK(!result);
    CHECK(result.error().message.find("/dev is a symlink") != std::string::npos);
    CHECK(::access((rootfs + "/tmp/null").c_str(), F_OK) != 0);
  });
}

TEST_F(RootfsTest, MountsInsideProcAreRefused) {
  run_in_child([&](const std::string& rootfs) {
    RootfsOptions options;
    options.rootfs = rootfs;
    oci::Spec spec;
    spec.mounts = {mount_of("/proc", "proc", "proc"), mount_of("/proc/sys", "tmpfs", "tmpfs")};
    auto result = prepare_rootfs(spec, options);
    CHECK(!result);
    CHECK(result.error().message.find("refusing to mount inside /proc") != std::string::npos);

    // A symlink elsewhere that leads into the procfs is caught by the target check.
    CHECK(::symlink("/proc/sys", (rootfs + "/sneaky").c_str()) == 0);
    spec.mounts = {mount_of("/proc", "proc", "proc"), mount_of("/sneaky", "tmpfs", "tmpfs")};
    result = prepare_rootfs(spec, options);
    CHECK(!result);
    CHECK(result.error().message.find("resolves into a procfs") != std::string::npos);

    // Only a procfs may go on /proc.
    spec.mounts = {mount_of("/proc", "tmpfs", "tmpfs")};
    result = prepare_rootfs(spec, options);
    CHECK(!result);

    // lxcfs-style files are allowed.
    write_text(base_ + "/uptime", "1.00 2.00\n");
    spec.mounts = {mount_of("/proc", "proc", "proc"), mount_of("/proc/uptime", "bind", base_ + "/uptime", {"bind"})};
    CHECK_OK(prepare_rootfs(spec, options));
    CHECK(slurp(rootfs + "/proc/uptime") == "1.00 2.00\n");
  });
}

TEST_F(RootfsTest, RecursiveBindAttributes) {
  run_in_child([&](const std::string& rootfs) {
    std::string host = base_ + "/tree";
    CHECK(::mkdir(host.c_str(), 0755) == 0);
    CHECK(::mkdir((host + "/sub").c_str(), 0755) == 0);
    CHECK(::mount("tmpfs", (host + "/sub").c_str(), "tmpfs", 0, nullptr) == 0);
    oci::Spec spec;
    spec.mounts = {
        mount_of("/top-ro", "bind", host, {"rbind", "ro"}),    // only the top mount
        mount_of("/all-ro", "bind", host, {"rbind", "rro"}),   // the whole tree
        mount_of("/flat", "bind", host, {"bind", "rshared"}),  // no submount, shared
        mount_of("/noexec", "none", host, {"rbind", "rnoexec", "rnosuid"}),
    };
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    CHECK(write_errno(rootfs + "/top-ro/x") == EROFS);
    CHECK(write_errno(rootfs + "/top-ro/sub/x") == 0);
    CHECK(write_errno(rootfs + "/all-ro/x") == EROFS);
    CHECK(write_errno(rootfs + "/all-ro/sub/y") == EROFS);
    CHECK(mountinfo_line(rootfs + "/flat/sub").empty());
    CHECK(mountinfo_line(rootfs + "/flat").find("shared:") != std::string::npos);
    CHECK(mountinfo_line(rootfs + "/noexec/sub").find("nosuid,noexec") != std::string::npos);
  });
}

TEST_F(RootfsTest, TmpcopyupKeepsContent) {
  run_in_child([&](const std::string& rootfs) {
    CHECK(::mkdir((rootfs + "/etc/nested").c_str(), 0711) == 0);
    write_text(rootfs + "/etc/hello", "hello");
    write_text(rootfs + "/etc/nested/deep", "deep");
    CHECK(::symlink("hello", (rootfs + "/etc/link").c_str()) == 0);
    oci::Spec spec;
    spec.mounts = {mount_of("/etc", "tmpfs", "tmpfs", {"tmpcopyup", "ro"})};
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    struct statfs st {};
    CHECK(::statfs((rootfs + "/etc").c_str(), &st) == 0 && st.f_type == TMPFS_MAGIC && (st.f_flags & ST_RDONLY));
    CHECK(slurp(rootfs + "/etc/hello") == "hello");
    CHECK(slurp(rootfs + "/etc/nested/deep") == "deep");
    CHECK(slurp(rootfs + "/etc/link") == "hello");
    struct stat nested {};
    CHECK(::stat((rootfs + "/etc/nested").c_str(), &nested) == 0 && (nested.st_mode & 07777) == 0711);
  });
}

TEST_F(RootfsTest, CgroupMountIsReadOnly) {
  run_in_child([&](const std::string& rootfs) {
    oci::Spec spec;
    spec.mounts = {mount_of("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
                   mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"})};
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    std::string cgroup = rootfs + "/sys/fs/cgroup";
    struct statfs st {};
    CHECK(::statfs(cgroup.c_str(), &st) == 0 && (st.f_flags & ST_RDONLY));
    struct statfs host {};
    CHECK(::statfs("/sys/fs/cgroup", &host) == 0);
    if (host.f_type == CGROUP2_SUPER_MAGIC) {
      CHECK(st.f_type == CGROUP2_SUPER_MAGIC);
      CHECK(::access((cgroup + "/cgroup.procs").c_str(), R_OK) == 0);
    } else {
      CHECK(st.f_type == TMPFS_MAGIC);
      // Every v1 hierarchy of the host appears, read-only, holding our own cgroup.
      int hierarchies = 0;
      for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup")) {
        struct statfs sub {};
        if (::statfs(entry.path().c_str(), &sub) != 0 || sub.f_type == TMPFS_MAGIC) continue;
        std::string inside = cgroup + "/" + entry.path().filename().string();
        CHECK(::access((inside + "/cgroup.procs").c_str(), R_OK) == 0);
        CHECK(::mkdir((inside + "/child").c_str(), 0755) != 0 && errno == EROFS);
        CHECK(slurp(inside + "/cgroup.procs").find(std::to_string(::getpid())) != std::string::npos);
        ++hierarchies;
      }
      CHECK(hierarchies > 0);
    }
  });
}

TEST_F(RootfsTest, DevicesInUserNamespaceModeAreBindMounts) {
  run_in_child([&](const std::string& rootfs) {
    oci::Spec spec;
    spec.mounts = {mount_of("/dev", "tmpfs", "tmpfs", {"mode=755"})};
    RootfsOptions options;
    options.rootfs = rootfs;
    options.in_user_namespace = true;
    CHECK_OK(prepare_rootfs(spec, options));
    struct stat node {};
    CHECK(::stat((rootfs + "/dev/null").c_str(), &node) == 0 && S_ISCHR(node.st_mode) && minor(node.st_rdev) == 3);
    CHECK(mountinfo_line(rootfs + "/dev/null") != "");
    CHECK(mountinfo_line(rootfs + "/dev/tty") != "");
  });
}

TEST_F(RootfsTest, ConsoleAndNoPivotAndSharedPropagation) {
  run_in_child([&](const std::string& rootfs) {
    oci::Spec spec = default_spec();
    spec.linux.rootfs_propagation = "rshared";
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    int master = -1, slave = -1;
    CHECK(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
    CHECK_OK(bind_console("/proc/self/fd/" + std::to_string(slave)));
    CHECK_OK(enter_rootfs(spec, options, true));
    CHECK(slurp("/marker") == "inside");
    struct stat console {
    }, pty{};
    CHECK(::stat("/dev/console", &console) == 0 && ::fstat(slave, &pty) == 0 && console.st_rdev == pty.st_rdev);
    CHECK(mountinfo_line("/").find("shared:") != std::string::npos);
  });
}

TEST_F(RootfsTest, PivotWithSharedPropagation) {
  run_in_child([&](const std::string& rootfs) {
    oci::Spec spec;
    spec.mounts = {mount_of("/proc", "proc", "proc")};
    spec.linux.rootfs_propagation = "shared";
    RootfsOptions options;
    options.rootfs = rootfs;
    CHECK_OK(prepare_rootfs(spec, options));
    CHECK_OK(enter_rootfs(spec, options, false));
    CHECK(slurp("/marker") == "inside");
    CHECK(mountinfo_line("/").find("shared:") != std::string::npos);
  });
}

TEST_F(RootfsTest, ErrorsNameTheMount) {
  run_in_child([&](const std::string& rootfs) {
    oci::Spec spec;
    spec.mounts = {mount_of("/x", "nosuchfs", "none")};
    RootfsOptions options;
    options.rootfs = rootfs;
    auto result = prepare_rootfs(spec, options);
    CHECK(!result);
    CHECK(result.error().message == "mount nosuchfs on /x: No such device");
    spec.mounts = {mount_of("/y", "bind", base_ + "/missing", {"bind"})};
    result = prepare_rootfs(spec, options);
    CHECK(!result);
    CHECK(result.error().message.find("missing") != std::string::npos);
    CHECK(result.error().message.find("No such file or directory") != std::string::npos);
    spec.mounts = {};
    spec.linux.sysctl = {{"kernel.no_such_knob", "1"}};
    spec.linux.rootfs_propagation = "";
    oci::Spec with_proc;
    with_proc.mounts = {mount_of("/proc", "proc", "proc")};
    with_proc.linux.sysctl = {{"kernel.no_such_knob", "1"}};
    CHECK_OK(prepare_rootfs(with_proc, options));
    result = enter_rootfs(with_proc, options, false);
    CHECK(!result);
    CHECK(result.error().message.find("kernel.no_such_knob") != std::string::npos);
  });
}

}  // namespace
}  // namespace berth::runtime
