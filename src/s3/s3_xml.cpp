#include "s3/s3_xml.h"

#include <charconv>

namespace sparkify {
namespace {

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Finds the element `name` in `xml` from `from`: returns the span of its content and sets `end`
// past its closing tag; npos when absent.
size_t FindElement(std::string_view xml, std::string_view name, size_t from, size_t& content_len,
                   size_t& end) {
  std::string open(1, '<');
  open += name;
  std::string close("</");
  close += name;
  close += '>';
  size_t pos = from;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    const size_t after = pos + open.size();
    if (after >= xml.size()) return std::string_view::npos;
    const char c = xml[after];
    if (c == '/' && after + 1 < xml.size() && xml[after + 1] == '>') {  // <Name/>
      content_len = 0;
      end = after + 2;
      return after + 2;
    }
    if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {  // <Name> or <Name attr>
      const size_t gt = xml.find('>', after);
      if (gt == std::string_view::npos) return std::string_view::npos;
      const size_t stop = xml.find(close, gt + 1);
      if (stop == std::string_view::npos) return std::string_view::npos;
      content_len = stop - (gt + 1);
      end = stop + close.size();
      return gt + 1;
    }
    pos = after;  // a longer name with the same start, e.g. <KeyCount> for <Key>
  }
  return std::string_view::npos;
}

}  // namespace

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    bool known = true;
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      auto [ptr, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      known = ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty() &&
              cp <= 0x10FFFF;
      if (known) AppendUtf8(cp, out);
    } else {
      known = false;
    }
    if (known) {
      i = semi;
    } else {
      out.push_back('&');
    }
  }
  return out;
}

std::string XmlElementText(std::string_view xml, std::string_view name) {
  size_t len = 0, end = 0;
  const size_t start = FindElement(xml, name, 0, len, end);
  if (start == std::string_view::npos) return "";
  return XmlDecode(xml.substr(start, len));
}

std::string_view XmlElementContent(std::string_view xml, std::string_view name) {
  size_t len = 0, end = 0;
  const size_t start = FindElement(xml, name, 0, len, end);
  if (start == std::string_view::npos) return {};
  return xml.substr(start, len);
}

std::string_view XmlChildContent(std::string_view xml, std::string_view name) {
  int depth = 0;
  for (size_t pos = xml.find('<'); pos != std::string_view::npos; pos = xml.find('<', pos + 1)) {
    if (pos + 1 >= xml.size()) break;
    const char next = xml[pos + 1];
    if (next == '?' || next == '!') continue;  // declarations, comments, CDATA
    const size_t gt = xml.find('>', pos);
    if (gt == std::string_view::npos) break;
    if (next == '/') {
      --depth;
      continue;
    }
    const bool empty = xml[gt - 1] == '/';
    if (depth == 0 && pos + 1 + name.size() < xml.size() &&
        xml.compare(pos + 1, name.size(), name) == 0) {
      const char after = xml[pos + 1 + name.size()];
      if (after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\r' ||
          after == '\n') {
        if (empty) return {};
        size_t len = 0, end = 0;
        const size_t start = FindElement(xml, name, pos, len, end);
        return start == std::string_view::npos ? std::string_view() : xml.substr(start, len);
      }
    }
    if (!empty) ++depth;
  }
  return {};
}

std::string XmlChildText(std::string_view xml, std::string_view name) {
  return XmlDecode(XmlChildContent(xml, name));
}

std::vector<std::string_view> XmlElementContents(std::string_view xml, std::string_view name) {
  std::vector<std::string_view> found;
  size_t pos = 0, len = 0, end = 0;
  while (true) {
    const size_t start = FindElement(xml, name, pos, len, end);
    if (start == std::string_view::npos) break;
    found.push_back(xml.substr(start, len));
    pos = end;
  }
  return found;
}

bool ListObjectsV2Complete(std::string_view xml) {
  while (!xml.empty() &&
         (xml.back() == ' ' || xml.back() == '\t' || xml.back() == '\r' || xml.back() == '\n')) {
    xml.remove_suffix(1);
  }
  constexpr std::string_view kEnd = "</ListBucketResult>";
  return xml.size() >= kEnd.size() && xml.substr(xml.size() - kEnd.size()) == kEnd;
}

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    return Status::IoError("unexpected ListObjectsV2 response (no <ListBucketResult>)");
  }
  // A page cut after some </Contents> parses as a shorter page: without its end it is not one.
  if (!ListObjectsV2Complete(xml)) {
    return Status::IoError(std::string(kListingCutShort));
  }
  ListPage page;
  size_t pos = 0, len = 0, end = 0;
  size_t contents_end = 0;
  while (true) {
    const size_t start = FindElement(xml, "Contents", pos, len, end);
    if (start == std::string_view::npos) break;
    const std::string_view contents = xml.substr(start, len);
    ObjectInfo object;
    object.key = XmlElementText(contents, "Key");
    const std::string size = XmlElementText(contents, "Size");
    auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
    if (object.key.empty() || ec != std::errc() || ptr != size.data() + size.size()) {
      return Status::IoError("unexpected ListObjectsV2 response: an object without Key or Size");
    }
    object.etag = XmlElementText(contents, "ETag");
    if (object.etag.size() >= 2 && object.etag.front() == '"' && object.etag.back() == '"') {
      object.etag = object.etag.substr(1, object.etag.size() - 2);
    }
    object.last_modified = XmlElementText(contents, "LastModified");
    page.objects.push_back(std::move(object));
    pos = end;
    contents_end = end;
  }
  // IsTruncated and NextContinuationToken are children of ListBucketResult; look outside the
  // objects so a key can never be mistaken for them (keys are escaped text anyway).
  const std::string_view rest = xml.substr(contents_end);
  const std::string_view head = xml.substr(0, xml.find("<Contents"));
  std::string truncated = XmlElementText(rest, "IsTruncated");
  if (truncated.empty()) truncated = XmlElementText(head, "IsTruncated");
  page.truncated = truncated == "true";
  page.next_continuation_token = XmlElementText(rest, "NextContinuationToken");
  if (page.next_continuation_token.empty()) {
    page.next_continuation_token = XmlElementText(head, "NextContinuationToken");
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return Status::IoError(
        "unexpected ListObjectsV2 response: IsTruncated without NextContinuationToken");
  }
  return page;
}

S3Error ParseS3Error(std::string_view xml) {
  S3Error error;
  size_t len = 0, end = 0;
  const size_t start = FindElement(xml, "Error", 0, len, end);
  if (start == std::string_view::npos) return error;
  const std::string_view body = xml.substr(start, len);
  error.code = XmlElementText(body, "Code");
  error.message = XmlElementText(body, "Message");
  error.region = XmlElementText(body, "Region");
  return error;
}

}  // namespace sparkify
