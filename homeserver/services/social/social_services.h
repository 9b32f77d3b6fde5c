#pragma once
// The social layer's services the client API handlers reach (ClientContext::social). Built and
// owned by homeserver/app/social_module.
namespace hs::social {
class BlockService;
class FriendService;
}  // namespace hs::social
namespace hs::notifications {
class NotificationService;
class DeliveryService;
}  // namespace hs::notifications
namespace hs::email {
class VerificationService;
}
namespace hs::pushers {
class PusherService;
}

namespace hs::social {

struct SocialServices {
  BlockService& blocks;
  FriendService& friends;
  notifications::NotificationService& notifications;
  notifications::DeliveryService& delivery;
  email::VerificationService& email;
  pushers::PusherService& pushers;
};

}  // namespace hs::social
