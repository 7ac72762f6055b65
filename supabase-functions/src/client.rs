//! The Functions client and regions.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use supabase_core::{Config, Secret, Service, TokenProvider};

use crate::{FunctionsError, Invoke};

/// The region an Edge Function runs in (`x-region` header and `forceFunctionRegion` query
/// parameter). [`Region::ANY`] (the default) lets Supabase choose and sends neither.
///
/// ```
/// use supabase_functions::Region;
///
/// assert_eq!(Region::EU_WEST_2.as_str(), "eu-west-2");
/// assert_eq!(Region::new("me-central-1").unwrap().as_str(), "me-central-1");
/// assert!(Region::new("bad region").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Region(Cow<'static, str>);

macro_rules! regions {
    ($($name:ident = $value:literal),* $(,)?) => {
        impl Region {
            $(
                #[doc = concat!("`", $value, "`")]
                pub const $name: Region = Region(Cow::Borrowed($value));
            )*
        }
    };
}

regions! {
    ANY = "any",
    AP_NORTHEAST_1 = "ap-northeast-1",
    AP_NORTHEAST_2 = "ap-northeast-2",
    AP_SOUTH_1 = "ap-south-1",
    AP_SOUTHEAST_1 = "ap-southeast-1",
    AP_SOUTHEAST_2 = "ap-southeast-2",
    CA_CENTRAL_1 = "ca-central-1",
    EU_CENTRAL_1 = "eu-central-1",
    EU_WEST_1 = "eu-west-1",
    EU_WEST_2 = "eu-west-2",
    EU_WEST_3 = "eu-west-3",
    SA_EAST_1 = "sa-east-1",
    US_EAST_1 = "us-east-1",
    US_WEST_1 = "us-west-1",
    US_WEST_2 = "us-west-2",
}

impl Region {
    /// A region by name (lowercase ASCII letters, digits and `-`), for regions newer than
    /// this crate's constants.
    pub fn new(name: impl Into<String>) -> Result<Self, FunctionsError> {
        let name = name.into();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(FunctionsError::InvalidInput(format!(
                "`{}` is not a region name (lowercase letters, digits and `-`)",
                name.escape_debug()
            )));
        }
        Ok(Self(Cow::Owned(name)))
    }

    /// The region's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is [`Region::ANY`].
    pub fn is_any(&self) -> bool {
        self.0 == "any"
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.0)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client for a project's Edge Functions (`https://<ref>.supabase.co/functions/v1`).
///
/// Every request goes through a [`Service`] of `supabase-core`, which decides `apikey` and
/// the bearer header: the token of the client's [`TokenProvider`] (a user's JWT, a session), or
/// the project key. A token belongs to the client value: [`FunctionsClient::with_token_provider`]
/// returns a new client acting for that user and leaves this one unchanged (functions-js's
/// `setAuth` instead changes headers shared by every later call).
///
/// Invocations are never retried (as functions-js): a function call is usually not
/// idempotent, whatever its method.
///
/// Cloning is cheap (reference counts).
///
/// ```
/// use std::sync::Arc;
/// use supabase_functions::{FunctionsClient, Region, StaticTokenProvider};
///
/// # fn main() -> Result<(), supabase_functions::FunctionsError> {
/// let functions = FunctionsClient::new("https://xyzcompany.supabase.co/functions/v1", "anon-key")?;
/// let as_user = functions
///     .with_token_provider(Arc::new(StaticTokenProvider::from_token("eyJ.user.jwt")?))
///     .with_region(Region::EU_WEST_1);
/// assert_eq!(as_user.region(), Some(&Region::EU_WEST_1));
/// // Neither the key nor the token show up in Debug output.
/// let shown = format!("{as_user:?}");
/// assert!(!shown.contains("anon-key") && !shown.contains("eyJ.user.jwt"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FunctionsClient {
    service: Service,
    region: Option<Region>,
}

impl FunctionsClient {
    /// A client used alone: `url` is the Functions endpoint
    /// (`https://<ref>.supabase.co/functions/v1`), `key` the project's API key. It sends the key
    /// as bearer until [`FunctionsClient::with_token_provider`] sets a user.
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, FunctionsError> {
        Ok(Self::from_service(Service::standalone(url, key)?))
    }

    /// The client of `config`'s project (`<project url>/functions/v1`), with its global
    /// headers, timeout and connection pool.
    pub fn from_config(config: &Config) -> Result<Self, FunctionsError> {
        Ok(Self::from_service(Service::from_config(
            config,
            "functions/v1",
        )?))
    }

    /// A client on `service` (the `functions/v1` endpoint with its credential): how the
    /// `supabase` façade builds it.
    pub fn from_service(service: Service) -> Self {
        Self {
            service,
            region: None,
        }
    }

    /// The same client acting with tokens from `tokens` (a user's JWT with
    /// [`StaticTokenProvider`](crate::StaticTokenProvider), a session, a third-party
    /// provider); this value is unchanged.
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            service: self.service.with_tokens(tokens),
            region: self.region.clone(),
        }
    }

    /// The same client acting with this token (a user's JWT) as its bearer; this value is
    /// unchanged. Fails when the token cannot be sent as a header.
    ///
    /// ```
    /// # let functions = supabase_functions::FunctionsClient::new("https://xyzcompany.supabase.co", "anon-key")?;
    /// let as_user = functions.with_token("eyJ.user.jwt")?;
    /// assert!(functions.with_token("bad\r\ntoken").is_err());
    /// # let _ = as_user;
    /// # Ok::<(), supabase_functions::FunctionsError>(())
    /// ```
    pub fn with_token(&self, token: impl Into<String>) -> Result<Self, FunctionsError> {
        let provider = supabase_core::StaticTokenProvider::from_token(token)?;
        Ok(self.with_token_provider(Arc::new(provider)))
    }

    /// The same client invoking functions in `region` unless a call sets its own.
    #[must_use]
    pub fn with_region(&self, region: Region) -> Self {
        Self {
            service: self.service.clone(),
            region: Some(region),
        }
    }

    /// The client's region, if set.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The core service every request goes through.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Starts an invocation of the function `name` (POST, no body unless one is set).
    ///
    /// `name` may hold sub-paths (`items/1`): each `/`-separated part is percent-encoded as
    /// one path segment (a space as `%20`, `?`, `#` and `%` kept inside the segment; use
    /// [`Invoke::query`] for a query string).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), supabase_functions::FunctionsError> {
    /// use supabase_functions::FunctionsClient;
    ///
    /// let functions = FunctionsClient::new("https://xyzcompany.supabase.co/functions/v1", "anon-key")?;
    /// let reply: serde_json::Value = functions
    ///     .invoke("hello")
    ///     .body_json(&serde_json::json!({"name": "Ada"}))
    ///     .send()
    ///     .await?
    ///     .json()?;
    /// # Ok(()) }
    /// ```
    pub fn invoke(&self, name: &str) -> Invoke {
        Invoke::new(self.clone(), name)
    }
}

impl fmt::Debug for FunctionsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionsClient")
            .field("service", &self.service)
            .field("region", &self.region)
            .finish()
    }
}
