#include "federation/client/federation_client.h"

#include <future>

#include "homeserver/core/json.h"
#include "homeserver/core/x_matrix.h"

namespace hs::fed {

namespace {
net::HttpResult failure(std::string error, bool refused = false) {
  net::HttpResult r;
  r.error = std::move(error);
  r.refused_by_policy = refused;
  return r;
}
}  // namespace

void FederationClient::send(const FederationRequest& req, const ResolvedServer& where,
                            net::OutboundClient::Callback done) {
  net::HttpRequest h;
  h.method = req.method;
  h.url = where.url(req.target);
  h.connect_to = where.connectTo();
  h.timeout_ms = req.timeout_ms;
  h.max_response_bytes = req.max_response_bytes;
  h.headers.push_back("Host: " + where.host_header);
  if (req.json_body) {
    h.headers.push_back("Content-Type: application/json");
    h.body = *req.json_body;
  }
  if (req.sign) {
    std::optional<json::Document> content;
    if (req.json_body) {
      content = json::tryParse(*req.json_body);
      if (!content) {
        done(failure("request body is not JSON"));
        return;
      }
    }
    h.headers.push_back("Authorization: " +
                        core::xMatrixAuthorization(keys_.signingKey(), req.method, req.target,
                                                   keys_.serverName(), req.destination,
                                                   content ? &*content : nullptr));
  }
  const std::string destination = req.destination;
  client_.start(std::move(h), [this, destination, done = std::move(done)](net::HttpResult r) {
    if (!r.response) {
      discovery_.forget(destination);  // the next attempt resolves afresh
    }
    done(std::move(r));
  });
}

void FederationClient::request(FederationRequest req, net::OutboundClient::Callback done) {
  auto task = [this, req = std::move(req), done]() mutable {
    ResolvedServer where;
    try {
      where = discovery_.resolve(req.destination);
    } catch (const DiscoveryError& e) {
      done(failure(e.what(), e.refusedByPolicy()));
      return;
    } catch (const std::exception& e) {
      done(failure(std::string("discovery failed: ") + e.what()));
      return;
    }
    send(req, where, std::move(done));
  };
  if (!resolver_pool_.trySubmit(std::move(task))) {
    done(failure("the federation resolver pool is full or stopping"));
  }
}

net::HttpResult FederationClient::requestSync(FederationRequest req) {
  auto promise = std::make_shared<std::promise<net::HttpResult>>();
  auto result = promise->get_future();
  request(std::move(req), [promise](net::HttpResult r) { promise->set_value(std::move(r)); });
  return result.get();
}

}  // namespace hs::fed
