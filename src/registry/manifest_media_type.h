// Which kind of manifest a registry sent, from its Content-Type and its
// body's "mediaType", and whether it is one we asked for.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

// The Accept header value of a manifest GET: OCI index and manifest, Docker
// manifest list and v2 schema 2.
std::string_view manifest_accept_header();

// Errors: a body that is not JSON, a schema 1 manifest, a Content-Type that
// contradicts the body's mediaType, or a media type outside the Accept list.
// A generic Content-Type (application/json, text/plain, none) defers to the
// body: its mediaType, else its shape (OCI allows omitting mediaType).
Result<std::string> manifest_media_type(std::string_view content_type, std::string_view body);

}  // namespace berth
