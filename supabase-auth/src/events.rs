//! Auth state change events, delivered through a subscription that can be dropped.

use tokio::sync::broadcast;

use crate::Session;

/// What changed (auth-js `AuthChangeEvent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthChangeEvent {
    /// The first event of every subscription: the session at the time it was made.
    InitialSession,
    /// A sign-in, sign-up with a session, OTP verification, code exchange or `set_session`.
    SignedIn,
    /// The session was removed: sign-out, or a refresh failed for good after the access token
    /// expired, or the server said the session no longer exists.
    SignedOut,
    /// The session was refreshed.
    TokenRefreshed,
    /// `update_user` changed the signed-in user.
    UserUpdated,
    /// A password-recovery link or code was used; the user should now set a new password.
    PasswordRecovery,
    /// An MFA challenge was verified; the session now has a higher assurance level.
    MfaChallengeVerified,
}

/// One event and the session after it (`None` after sign-out).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthStateChange {
    /// What happened.
    pub event: AuthChangeEvent,
    /// The session after the event.
    pub session: Option<Session>,
}

/// A live subscription to auth state changes (see
/// [`AuthClient::on_auth_state_change`](crate::AuthClient::on_auth_state_change)).
///
/// Events are sent after the change is committed (and stored), from a channel, never from
/// inside a lock, so a subscriber may call the client freely. Dropping the subscription
/// unsubscribes. A subscriber that falls more than 64 events behind skips the oldest ones.
#[derive(Debug)]
pub struct AuthSubscription {
    initial: Option<AuthStateChange>,
    receiver: broadcast::Receiver<AuthStateChange>,
}

impl AuthSubscription {
    pub(crate) fn new(
        initial: Option<Session>,
        receiver: broadcast::Receiver<AuthStateChange>,
    ) -> Self {
        Self {
            initial: Some(AuthStateChange {
                event: AuthChangeEvent::InitialSession,
                session: initial,
            }),
            receiver,
        }
    }

    /// The next event; `None` once the client (every clone of it) is gone.
    pub async fn recv(&mut self) -> Option<AuthStateChange> {
        if let Some(initial) = self.initial.take() {
            return Some(initial);
        }
        loop {
            match self.receiver.recv().await {
                Ok(change) => return Some(change),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// The next event if one is waiting, without waiting.
    pub fn try_recv(&mut self) -> Option<AuthStateChange> {
        if let Some(initial) = self.initial.take() {
            return Some(initial);
        }
        loop {
            match self.receiver.try_recv() {
                Ok(change) => return Some(change),
                Err(broadcast::error::TryRecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    }
}
