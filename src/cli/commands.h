// One function per berth command. Each declares its flags on the
// invocation, parses, calls the ImageService and prints; it returns the exit
// status and reports its own errors.
#pragma once

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
int command_logout(Invocation& invocation);
int command_system_df(Invocation& invocation);  // system df

}  // namespace berth::cli
