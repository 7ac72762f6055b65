//! The shared session state of one logged-in client: the current session, its store, the
//! single-flight refresh and the event channel. Every clone of an `AuthClient` holds the same
//! `Inner` through an `Arc`.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use supabase_core::runtime::Instant;
use supabase_core::{AccessToken, Clock, Method, RetryPolicy, Secret, TokenChangeSender};
use tokio::sync::{OnceCell, broadcast};

use crate::http::{Bearer, Http};
use crate::session::parse_auth_answer;
use crate::{AuthChangeEvent, AuthStateChange, Error, FlowType, Session, SessionStore};

/// How long a failed refresh of the same refresh token is not retried (auth-js
/// `REFRESH_FAILURE_COOLDOWN_MS`).
const FAILURE_COOLDOWN: Duration = Duration::from_secs(60);
/// The time budget of one refresh, retries included (auth-js: one 30 s tick).
const RETRY_BUDGET: Duration = Duration::from_secs(30);
/// The first retry delay; it doubles each time.
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(200);

/// Settings fixed when the client is built.
#[derive(Clone)]
pub(crate) struct Settings {
    pub http: Http,
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn SessionStore>,
    pub storage_key: String,
    pub flow: FlowType,
    pub margin_secs: u64,
    #[cfg(feature = "jwt-verify")]
    pub jwt_secret: Option<Secret>,
}

pub(crate) struct Inner {
    pub settings: Settings,
    slot: Mutex<Slot>,
    loaded: OnceCell<()>,
    commit: tokio::sync::Mutex<()>,
    refresh: tokio::sync::Mutex<()>,
    failure: Mutex<Option<Failure>>,
    events: broadcast::Sender<AuthStateChange>,
    /// Fires when the session's token may have changed (sign-in, refresh, user update,
    /// sign-out), for [`SessionTokenProvider::changes`](crate::SessionTokenProvider).
    pub changes: TokenChangeSender,
    #[cfg(feature = "jwt-verify")]
    pub jwks: crate::claims::JwksCache,
}

#[derive(Default)]
struct Slot {
    session: Option<Session>,
    /// The session's access token, prepared once for the `Authorization` header, so the
    /// token provider hands it out without cloning the session or re-checking the token.
    bearer: Option<AccessToken>,
    /// Bumped by every commit; the loader only fills an untouched slot.
    epoch: u64,
}

impl Slot {
    fn set(&mut self, session: Option<Session>) {
        // A token that cannot be a header value is not cached; the slow path reports it.
        self.bearer = session.as_ref().and_then(|s| s.bearer().ok());
        self.session = session;
    }
}

struct Failure {
    refresh_token: Secret,
    at: Instant,
    error: Arc<Error>,
}

impl Inner {
    pub fn new(settings: Settings) -> Self {
        let (events, _) = broadcast::channel(64);
        Self {
            settings,
            slot: Mutex::new(Slot::default()),
            loaded: OnceCell::new(),
            commit: tokio::sync::Mutex::new(()),
            refresh: tokio::sync::Mutex::new(()),
            failure: Mutex::new(None),
            events,
            changes: TokenChangeSender::new(),
            #[cfg(feature = "jwt-verify")]
            jwks: crate::claims::JwksCache::default(),
        }
    }

    pub fn http(&self) -> &Http {
        &self.settings.http
    }

    pub fn now(&self) -> u64 {
        self.settings.clock.unix_seconds()
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // A poisoned lock only means a panic elsewhere; the data is still consistent.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<AuthStateChange> {
        self.events.subscribe()
    }

    /// Reads the stored session once. A stored value that does not parse is removed.
    pub async fn ensure_loaded(&self) -> Result<(), Error> {
        self.loaded
            .get_or_try_init(|| async {
                let key = &self.settings.storage_key;
                let stored = self
                    .settings
                    .store
                    .get(key)
                    .await
                    .map_err(|source| Error::Store {
                        operation: "load",
                        source,
                    })?;
                let Some(text) = stored else { return Ok(()) };
                match serde_json::from_str::<Session>(&text) {
                    Ok(session) => {
                        let mut slot = self.slot();
                        if slot.epoch == 0 && slot.session.is_none() {
                            slot.set(Some(session));
                        }
                    }
                    Err(_) => {
                        let _ = self.settings.store.remove(key).await;
                    }
                }
                Ok(())
            })
            .await
            .map(|_| ())
    }

    /// The session in memory, as it is (no refresh).
    pub fn snapshot(&self) -> Option<Session> {
        self.slot().session.clone()
    }

    /// The stored session, loaded first if needed (no refresh).
    pub async fn current(&self) -> Result<Option<Session>, Error> {
        self.ensure_loaded().await?;
        Ok(self.snapshot())
    }

    /// Tells token listeners to ask again, then emits `event` (called after every commit).
    fn emit(&self, event: AuthChangeEvent, session: Option<Session>) {
        #[cfg(feature = "tracing")]
        tracing::debug!(event = ?event, "auth state changed; the token may have changed");
        self.changes.notify();
        // No receivers is fine.
        let _ = self.events.send(AuthStateChange { event, session });
    }

    /// Makes `session` current, stores it, then emits `event`.
    pub async fn save(&self, session: Session, event: AuthChangeEvent) -> Result<(), Error> {
        self.save_if(session, event, |_| true).await
    }

    /// Like [`Inner::save`], but only when `guard` accepts the current session; otherwise
    /// [`Error::RefreshDiscarded`].
    async fn save_if(
        &self,
        session: Session,
        event: AuthChangeEvent,
        guard: impl Fn(Option<&Session>) -> bool,
    ) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let _commit = self.commit.lock().await;
        {
            let mut slot = self.slot();
            if !guard(slot.session.as_ref()) {
                return Err(Error::RefreshDiscarded);
            }
            slot.set(Some(session.clone()));
            slot.epoch += 1;
        }
        let stored = serde_json::to_string(&session)
            .map_err(|e| Error::invalid_input(format!("cannot encode the session: {e}")));
        let result = match stored {
            Ok(text) => self
                .settings
                .store
                .set(&self.settings.storage_key, &text)
                .await
                .map_err(|source| Error::Store {
                    operation: "save",
                    source,
                }),
            Err(e) => Err(e),
        };
        self.emit(event, Some(session));
        result
    }

    /// Replaces the user of the current session (after `update_user`), stores it and emits
    /// `UserUpdated`. Does nothing when signed out.
    pub async fn update_user(&self, user: crate::User) -> Result<(), Error> {
        let Some(mut session) = self.current().await? else {
            return Ok(());
        };
        let refresh = session.refresh_token.expose().to_owned();
        session.user = user;
        match self
            .save_if(session, AuthChangeEvent::UserUpdated, |current| {
                current.is_some_and(|c| c.refresh_token.expose() == refresh)
            })
            .await
        {
            // The session changed meanwhile: the update is not ours to apply.
            Err(Error::RefreshDiscarded) => Ok(()),
            other => other,
        }
    }

    /// Removes the session (and any PKCE verifier) and emits `SignedOut` if there was one.
    pub async fn remove(&self) -> Result<(), Error> {
        self.remove_if(|_| true).await
    }

    async fn remove_if(&self, guard: impl Fn(&Session) -> bool) -> Result<(), Error> {
        self.ensure_loaded().await?;
        let _commit = self.commit.lock().await;
        let had = {
            let mut slot = self.slot();
            match slot.session.as_ref() {
                Some(s) if guard(s) => {
                    slot.set(None);
                    slot.epoch += 1;
                    true
                }
                _ => false,
            }
        };
        if !had {
            return Ok(());
        }
        let store = &self.settings.store;
        let removed = store.remove(&self.settings.storage_key).await;
        let _ = store.remove(&self.verifier_key()).await;
        self.emit(AuthChangeEvent::SignedOut, None);
        removed.map_err(|source| Error::Store {
            operation: "remove",
            source,
        })
    }

    /// The access token for the next data request: [`Inner::fresh_session`]'s token, taken
    /// from the slot without cloning the session when no refresh is due.
    pub async fn fresh_access_token(&self) -> Result<Option<AccessToken>, Error> {
        self.ensure_loaded().await?;
        {
            let slot = self.slot();
            match (&slot.session, &slot.bearer) {
                (None, _) => return Ok(None),
                (Some(session), Some(bearer))
                    if !session.expires_within(self.now(), self.settings.margin_secs) =>
                {
                    return Ok(Some(bearer.clone()));
                }
                _ => {}
            }
        }
        match self.fresh_session().await? {
            Some(session) => Ok(Some(session.bearer()?)),
            None => Ok(None),
        }
    }

    /// The current session, refreshed first when it expires within the margin (auth-js
    /// `getSession`). Used by the session token provider and every user endpoint.
    ///
    /// - Exactly one refresh runs at a time; callers that waited for it get its result.
    /// - A refresh that fails while the access token is still valid keeps serving it.
    /// - A retryable failure (network, 5xx) of an expired token is returned; the session is
    ///   kept for a later attempt.
    /// - A non-retryable failure of an expired token removes the session (`SignedOut`).
    /// - A failure is remembered for 60 s for that refresh token, so it is not retried in a
    ///   loop.
    pub async fn fresh_session(&self) -> Result<Option<Session>, Error> {
        self.ensure_loaded().await?;
        let Some(seen) = self.snapshot() else {
            return Ok(None);
        };
        if !seen.expires_within(self.now(), self.settings.margin_secs) {
            return Ok(Some(seen));
        }
        let _single_flight = self.refresh.lock().await;
        if let Some(error) = self.recent_failure(&seen.refresh_token) {
            return self.after_failure(seen, &error);
        }
        match self.snapshot() {
            None => return Ok(None),
            Some(current)
                if current.refresh_token.expose() != seen.refresh_token.expose()
                    || !current.expires_within(self.now(), self.settings.margin_secs) =>
            {
                // Someone else refreshed (or signed in) while we waited.
                return Ok(Some(current));
            }
            Some(_) => {}
        }
        match self.refresh_and_save(&seen.refresh_token).await {
            Ok(session) => Ok(Some(session)),
            Err(Error::RefreshDiscarded) => Ok(self.snapshot()),
            Err(error) => {
                let error = Arc::new(error);
                self.remember_failure(&seen.refresh_token, &error);
                if !seen.is_expired(self.now()) {
                    return Ok(Some(seen));
                }
                if !error.is_retryable() {
                    let used = seen.refresh_token.expose().to_owned();
                    self.remove_if(|s| s.refresh_token.expose() == used).await?;
                }
                Err(Error::share(&error))
            }
        }
    }

    /// The explicit `refresh_session()`: refreshes the current session now, whatever its
    /// expiry (single-flight with the lazy refresh), with the same failure rules.
    pub async fn refresh_current(&self) -> Result<Session, Error> {
        self.ensure_loaded().await?;
        let _single_flight = self.refresh.lock().await;
        let Some(seen) = self.snapshot() else {
            return Err(Error::SessionMissing);
        };
        match self.refresh_and_save(&seen.refresh_token).await {
            Ok(session) => Ok(session),
            Err(error) => {
                if !error.is_retryable()
                    && !matches!(error, Error::RefreshDiscarded)
                    && seen.is_expired(self.now())
                {
                    let used = seen.refresh_token.expose().to_owned();
                    self.remove_if(|s| s.refresh_token.expose() == used).await?;
                }
                Err(error)
            }
        }
    }

    /// `refresh_session` with a caller-given refresh token: on success the answer becomes the
    /// session; a failure leaves the current session alone.
    pub async fn refresh_with(&self, refresh_token: &Secret) -> Result<Session, Error> {
        self.ensure_loaded().await?;
        let _single_flight = self.refresh.lock().await;
        let session = self.refresh_with_retries(refresh_token).await?;
        self.save(session.clone(), AuthChangeEvent::TokenRefreshed)
            .await?;
        Ok(session)
    }

    async fn refresh_and_save(&self, refresh_token: &Secret) -> Result<Session, Error> {
        let session = self.refresh_with_retries(refresh_token).await?;
        let used = refresh_token.expose().to_owned();
        self.save_if(
            session.clone(),
            AuthChangeEvent::TokenRefreshed,
            |current| current.is_some_and(|c| c.refresh_token.expose() == used),
        )
        .await?;
        Ok(session)
    }

    /// `POST /token?grant_type=refresh_token`, retrying network errors and 5xx with the
    /// core [`RetryPolicy`]'s backoff from 200 ms (`supabase_core::runtime::sleep`: tokio's sleep on
    /// native targets, so paused-clock tests work; `setTimeout` on wasm32)
    /// while the waits add up to less than 30 s: at most 8 attempts, as auth-js makes when
    /// requests are fast. Each attempt is bounded by the transport's timeout.
    async fn refresh_with_retries(&self, refresh_token: &Secret) -> Result<Session, Error> {
        let policy = RetryPolicy::default()
            .with_initial_delay(FIRST_RETRY_DELAY)
            .with_max_delay(RETRY_BUDGET);
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            match self.refresh_once(refresh_token).await {
                Ok(session) => {
                    #[cfg(feature = "tracing")]
                    tracing::info!(attempts = attempt + 1, "session refreshed");
                    return Ok(session);
                }
                Err(e) if e.is_retryable() && waited + policy.backoff(attempt) < RETRY_BUDGET => {
                    let delay = policy.backoff(attempt);
                    #[cfg(feature = "tracing")]
                    tracing::info!(
                        attempt = attempt + 1,
                        wait_ms = delay.as_millis() as u64,
                        %e,
                        "retrying the session refresh"
                    );
                    supabase_core::runtime::sleep(delay).await;
                    waited += delay;
                    attempt += 1;
                }
                Err(e) => {
                    #[cfg(feature = "tracing")]
                    tracing::warn!(attempts = attempt + 1, %e, "session refresh failed");
                    return Err(e);
                }
            }
        }
    }

    async fn refresh_once(&self, refresh_token: &Secret) -> Result<Session, Error> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            refresh_token: &'a str,
        }
        let http = self.http();
        let url = http.url(&["token"], &[("grant_type", "refresh_token")])?;
        let body = Body {
            refresh_token: refresh_token.expose(),
        };
        let response = http
            .send_json(Method::POST, url, &body, Bearer::Key)
            .await?;
        parse_auth_answer(&response.body, self.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)
    }

    fn recent_failure(&self, refresh_token: &Secret) -> Option<Arc<Error>> {
        let failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        failure
            .as_ref()
            .filter(|f| {
                f.refresh_token.expose() == refresh_token.expose()
                    && f.at.elapsed() < FAILURE_COOLDOWN
            })
            .map(|f| Arc::clone(&f.error))
    }

    fn remember_failure(&self, refresh_token: &Secret, error: &Arc<Error>) {
        let mut failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        *failure = Some(Failure {
            refresh_token: refresh_token.clone(),
            at: Instant::now(),
            error: Arc::clone(error),
        });
    }

    /// What a caller gets after a failed refresh of `seen`.
    fn after_failure(&self, seen: Session, error: &Arc<Error>) -> Result<Option<Session>, Error> {
        if !seen.is_expired(self.now()) {
            return Ok(Some(seen));
        }
        Err(Error::share(error))
    }
}
