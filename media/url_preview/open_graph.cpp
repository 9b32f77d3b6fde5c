#include "media/url_preview/open_graph.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include <map>
#include <memory>

#include "homeserver/core/json.h"

namespace hs::media {

namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct XPathContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};

std::string attribute(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) {
    return "";
  }
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

std::string textOf(xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) {
    return "";
  }
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

// Cuts at kMaxOgValueBytes without splitting a UTF-8 sequence, and trims whitespace.
std::string clean(std::string s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  const size_t last = s.find_last_not_of(" \t\r\n");
  s = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  if (s.size() > kMaxOgValueBytes) {
    size_t cut = kMaxOgValueBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    s.resize(cut);
  }
  return s;
}

// The nodes an XPath expression selects, each passed to `visit`.
template <class Visit>
void each(xmlXPathContext* ctx, const char* expr, Visit visit) {
  std::unique_ptr<xmlXPathObject, XPathObjectFree> found(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expr), ctx));
  if (!found || found->nodesetval == nullptr) {
    return;
  }
  for (int i = 0; i < found->nodesetval->nodeNr; ++i) {
    visit(found->nodesetval->nodeTab[i]);
  }
}

std::map<std::string, std::string> openGraphFields(xmlDoc* doc) {
  std::map<std::string, std::string> og;
  std::unique_ptr<xmlXPathContext, XPathContextFree> ctx(xmlXPathNewContext(doc));
  if (!ctx) {
    return og;
  }
  std::string description;
  each(ctx.get(), "//meta", [&](xmlNode* meta) {
    std::string key = attribute(meta, "property");
    if (key.empty()) {
      key = attribute(meta, "name");
    }
    if (key == "description") {
      description = clean(attribute(meta, "content"));
    } else if (key.rfind("og:", 0) == 0 && key.rfind("og:image", 0) != 0 && og.size() < kMaxOgFields &&
               key.size() <= 100 && !og.count(key)) {
      og[key] = clean(attribute(meta, "content"));
    }
  });
  if (!og.count("og:title")) {
    each(ctx.get(), "//title", [&](xmlNode* title) {
      if (!og.count("og:title")) {
        og["og:title"] = clean(textOf(title));
      }
    });
  }
  if (!og.count("og:description") && !description.empty()) {
    og["og:description"] = description;
  }
  std::erase_if(og, [](const auto& kv) { return kv.second.empty(); });
  return og;
}

}  // namespace

std::string openGraphJson(std::string_view html, const std::string& url) {
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), url.c_str(), nullptr, options));
  json::Writer w;
  w.startObject();
  if (doc) {
    for (const auto& [key, value] : openGraphFields(doc.get())) {
      w.key(key).string(value);
    }
  }
  w.endObject();
  return w.take();
}

}  // namespace hs::media
