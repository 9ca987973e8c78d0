// One function per berth command. Each declares its flags on the
// invocation, parses, calls the ImageService and prints; it returns the exit
// status and reports its own errors.
#pragma once

#include <string>

#include "cli/command_line.h"

namespace berth::cli {

using CommandFunction = int (*)(Invocation&);

int command_images(Invocation& invocation);         // images, image ls, image list
int command_pull(Invocation& invocation);           // pull, image pull
int command_push(Invocation& invocation);           // push, image push
int command_image_inspect(Invocation& invocation);  // image inspect
int command_inspect(Invocation& invocation);        // inspect (images only for now)
int command_tag(Invocation& invocation);            // tag, image tag
int command_rmi(Invocation& invocation);            // rmi, image rm, image remove
int command_image_prune(Invocation& invocation);    // image prune
int command_history(Invocation& invocation);        // history, image history
int command_save(Invocation& invocation);           // save, image save
int command_load(Invocation& invocation);           // load, image load
int command_import(Invocation& invocation);         // import, image import
int command_login(Invocation& invocation);
// pull, push and login: podman's --cert-dir, for CommandEnv::use_cert_dir.
void add_cert_dir_flag(CLI::App& flags, std::string& cert_dir);
int command_logout(Invocation& invocation);
int command_system_df(Invocation& invocation);  // system df
int command_run(Invocation& invocation);                // run, container run
int command_create(Invocation& invocation);             // create, container create
int command_start(Invocation& invocation);              // start, container start
int command_attach(Invocation& invocation);             // attach, container attach
int command_stop(Invocation& invocation);               // stop, container stop
int command_restart(Invocation& invocation);            // restart, container restart
int command_kill(Invocation& invocation);               // kill, container kill
int command_rm(Invocation& invocation);                 // rm, container rm
int command_wait(Invocation& invocation);               // wait, container wait
int command_ps(Invocation& invocation);                 // ps, container ls
int command_logs(Invocation& invocation);               // logs, container logs
int command_exec(Invocation& invocation);               // exec, container exec
int command_pause(Invocation& invocation);              // pause, container pause
int command_unpause(Invocation& invocation);            // unpause, container unpause
int command_rename(Invocation& invocation);             // rename, container rename
int command_top(Invocation& invocation);                // top, container top
int command_port(Invocation& invocation);               // port, container port
int command_container_prune(Invocation& invocation);    // container prune
int command_diff(Invocation& invocation);               // diff, container diff
int command_events(Invocation& invocation);             // events, system events
int command_info(Invocation& invocation);               // info, system info
int command_system_prune(Invocation& invocation);       // system prune
int command_health_probe(Invocation& invocation);       // container health-probe (the shim's)
int command_update(Invocation& invocation);             // update, container update
int command_stats(Invocation& invocation);              // stats, container stats
int command_cp(Invocation& invocation);                 // cp, container cp
int command_export(Invocation& invocation);             // export, container export
int command_commit(Invocation& invocation);             // commit, container commit
int command_version(Invocation& invocation);            // version
// "Berth version 0.1.0, build abc1234\n" (berth --version)
std::string version_line();
int command_container_inspect(Invocation& invocation);  // container inspect
int command_volume_create(Invocation& invocation);   // volume create
int command_volume_ls(Invocation& invocation);       // volume ls, volume list
int command_volume_inspect(Invocation& invocation);  // volume inspect
int command_volume_rm(Invocation& invocation);       // volume rm, volume remove
int command_volume_prune(Invocation& invocation);    // volume prune

}  // namespace berth::cli
