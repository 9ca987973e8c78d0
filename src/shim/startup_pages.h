// The shim's program text after start-up.
//
// A shim lives as long as its container and spends that time asleep in
// poll(). Starting it touches code all over its static binary (libc's
// initialisation and ifunc resolvers, the config parser, the set-up), and
// the kernel maps every page of the page cache within 64 KiB of each page
// touched (fault-around): about 1 MiB of the binary ends up in each shim's
// page tables and RSS, though the sleeping loop uses a small part of it.
//
// Like the kernel freeing its __init sections once booted, the shim drops
// its mappings of the binary's read-only segments once its container has
// run for a second (shim_loop.cpp: a short-lived container's exit path keeps
// the pages it is about to use). MADV_DONTNEED on a private file mapping
// that was never written only unmaps the page cache's pages, which every
// other shim shares; whatever runs next faults its pages back in from the
// cache. Writable segments (data, relocated GOT/RELRO, bss) are left alone:
// dropping those would lose their contents. (A debugger's breakpoint or a
// uprobe set in that first second lives in a private copy of its page and
// is dropped with it.)
#pragma once

namespace berth::shim {

// Best effort: a failure leaves the mappings as they were.
void release_startup_pages();

}  // namespace berth::shim
