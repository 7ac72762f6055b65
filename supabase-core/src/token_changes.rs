//! The signal a [`TokenProvider`](crate::TokenProvider) gives when its token changed.
//!
//! The signal carries no token: it only says "ask again". Whoever listens (a live
//! websocket, a cache) calls [`TokenProvider::access_token`](crate::TokenProvider::access_token)
//! afterwards, so refresh rules stay in the provider.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

/// The sending half: a provider keeps one and calls [`TokenChangeSender::notify`] whenever the
/// token it would hand out changes (sign-in, refresh, sign-out, a user update that issued a
/// new token).
///
/// Cloning shares the same signal. Sending never blocks and never fails, with or without
/// listeners.
///
/// ```
/// use supabase_core::TokenChangeSender;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let sender = TokenChangeSender::new();
/// let mut changes = sender.subscribe();
/// sender.notify();
/// assert!(changes.changed().await); // "ask the provider again"
/// drop(sender);
/// assert!(!changes.changed().await); // the provider is gone: no more changes
/// # });
/// ```
#[derive(Clone)]
pub struct TokenChangeSender {
    tx: Arc<watch::Sender<u64>>,
}

impl TokenChangeSender {
    /// A signal with no listeners yet.
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Tells every listener that the token may have changed.
    pub fn notify(&self) {
        self.tx
            .send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    /// A new listener; it sees the changes made after this call.
    pub fn subscribe(&self) -> TokenChanges {
        TokenChanges {
            rx: self.tx.subscribe(),
        }
    }
}

impl Default for TokenChangeSender {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for TokenChangeSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenChangeSender")
            .field("listeners", &self.tx.receiver_count())
            .finish()
    }
}

/// The listening half, from [`TokenProvider::changes`](crate::TokenProvider::changes).
///
/// Several changes that happen before the listener looks count as one: what matters is the
/// token the provider hands out now.
pub struct TokenChanges {
    rx: watch::Receiver<u64>,
}

impl TokenChanges {
    /// Waits for the next change. `true`: the token may have changed, ask the provider again;
    /// `false`: the provider is gone and will never change again.
    pub async fn changed(&mut self) -> bool {
        self.rx.changed().await.is_ok()
    }

    /// Whether a change happened that [`TokenChanges::changed`] has not reported yet.
    pub fn has_changed(&self) -> bool {
        self.rx.has_changed().unwrap_or(false)
    }
}

impl fmt::Debug for TokenChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenChanges")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn coalesces_changes_and_ends_with_the_sender() {
        let sender = TokenChangeSender::new();
        let mut changes = sender.subscribe();
        assert!(!changes.has_changed());
        sender.notify();
        sender.clone().notify();
        assert!(changes.has_changed());
        assert!(changes.changed().await);
        assert!(!changes.has_changed());
        drop(sender);
        assert!(!changes.changed().await);
    }
}
