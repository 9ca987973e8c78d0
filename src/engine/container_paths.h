// Where one container's files live (see ARCHITECTURE.md, "On disk").
#pragma once

#include <filesystem>
#include <string>

namespace berth {

struct ContainerPaths {
  ContainerPaths(const std::filesystem::path& root, const std::filesystem::path& runroot, const std::string& id)
      : dir(root / "containers" / id),
        run_dir(runroot / id),
        runtime_root(runroot / "runtime"),
        trash_root(root / "trash"),
        id_(id) {}

  std::filesystem::path dir;           // <root>/containers/<id>: kept across reboots
  std::filesystem::path run_dir;       // <runroot>/<id>: the shim's (a tmpfs: gone at reboot)
  std::filesystem::path runtime_root;  // the runtime library's state store
  std::filesystem::path trash_root;    // <root>/trash: what run --rm leaves its shim to delete

  std::filesystem::path trash() const { return trash_root / id_; }

  // The overlay's mount point (in the container's mount namespace only).
  // With the run, like the files below: an empty directory made and removed
  // per run costs a disk inode and a block (and a discard on some disks).
  std::filesystem::path rootfs() const { return run_dir / "rootfs"; }
  std::filesystem::path upper() const { return dir / "upper"; }
  std::filesystem::path work() const { return dir / "work"; }
  // Made anew at every start, so kept with the run (a tmpfs on most hosts:
  // no disk inodes made and freed per run): the OCI spec (the run dir is the
  // runtime's bundle) and the files bind-mounted on the container's /etc.
  std::filesystem::path config_json() const { return run_dir / "config.json"; }
  std::filesystem::path hostname() const { return run_dir / "hostname"; }
  std::filesystem::path hosts() const { return run_dir / "hosts"; }
  std::filesystem::path resolv_conf() const { return run_dir / "resolv.conf"; }
  std::filesystem::path log() const { return dir / (id_ + "-json.log"); }  // Docker's name
  std::filesystem::path shim_conf() const { return run_dir / "shim.conf"; }
  std::filesystem::path attach_socket() const { return run_dir / "attach.sock"; }
  std::filesystem::path exit_json() const { return run_dir / "exit.json"; }
  std::filesystem::path stop_requested() const { return run_dir / "stop-requested"; }
  std::filesystem::path health_json() const { return run_dir / "health.json"; }  // State.Health, by the probes

 private:
  std::string id_;
};

}  // namespace berth
