// The two XML documents sparkify reads from S3: a ListObjectsV2 result page and an error body;
// and the element lookups the AWS Query-protocol answers (IAM, Redshift, EC2) are read with.
//
// The parser is minimal but exact for what S3 sends: elements are found by name inside their
// parent (<Contents> for objects), text is entity-decoded (&amp; &lt; &gt; &quot; &apos; and
// numeric references), and anything else (Owner, StorageClass, Checksum...) is ignored. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;           // without the surrounding quotes
  std::string last_modified;  // ISO 8601, as S3 writes it
};

struct ListPage {
  std::vector<ObjectInfo> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

struct S3Error {
  std::string code;     // e.g. "NoSuchKey", "SlowDown"; empty when the body is not an S3 error
  std::string message;  // S3's own sentence
  std::string region;   // <Region>, sent with some redirect and region errors
};

// Decodes XML character and entity references; unknown entities are kept as written.
std::string XmlDecode(std::string_view text);

// The decoded text of the first <name>...</name> in `xml` ("" when absent; <name/> is empty).
std::string XmlElementText(std::string_view xml, std::string_view name);

// The raw (undecoded) content of the first <name>...</name> in `xml`, "" when absent: the
// sub-document to look into, e.g. <Endpoint> of a Redshift <Cluster>. Elements of the same name
// must not nest.
std::string_view XmlElementContent(std::string_view xml, std::string_view name);
// The raw content of the <name> element that is a direct child of `xml` (depth 0: not inside
// another element of it), "" when there is none: a Redshift <Cluster>'s own <NumberOfNodes>,
// not the one of its <PendingModifiedValues>.
std::string_view XmlChildContent(std::string_view xml, std::string_view name);
// XmlChildContent, decoded.
std::string XmlChildText(std::string_view xml, std::string_view name);
// The raw content of every <name> element of `xml`, in order (e.g. each <member> of a list).
std::vector<std::string_view> XmlElementContents(std::string_view xml, std::string_view name);

// Whether `xml` ends with </ListBucketResult> (trailing whitespace allowed): a page that does not
// was cut short on the way, however well-formed its first objects are.
bool ListObjectsV2Complete(std::string_view xml);
inline constexpr std::string_view kListingCutShort =
    "incomplete ListObjectsV2 response (it ends before </ListBucketResult>)";

// One page; an incomplete page (see ListObjectsV2Complete) is an error, never a shorter listing.
Result<ListPage> ParseListObjectsV2(std::string_view xml);
S3Error ParseS3Error(std::string_view xml);

}  // namespace sparkify
