// Email verification over real HTTP and SMTP (a local aiosmtpd sink): registration that
// requires an address, the submit step, send_attempt, expiry and attempt limits, 3PIDs,
// login by email, password reset, rate limits, an unreachable mail server, TLS and AUTH.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/matrix_client.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

std::string codeIn(const std::string& mail) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(mail, m, std::regex("\n    ([0-9]{6})\r?\n"))) << mail;
  return m.size() > 1 ? m[1].str() : "";
}

std::string linkIn(const std::string& mail) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(mail, m, std::regex("(/_matrix/client/unstable/im\\.parley/email/submit_token\\?[^\r\n]+)")))
      << mail;
  return m.size() > 1 ? m[1].str() : "";
}

std::function<void(config::Config&)> withSmtp(const SmtpSink& sink, bool require_email) {
  const int port = sink.port();
  return [port, require_email](config::Config& c) {
    c.smtp.host = "127.0.0.1";
    c.smtp.port = port;
    c.smtp.timeout_ms = 5000;
    c.registration.require_email = require_email;
  };
}

HttpResult requestToken(TestServer& s, const std::string& what, const std::string& secret,
                        const std::string& email, int attempt, const std::string& token = "") {
  return s.post(kV3 + what + "/email/requestToken",
                R"({"client_secret":")" + secret + R"(","email":")" + email + R"(","send_attempt":)" +
                    std::to_string(attempt) + "}",
                token);
}

std::string sidOf(const HttpResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("sid") ? doc["sid"].GetString() : "";
}

HttpResult submit(TestServer& s, const std::string& sid, const std::string& secret, const std::string& token) {
  return s.post(kParley + "/email/submit_token",
                R"({"sid":")" + sid + R"(","client_secret":")" + secret + R"(","token":")" + token + "\"}");
}

std::string emailAuth(const std::string& sid, const std::string& secret, const std::string& session = "") {
  return R"({"type":"m.login.email.identity","threepid_creds":{"sid":")" + sid + R"(","client_secret":")" +
         secret + "\"}" + (session.empty() ? "" : R"(,"session":")" + session + "\"") + "}";
}

HttpResult registerWithEmail(TestServer& s, const std::string& user, const std::string& auth) {
  return s.post(kV3 + "/register", R"({"username":")" + user + R"(","password":"password123","auth":)" + auth + "}");
}

class EmailRegistration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sink_ = new SmtpSink();
    server_ = new TestServer(withSmtp(*sink_, true));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete sink_;
  }
  static TestServer& s() { return *server_; }
  static std::string lastMail(size_t expected_count) {
    const auto all = sink_->messages(expected_count);
    EXPECT_EQ(all.size(), expected_count);
    return all.empty() ? "" : all.back();
  }
  static SmtpSink* sink_;
  static TestServer* server_;
};
SmtpSink* EmailRegistration::sink_ = nullptr;
TestServer* EmailRegistration::server_ = nullptr;

TEST_F(EmailRegistration, RegistrationRequiresAValidatedAddress) {
  const auto challenge = s().post(kV3 + "/register", R"({"username":"zoe","password":"password123"})");
  ASSERT_EQ(challenge.status, 401);
  EXPECT_NE(challenge.body.find(R"("stages":["m.login.email.identity"])"), std::string::npos) << challenge.body;
  const std::string session = challenge.json()["session"].GetString();
  const size_t before = sink_->count();

  const auto t = requestToken(s(), "/register", "zoesecret", "Zoe@Example.org", 1);
  const std::string sid = sidOf(t);
  EXPECT_NE(std::string(t.json()["submit_url"].GetString()).find("/email/submit_token"), std::string::npos);
  const std::string mail = lastMail(before + 1);
  EXPECT_NE(mail.find("X-Rcpt-To: zoe@example.org"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Subject: Your verification code"), std::string::npos);
  const std::string code = codeIn(mail);

  const auto early = registerWithEmail(s(), "zoe", emailAuth(sid, "zoesecret", session));
  EXPECT_EQ(early.status, 401);
  EXPECT_EQ(errcode(early), "M_FORBIDDEN");
  const auto wrong = submit(s(), sid, "zoesecret", code == "123456" ? "654321" : "123456");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(errcode(wrong), "M_TOKEN_INCORRECT");
  const auto right = submit(s(), sid, "zoesecret", code);
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(right.body, R"({"success":true})");

  const auto done = registerWithEmail(s(), "zoe", emailAuth(sid, "zoesecret", session));
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string token = done.json()["access_token"].GetString();
  const auto threepids = s().get(kV3 + "/account/3pid", token).json();
  ASSERT_EQ(threepids["threepids"].Size(), 1u);
  EXPECT_STREQ(threepids["threepids"][0]["medium"].GetString(), "email");
  EXPECT_STREQ(threepids["threepids"][0]["address"].GetString(), "zoe@example.org");
  EXPECT_GT(threepids["threepids"][0]["validated_at"].GetInt64(), 0);

  const auto login = s().post(kV3 + "/login", R"({"type":"m.login.password","identifier":{"type":"m.id.thirdparty",)"
                                               R"("medium":"email","address":"ZOE@example.org"},"password":"password123"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_STREQ(login.json()["user_id"].GetString(), "@zoe:localhost");
  const auto taken = requestToken(s(), "/register", "other", "zoe@example.org", 1);
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(errcode(taken), "M_THREEPID_IN_USE");
  const auto dummy = s().post(kV3 + "/register", R"({"username":"nomail","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(dummy.status, 401);  // the dummy stage alone is not a flow here
}

TEST_F(EmailRegistration, SendAttemptRepeatsNothingAndAHigherOneSendsANewCode) {
  const size_t before = sink_->count();
  const std::string sid = sidOf(requestToken(s(), "/register", "sa", "sam@example.org", 1));
  const std::string first_code = codeIn(lastMail(before + 1));
  EXPECT_EQ(sidOf(requestToken(s(), "/register", "sa", "sam@example.org", 1)), sid);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sink_->count(), before + 1);  // a retry sends no mail
  EXPECT_EQ(sidOf(requestToken(s(), "/register", "sa", "sam@example.org", 2)), sid);
  const std::string second_code = codeIn(lastMail(before + 2));
  if (first_code != second_code) {
    EXPECT_EQ(errcode(submit(s(), sid, "sa", first_code)), "M_TOKEN_INCORRECT");
  }
  EXPECT_EQ(submit(s(), sid, "sa", second_code).status, 200);
  // Another client secret is another session.
  EXPECT_NE(sidOf(requestToken(s(), "/register", "sb", "sam@example.org", 1)), sid);
}

TEST_F(EmailRegistration, TheLinkValidatesInABrowser) {
  const size_t before = sink_->count();
  const std::string sid = sidOf(requestToken(s(), "/register", "linksecret", "lin@example.org", 1));
  const std::string link = linkIn(lastMail(before + 1));
  const auto page = s().get(link);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers.at("content-type").find("text/html"), std::string::npos);
  const auto done = registerWithEmail(s(), "lin", emailAuth(sid, "linksecret"));
  EXPECT_EQ(done.status, 200) << done.body;
}

TEST_F(EmailRegistration, FiveWrongCodesUseTheCodeUp) {
  const size_t before = sink_->count();
  const std::string sid = sidOf(requestToken(s(), "/register", "guess", "gus@example.org", 1));
  const std::string code = codeIn(lastMail(before + 1));
  const std::string wrong = code == "111111" ? "222222" : "111111";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(errcode(submit(s(), sid, "guess", wrong)), "M_TOKEN_INCORRECT") << i;
  }
  const auto late = submit(s(), sid, "guess", code);
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(errcode(late), "M_SESSION_EXPIRED");
  EXPECT_EQ(registerWithEmail(s(), "gus", emailAuth(sid, "guess")).status, 401);
}

TEST_F(EmailRegistration, MalformedRequestsAreRefused) {
  EXPECT_EQ(errcode(requestToken(s(), "/register", "x", "not-an-address", 1)), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(requestToken(s(), "/register", "bad secret!", "a@example.org", 1)), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s().post(kV3 + "/register/email/requestToken", R"({"client_secret":"x","email":"a@example.org"})")),
            "M_MISSING_PARAM");
  EXPECT_EQ(errcode(submit(s(), "nosuchsid", "x", "123456")), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s().get(kParley + "/email/submit_token?sid=x")), "M_MISSING_PARAM");
}

TEST(EmailDelivery, CodesExpire) {
  SmtpSink sink;
  TestServer s([&](config::Config& c) {
    withSmtp(sink, false)(c);
    c.email.code_lifetime_ms = 1000;
  });
  const std::string sid = sidOf(requestToken(s, "/register", "late", "late@example.org", 1));
  const std::string code = codeIn(sink.messages(1).back());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto r = submit(s, sid, "late", code);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errcode(r), "M_SESSION_EXPIRED");
}

TEST(EmailDelivery, AnUnreachableMailServerLeavesNoHalfMadeAccount) {
  const int closed_port = freeLoopbackPort();
  TestServer s([&](config::Config& c) {
    c.smtp.host = "127.0.0.1";
    c.smtp.port = closed_port;
    c.smtp.timeout_ms = 2000;
    c.registration.require_email = true;
  });
  const auto r = requestToken(s, "/register", "dead", "dead@example.org", 1);
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(errcode(r), "M_UNKNOWN");
  EXPECT_NE(r.body.find("Could not send the email"), std::string::npos) << r.body;
  const auto reg = registerWithEmail(s, "dead", emailAuth("anything", "dead"));
  EXPECT_EQ(reg.status, 401);
  const auto available = s.get(kV3 + "/register/available?username=dead");
  EXPECT_EQ(available.status, 200) << available.body;
}

TEST(EmailDelivery, AddAnAddressLogInWithItAndResetThePassword) {
  SmtpSink sink;
  TestServer s(withSmtp(sink, false));
  const auto flows = s.post(kV3 + "/register", R"({"username":"yan","password":"password123"})");
  EXPECT_NE(flows.body.find(R"({"stages":["m.login.email.identity"]})"), std::string::npos) << flows.body;
  const std::string yan = s.registerUser("yan");
  const std::string sid = sidOf(requestToken(s, "/account/3pid", "add1", "yan@example.org", 1, yan));
  ASSERT_EQ(submit(s, sid, "add1", codeIn(sink.messages(1).back())).status, 200);
  const std::string add = R"({"client_secret":"add1","sid":")" + sid + "\"";
  EXPECT_EQ(s.post(kV3 + "/account/3pid/add", add + "}", yan).status, 401);  // UIA first
  const auto added = s.post(kV3 + "/account/3pid/add",
                            add + R"(,"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"yan"},"password":"password123"}})",
                            yan);
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_NE(s.get(kV3 + "/account/3pid", yan).body.find("yan@example.org"), std::string::npos);

  EXPECT_EQ(errcode(requestToken(s, "/account/password", "r0", "nobody@example.org", 1)), "M_THREEPID_NOT_FOUND");
  const std::string reset_sid = sidOf(requestToken(s, "/account/password", "reset", "yan@example.org", 1));
  ASSERT_EQ(submit(s, reset_sid, "reset", codeIn(sink.messages(2).back())).status, 200);
  const auto reset = s.post(kV3 + "/account/password",
                            R"({"new_password":"brand-new-pw","auth":)" + emailAuth(reset_sid, "reset") + "}");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(s.get(kV3 + "/account/whoami", yan).status, 401);  // every device logged out
  const auto login = [&](const std::string& id, const std::string& pw) {
    return s.post(kV3 + "/login", R"({"type":"m.login.password","identifier":)" + id + R"(,"password":")" + pw + "\"}");
  };
  const std::string by_name = R"({"type":"m.id.user","user":"yan"})";
  const std::string by_mail = R"({"type":"m.id.thirdparty","medium":"email","address":"yan@example.org"})";
  EXPECT_EQ(login(by_name, "password123").status, 403);
  EXPECT_EQ(login(by_name, "brand-new-pw").status, 200);
  const auto mail_login = login(by_mail, "brand-new-pw");
  ASSERT_EQ(mail_login.status, 200);
  const std::string token = mail_login.json()["access_token"].GetString();
  ASSERT_EQ(s.post(kV3 + "/account/3pid/delete", R"({"medium":"email","address":"yan@example.org"})", token).status, 200);
  EXPECT_EQ(s.get(kV3 + "/account/3pid", token).body, R"({"threepids":[]})");
  EXPECT_EQ(login(by_mail, "brand-new-pw").status, 403);
}

TEST(EmailDelivery, AddressTokenNeedsNoAccessToken) {
  SmtpSink sink;
  TestServer s(withSmtp(sink, false));
  const std::string zed = s.registerUser("zed");
  const std::string other = s.registerUser("zother");
  // The spec's requestToken endpoints need no access token (rate limits guard them).
  const std::string sid = sidOf(requestToken(s, "/account/3pid", "notoken", "zed@example.org", 1));
  ASSERT_EQ(submit(s, sid, "notoken", codeIn(sink.messages(1).back())).status, 200);
  const std::string add = R"({"client_secret":"notoken","sid":")" + sid + R"(","auth":{"type":"m.login.password",)"
                          R"("identifier":{"type":"m.id.user","user":"zed"},"password":"password123"}})";
  const auto added = s.post(kV3 + "/account/3pid/add", add, zed);
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_NE(s.get(kV3 + "/account/3pid", zed).body.find("zed@example.org"), std::string::npos);
  // A session requested with a token belongs to that token's user only.
  const std::string tied = sidOf(requestToken(s, "/account/3pid", "tied", "tied@example.org", 1, zed));
  ASSERT_EQ(submit(s, tied, "tied", codeIn(sink.messages(2).back())).status, 200);
  const auto stolen = s.post(kV3 + "/account/3pid/add",
      R"({"client_secret":"tied","sid":")" + tied + R"(","auth":{"type":"m.login.password",)"
      R"("identifier":{"type":"m.id.user","user":"zother"},"password":"password123"}})", other);
  EXPECT_EQ(stolen.status, 400) << stolen.body;
  EXPECT_EQ(errcode(stolen), "M_THREEPID_AUTH_FAILED");
}

TEST(EmailDelivery, RateLimitedPerAddress) {
  SmtpSink sink;
  TestServer s([&](config::Config& c) {
    withSmtp(sink, false)(c);
    c.rate_limits.enabled = true;
    c.rate_limits.email_per_address = {0.001, 2};
    c.rate_limits.email_per_ip = {100, 100};
  });
  EXPECT_EQ(requestToken(s, "/register", "a1", "rl@example.org", 1).status, 200);
  EXPECT_EQ(requestToken(s, "/register", "a2", "rl@example.org", 1).status, 200);
  const auto third = requestToken(s, "/register", "a3", "RL@example.org", 1);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(errcode(third), "M_LIMIT_EXCEEDED");
  EXPECT_EQ(requestToken(s, "/register", "a4", "other@example.org", 1).status, 200);
  EXPECT_EQ(sink.messages(3).size(), 3u);
}

TEST(EmailDelivery, RateLimitedPerIp) {
  SmtpSink sink;
  TestServer s([&](config::Config& c) {
    withSmtp(sink, false)(c);
    c.rate_limits.enabled = true;
    c.rate_limits.email_per_address = {100, 100};
    c.rate_limits.email_per_ip = {0.001, 2};
  });
  EXPECT_EQ(requestToken(s, "/register", "i1", "ip1@example.org", 1).status, 200);
  EXPECT_EQ(requestToken(s, "/register", "i2", "ip2@example.org", 1).status, 200);
  const auto third = requestToken(s, "/register", "i3", "ip3@example.org", 1);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(errcode(third), "M_LIMIT_EXCEEDED");
  // A retry of an earlier attempt is answered without sending, so it is not limited.
  EXPECT_EQ(requestToken(s, "/register", "i1", "ip1@example.org", 1).status, 200);
  EXPECT_EQ(sink.messages(2).size(), 2u);
}

TEST(EmailDelivery, StartTlsWithAuth) {
  SmtpSink sink(SmtpSink::Options{true, false, "parley:s3cret"});
  const auto tls = [&](const std::string& password) {
    return [&, password](config::Config& c) {
      withSmtp(sink, false)(c);
      c.smtp.security = "starttls";
      c.smtp.ca_file = sink.certPath();
      c.smtp.username = "parley";
      c.smtp.password = password;
      c.smtp.timeout_ms = 1500;  // aiosmtpd answers a failed AUTH by going quiet
    };
  };
  {
    TestServer s(tls("s3cret"));
    EXPECT_EQ(requestToken(s, "/register", "tls", "tls@example.org", 1).status, 200);
    EXPECT_NE(sink.messages(1).back().find("tls@example.org"), std::string::npos);
  }
  TestServer wrong(tls("wrong"));
  EXPECT_EQ(requestToken(wrong, "/register", "tls2", "tls2@example.org", 1).status, 502);
}

TEST(EmailDelivery, ImplicitTlsAndACustomTemplate) {
  SmtpSink sink(SmtpSink::Options{false, true, ""});
  const std::string tpl = std::filesystem::temp_directory_path() / "parley-email-template.txt";
  std::ofstream(tpl) << "Hi {address}, your {server_name} code is\n    {code}\nfor {purpose}.\n";
  TestServer s([&](config::Config& c) {
    withSmtp(sink, false)(c);
    c.smtp.security = "tls";
    c.smtp.ca_file = sink.certPath();
    c.email.template_path = tpl;
    c.email.subject = "Ton code";
  });
  EXPECT_EQ(requestToken(s, "/register", "tpl", "tpl@example.org", 1).status, 200);
  const std::string mail = sink.messages(1).back();
  EXPECT_NE(mail.find("Subject: Ton code"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Hi tpl@example.org, your localhost code is"), std::string::npos) << mail;
  EXPECT_NE(mail.find("for create your account."), std::string::npos) << mail;
  EXPECT_EQ(codeIn(mail).size(), 6u);
  std::filesystem::remove(tpl);
}

}  // namespace
}  // namespace hs::test
