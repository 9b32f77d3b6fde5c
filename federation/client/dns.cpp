#include "federation/client/dns.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>

#include "homeserver/net/dns_lookup.h"

namespace hs::fed {

void sortSrvRecords(std::vector<SrvRecord>& records) {
  std::stable_sort(records.begin(), records.end(), [](const SrvRecord& a, const SrvRecord& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
  });
}

std::vector<SrvRecord> SystemDnsResolver::srv(const std::string& name) {
  std::vector<SrvRecord> out;
  unsigned char answer[NS_PACKETSZ * 4];
  struct __res_state state {};
  if (res_ninit(&state) != 0) {
    return out;
  }
  const int len = res_nquery(&state, name.c_str(), ns_c_in, ns_t_srv, answer, sizeof answer);
  ns_msg msg;
  if (len > 0 && ns_initparse(answer, len, &msg) == 0) {
    const int count = ns_msg_count(msg, ns_s_an);
    for (int i = 0; i < count; ++i) {
      ns_rr rr;
      if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv || ns_rr_rdlen(rr) < 7) {
        continue;
      }
      const unsigned char* rd = ns_rr_rdata(rr);
      SrvRecord r;
      r.priority = ns_get16(rd);
      r.weight = ns_get16(rd + 2);
      r.port = ns_get16(rd + 4);
      char target[NS_MAXDNAME];
      if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target, sizeof target) < 0) {
        continue;
      }
      r.target = target;
      if (!r.target.empty() && r.target != ".") {  // "." means: no service here
        out.push_back(std::move(r));
      }
    }
  }
  res_nclose(&state);
  sortSrvRecords(out);
  return out;
}

std::vector<core::IpAddress> SystemDnsResolver::addresses(const std::string& host) {
  return net::resolveHost(host);
}

}  // namespace hs::fed
