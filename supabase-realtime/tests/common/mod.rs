//! Helpers shared by the realtime integration tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use supabase_core::{
    AccessToken, Error, TokenChangeSender, TokenChanges, TokenProvider, async_trait,
};

/// A provider whose token a test changes, with the core change signal.
#[derive(Debug)]
pub struct Switchable {
    token: Mutex<Option<String>>,
    signal: TokenChangeSender,
}

impl Switchable {
    /// A provider handing out `token`.
    pub fn new(token: Option<&str>) -> Arc<Self> {
        Arc::new(Self {
            token: Mutex::new(token.map(str::to_owned)),
            signal: TokenChangeSender::new(),
        })
    }

    /// Sets the token and signals the change (like a session refresh).
    pub fn set(&self, token: Option<&str>) {
        *self.token.lock().unwrap() = token.map(str::to_owned);
        self.signal.notify();
    }

    /// Sets the token silently (only a heartbeat re-read finds it).
    pub fn set_quietly(&self, token: Option<&str>) {
        *self.token.lock().unwrap() = token.map(str::to_owned);
    }
}

#[async_trait]
impl TokenProvider for Switchable {
    async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
        self.token
            .lock()
            .unwrap()
            .clone()
            .map(AccessToken::new)
            .transpose()
    }
    fn changes(&self) -> Option<TokenChanges> {
        Some(self.signal.subscribe())
    }
}

/// The frames of `event` in `frames`.
pub fn of_event<'a>(frames: &'a [serde_json::Value], event: &str) -> Vec<&'a serde_json::Value> {
    frames.iter().filter(|f| f["event"] == event).collect()
}
