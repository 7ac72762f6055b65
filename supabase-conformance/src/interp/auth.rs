//! `{"auth": …}` statements interpreted with the `supabase-auth` API: auth-js 2.x names
//! (v2 cases) and gotrue-js 1.x names (v1 cases: `signIn`, `signUp`, `session`, `user`,
//! `update`, `signOut`, `refreshSession`, `verifyOTP`, `api.*`).
//!
//! `setAuth` is not here: it is a client-level call (see the façade family).

use base64::Engine as _;
use serde_json::Value;
use supabase::auth::{
    AdminClient, AdminUserAttributes, AuthClient, Channel, CreateOAuthClientParams,
    CustomProviderParams, CustomProviderType, EmailOtpType, EnrollFactor, GenerateLinkParams,
    IdTokenCredentials, ListOAuthClientsParams, ListUsersParams, MobileOtpType, OAuthOptions,
    OtpCredentials, PasswordCredentials, RequestOptions, ResendParams, SignOutScope,
    SignUpCredentials, SsoParams, TokenEndpointAuthMethod, UpdateOAuthClientParams, UserAttributes,
    VerifyOtpParams, Web3Credentials, WebauthnRelyingParty,
};

use crate::family::StatementOutcome;
use crate::oj::Oj;

type R<T> = Result<T, String>;

/// The admin API, or why there is none.
pub type Admin<'a> = Result<&'a AdminClient, String>;

fn s<'a>(v: &'a Oj, key: &str) -> Option<&'a str> {
    v.str_at(key)
}

fn data(v: &Oj, key: &str) -> Option<Value> {
    v.get(key).filter(|d| !d.is_nullish()).map(Oj::value)
}

fn channel(v: &Oj) -> R<Option<Channel>> {
    Ok(match s(v, "channel") {
        Some("whatsapp") => Some(Channel::Whatsapp),
        Some("sms") => Some(Channel::Sms),
        None => None,
        Some(other) => return Err(format!("unknown channel {other}")),
    })
}

fn email_type(t: &str) -> R<EmailOtpType> {
    Ok(match t {
        "signup" => EmailOtpType::Signup,
        "invite" => EmailOtpType::Invite,
        "magiclink" => EmailOtpType::Magiclink,
        "recovery" => EmailOtpType::Recovery,
        "email_change" => EmailOtpType::EmailChange,
        "email" => EmailOtpType::Email,
        other => return Err(format!("unknown email OTP type {other}")),
    })
}

/// A call that sent (or not) requests; the outcome is JS-shaped, so not compared.
fn sent<T>(_: Result<T, supabase::auth::Error>) -> StatementOutcome {
    StatementOutcome::unchecked()
}

fn sign_up(auth_args: &Oj, o: &Oj, redirect_key: &str) -> R<SignUpCredentials> {
    let password = s(auth_args, "password").unwrap_or_default();
    let mut creds = match (s(auth_args, "email"), s(auth_args, "phone")) {
        (Some(email), _) => SignUpCredentials::email(email, password),
        (None, Some(phone)) => SignUpCredentials::phone(phone, password),
        (None, None) => return Err("signUp without email or phone".into()),
    };
    if let Some(r) = s(o, redirect_key) {
        creds = creds.redirect_to(r);
    }
    if let Some(d) = data(o, "data") {
        creds = creds.data(d);
    }
    if let Some(t) = s(o, "captchaToken") {
        creds = creds.captcha_token(t);
    }
    if let Some(ch) = channel(o)? {
        creds = creds.channel(ch);
    }
    Ok(creds)
}

fn password_creds(a: &Oj, o: &Oj) -> R<PasswordCredentials> {
    let password = s(a, "password").unwrap_or_default();
    let mut creds = match (s(a, "email"), s(a, "phone")) {
        (Some(email), _) => PasswordCredentials::email(email, password),
        (None, Some(phone)) => PasswordCredentials::phone(phone, password),
        (None, None) => return Err("password sign-in without email or phone".into()),
    };
    if let Some(t) = s(o, "captchaToken") {
        creds = creds.captcha_token(t);
    }
    Ok(creds)
}

fn otp_creds(a: &Oj, o: &Oj, redirect_key: &str) -> R<OtpCredentials> {
    let mut creds = match (s(a, "email"), s(a, "phone")) {
        (Some(email), _) => OtpCredentials::email(email),
        (None, Some(phone)) => OtpCredentials::phone(phone),
        (None, None) => return Err("OTP sign-in without email or phone".into()),
    };
    if let Some(r) = s(o, redirect_key) {
        creds = creds.redirect_to(r);
    }
    if let Some(b) = o.bool_at("shouldCreateUser") {
        creds = creds.should_create_user(b);
    }
    if let Some(d) = data(o, "data") {
        creds = creds.data(d);
    }
    if let Some(t) = s(o, "captchaToken") {
        creds = creds.captcha_token(t);
    }
    if let Some(ch) = channel(o)? {
        creds = creds.channel(ch);
    }
    Ok(creds)
}

fn verify_params(a: &Oj, o: &Oj) -> R<VerifyOtpParams> {
    let kind = s(a, "type").unwrap_or_default();
    let token = s(a, "token").unwrap_or_default();
    let mut params = if let Some(email) = s(a, "email") {
        VerifyOtpParams::email(email, token, email_type(kind)?)
    } else if let Some(phone) = s(a, "phone") {
        let kind = match kind {
            "phone_change" => MobileOtpType::PhoneChange,
            "sms" => MobileOtpType::Sms,
            other => return Err(format!("unknown mobile OTP type {other}")),
        };
        VerifyOtpParams::phone(phone, token, kind)
    } else if let Some(hash) = s(a, "token_hash") {
        VerifyOtpParams::token_hash(hash, email_type(kind)?)
    } else {
        return Err("verifyOtp without email, phone or token_hash".into());
    };
    if let Some(r) = s(o, "redirectTo") {
        params = params.redirect_to(r);
    }
    if let Some(t) = s(o, "captchaToken") {
        params = params.captcha_token(t);
    }
    Ok(params)
}

fn oauth_options(o: &Oj) -> OAuthOptions {
    let mut options = OAuthOptions::new();
    if let Some(r) = s(o, "redirectTo") {
        options = options.redirect_to(r);
    }
    if let Some(sc) = s(o, "scopes") {
        options = options.scopes(sc);
    }
    for (k, v) in o
        .get("queryParams")
        .and_then(Oj::members)
        .unwrap_or_default()
    {
        options = options.query_param(k, v.display());
    }
    options
}

fn user_attributes(a: &Oj) -> UserAttributes {
    let mut attrs = UserAttributes::new();
    if let Some(e) = s(a, "email") {
        attrs = attrs.email(e);
    }
    if let Some(p) = s(a, "phone") {
        attrs = attrs.phone(p);
    }
    if let Some(p) = s(a, "password") {
        attrs = attrs.password(p);
    }
    if let Some(n) = s(a, "nonce") {
        attrs = attrs.nonce(n);
    }
    if let Some(d) = data(a, "data") {
        attrs = attrs.data(d);
    }
    attrs
}

fn scope(a: &Oj) -> R<SignOutScope> {
    Ok(match s(a, "scope") {
        Some("local") => SignOutScope::Local,
        Some("others") => SignOutScope::Others,
        Some("global") | None => SignOutScope::Global,
        Some(other) => return Err(format!("unknown sign-out scope {other}")),
    })
}

fn request_options(o: &Oj) -> RequestOptions {
    let mut options = RequestOptions::new();
    if let Some(r) = s(o, "redirectTo") {
        options = options.redirect_to(r);
    }
    if let Some(t) = s(o, "captchaToken") {
        options = options.captcha_token(t);
    }
    if let Some(d) = data(o, "data") {
        options = options.data(d);
    }
    options
}

/// Runs one auth-js 2.x method.
pub async fn run_v2(
    auth: &AuthClient,
    admin: Admin<'_>,
    name: &str,
    args: &[Oj],
) -> R<StatementOutcome> {
    let null = Oj::Null;
    let a0 = args.first().unwrap_or(&null);
    let a1 = args.get(1).unwrap_or(&null);
    let o = a0.get("options").unwrap_or(&null);
    Ok(match name {
        "signUp" => sent(auth.sign_up(sign_up(a0, o, "emailRedirectTo")?).await),
        "signInWithPassword" => sent(auth.sign_in_with_password(password_creds(a0, o)?).await),
        "signInWithOtp" => sent(
            auth.sign_in_with_otp(otp_creds(a0, o, "emailRedirectTo")?)
                .await,
        ),
        "verifyOtp" => sent(auth.verify_otp(verify_params(a0, o)?).await),
        "signInAnonymously" => sent(auth.sign_in_anonymously(request_options(o)).await),
        "signInWithIdToken" => {
            let provider = s(a0, "provider").unwrap_or_default();
            let mut creds = IdTokenCredentials::new(provider, s(a0, "token").unwrap_or_default());
            if let Some(t) = s(a0, "access_token") {
                creds = creds.access_token(t);
            }
            if let Some(n) = s(a0, "nonce") {
                creds = creds.nonce(n);
            }
            if let Some(t) = s(o, "captchaToken") {
                creds = creds.captcha_token(t);
            }
            sent(auth.sign_in_with_id_token(creds).await)
        }
        "signInWithOAuth" => {
            let r = auth
                .sign_in_with_oauth(s(a0, "provider").unwrap_or_default(), oauth_options(o))
                .await;
            StatementOutcome {
                ok: None,
                url: r.as_ref().ok().map(|r| r.url.to_string()),
                error: r.err().map(|e| e.to_string()),
                error_name: None,
            }
        }
        "exchangeCodeForSession" => sent(
            auth.exchange_code_for_session(a0.str().unwrap_or_default())
                .await,
        ),
        "signInWithSSO" => {
            let mut params = match (s(a0, "domain"), s(a0, "providerId")) {
                (Some(d), _) => SsoParams::domain(d),
                (None, Some(p)) => SsoParams::provider_id(p),
                (None, None) => return Err("signInWithSSO without domain or providerId".into()),
            };
            if let Some(r) = s(o, "redirectTo") {
                params = params.redirect_to(r);
            }
            if let Some(t) = s(o, "captchaToken") {
                params = params.captcha_token(t);
            }
            let r = auth.sign_in_with_sso(params).await;
            StatementOutcome {
                ok: None,
                url: r.as_ref().ok().map(|r| r.url.clone()),
                error: r.err().map(|e| e.to_string()),
                error_name: None,
            }
        }
        "resend" => {
            let email = s(a0, "email").unwrap_or_default();
            let phone = s(a0, "phone").unwrap_or_default();
            let mut params = match s(a0, "type").unwrap_or_default() {
                "signup" => ResendParams::signup(email),
                "email_change" => ResendParams::email_change(email),
                "phone_change" => ResendParams::phone_change(phone),
                "sms" => ResendParams::sms(phone),
                other => return Err(format!("unknown resend type {other}")),
            };
            if let Some(r) = s(o, "emailRedirectTo") {
                params = params.redirect_to(r);
            }
            if let Some(t) = s(o, "captchaToken") {
                params = params.captcha_token(t);
            }
            sent(auth.resend(params).await)
        }
        "resetPasswordForEmail" => sent(
            auth.reset_password_for_email(a0.str().unwrap_or_default(), request_options(a1))
                .await,
        ),
        "getSession" => sent(auth.get_session().await),
        "getUser" => match a0.str() {
            Some(jwt) => sent(auth.get_user_with_jwt(jwt).await),
            None => sent(auth.get_user().await),
        },
        "updateUser" => {
            let mut attrs = user_attributes(a0);
            if let Some(r) = s(a1, "emailRedirectTo") {
                attrs = attrs.redirect_to(r);
            }
            sent(auth.update_user(attrs).await)
        }
        "reauthenticate" => sent(auth.reauthenticate().await),
        "refreshSession" => match s(a0, "refresh_token") {
            Some(t) => sent(auth.refresh_session_with(t).await),
            None => sent(auth.refresh_session().await),
        },
        "setSession" => sent(
            auth.set_session(
                s(a0, "access_token").unwrap_or_default(),
                s(a0, "refresh_token").unwrap_or_default(),
            )
            .await,
        ),
        "signOut" => sent(auth.sign_out(scope(a0)?).await),
        "onAuthStateChange" => sent(auth.on_auth_state_change().await),
        admin_op if admin_op.starts_with("admin.") => run_admin(admin?, admin_op, a0, a1).await?,
        "oauth.getAuthorizationDetails" => sent(
            auth.oauth()
                .get_authorization_details(a0.str().unwrap_or_default())
                .await,
        ),
        "oauth.approveAuthorization" => sent(
            auth.oauth()
                .approve_authorization(a0.str().unwrap_or_default())
                .await,
        ),
        "oauth.denyAuthorization" => sent(
            auth.oauth()
                .deny_authorization(a0.str().unwrap_or_default())
                .await,
        ),
        "oauth.listGrants" => sent(auth.oauth().list_grants().await),
        "oauth.revokeGrant" => sent(
            auth.oauth()
                .revoke_grant(s(a0, "clientId").unwrap_or_default())
                .await,
        ),
        // linkIdentity with a `token` is the ID-token form; the OAuth form is not a case here.
        "linkIdentity" if a0.get("token").is_some() => {
            let mut creds = IdTokenCredentials::new(
                s(a0, "provider").unwrap_or_default(),
                s(a0, "token").unwrap_or_default(),
            );
            if let Some(t) = s(a0, "access_token") {
                creds = creds.access_token(t);
            }
            if let Some(n) = s(a0, "nonce") {
                creds = creds.nonce(n);
            }
            if let Some(c) = s(o, "captchaToken") {
                creds = creds.captcha_token(c);
            }
            sent(auth.link_identity_with_id_token(creds).await)
        }
        "signInWithWeb3" => {
            let message = s(a0, "message").ok_or("signInWithWeb3 without a message")?;
            let mut creds = match s(a0, "chain") {
                Some("ethereum") => {
                    Web3Credentials::ethereum(message, s(a0, "signature").unwrap_or_default())
                }
                Some("solana") => {
                    let b64 = a0
                        .get("signature")
                        .and_then(|sig| sig.str_at("$bytes"))
                        .ok_or("a solana signature must be $bytes")?;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|e| e.to_string())?;
                    Web3Credentials::solana(message, &bytes)
                }
                other => return Err(format!("unknown web3 chain {other:?}")),
            };
            if let Some(c) = s(o, "captchaToken") {
                creds = creds.captcha_token(c);
            }
            sent(auth.sign_in_with_web3(creds).await)
        }
        "passkey.startRegistration" => sent(auth.passkey().start_registration().await),
        "passkey.verifyRegistration" => sent(
            auth.passkey()
                .verify_registration(
                    s(a0, "challengeId").unwrap_or_default(),
                    &data(a0, "credential").unwrap_or_default(),
                )
                .await,
        ),
        "passkey.startAuthentication" => sent(
            auth.passkey()
                .start_authentication(s(o, "captchaToken"))
                .await,
        ),
        "passkey.verifyAuthentication" => sent(
            auth.passkey()
                .verify_authentication(
                    s(a0, "challengeId").unwrap_or_default(),
                    &data(a0, "credential").unwrap_or_default(),
                )
                .await,
        ),
        "passkey.list" => sent(auth.passkey().list().await),
        "passkey.update" => sent(
            auth.passkey()
                .update(
                    s(a0, "passkeyId").unwrap_or_default(),
                    s(a0, "friendlyName").unwrap_or_default(),
                )
                .await,
        ),
        "passkey.delete" => sent(
            auth.passkey()
                .delete(s(a0, "passkeyId").unwrap_or_default())
                .await,
        ),
        "mfa.enroll" => {
            let mut factor = match s(a0, "factorType") {
                Some("totp") => EnrollFactor::totp(),
                Some("phone") => EnrollFactor::phone(s(a0, "phone").unwrap_or_default()),
                Some("webauthn") => EnrollFactor::webauthn(),
                other => return Err(format!("unknown factor type {other:?}")),
            };
            if let Some(n) = s(a0, "friendlyName") {
                factor = factor.friendly_name(n);
            }
            if let Some(i) = s(a0, "issuer") {
                factor = factor.issuer(i);
            }
            sent(auth.mfa().enroll(factor).await)
        }
        "mfa.challenge" => {
            let factor_id = s(a0, "factorId").unwrap_or_default();
            match a0.get("webauthn") {
                Some(w) => {
                    let mut rp = WebauthnRelyingParty::new(s(w, "rpId").unwrap_or_default());
                    for origin in w
                        .get("rpOrigins")
                        .map(Oj::items)
                        .transpose()?
                        .unwrap_or_default()
                    {
                        rp = rp.origin(origin.as_str().unwrap_or_default());
                    }
                    sent(auth.mfa().challenge_webauthn(factor_id, &rp).await)
                }
                None => sent(auth.mfa().challenge(factor_id, channel(a0)?).await),
            }
        }
        "mfa.listFactors" => sent(auth.mfa().list_factors().await),
        other => return Err(format!("unknown op auth.{other}")),
    })
}

fn strings(v: &Oj, key: &str) -> R<Option<Vec<String>>> {
    Ok(v.get(key).map(Oj::items).transpose()?.map(|items| {
        items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_owned())
            .collect()
    }))
}

fn auth_method(v: &Oj) -> R<Option<TokenEndpointAuthMethod>> {
    Ok(match s(v, "token_endpoint_auth_method") {
        None => None,
        Some("none") => Some(TokenEndpointAuthMethod::None),
        Some("client_secret_basic") => Some(TokenEndpointAuthMethod::ClientSecretBasic),
        Some("client_secret_post") => Some(TokenEndpointAuthMethod::ClientSecretPost),
        Some(other) => return Err(format!("unknown token_endpoint_auth_method {other}")),
    })
}

fn custom_provider(v: &Oj, mut p: CustomProviderParams) -> R<CustomProviderParams> {
    if let Some(x) = s(v, "name") {
        p = p.name(x);
    }
    if let Some(x) = s(v, "issuer") {
        p = p.issuer(x);
    }
    if let Some(x) = s(v, "discovery_url") {
        p = p.discovery_url(x);
    }
    if let Some(x) = s(v, "authorization_url") {
        p = p.authorization_url(x);
    }
    if let Some(x) = s(v, "token_url") {
        p = p.token_url(x);
    }
    if let Some(x) = s(v, "userinfo_url") {
        p = p.userinfo_url(x);
    }
    if let Some(x) = s(v, "jwks_uri") {
        p = p.jwks_uri(x);
    }
    if let Some(x) = strings(v, "scopes")? {
        p = p.scopes(x);
    }
    if let Some(x) = strings(v, "acceptable_client_ids")? {
        p = p.acceptable_client_ids(x);
    }
    if let Some(x) = strings(v, "custom_claims_allowlist")? {
        p = p.custom_claims_allowlist(x);
    }
    if let Some(x) = v.bool_at("pkce_enabled") {
        p = p.pkce_enabled(x);
    }
    if let Some(x) = v.bool_at("enabled") {
        p = p.enabled(x);
    }
    if let Some(x) = v.bool_at("email_optional") {
        p = p.email_optional(x);
    }
    if let Some(x) = v.bool_at("skip_nonce_check") {
        p = p.skip_nonce_check(x);
    }
    if let Some(x) = data(v, "attribute_mapping") {
        p = p.attribute_mapping(x);
    }
    Ok(p)
}

async fn run_admin_more(admin: &AdminClient, op: &str, a0: &Oj, a1: &Oj) -> R<StatementOutcome> {
    let id = || a0.str().unwrap_or_default();
    Ok(match op {
        "admin.mfa.listFactors" => sent(
            admin
                .list_factors(s(a0, "userId").unwrap_or_default())
                .await,
        ),
        "admin.mfa.deleteFactor" => sent(
            admin
                .delete_factor(
                    s(a0, "userId").unwrap_or_default(),
                    s(a0, "id").unwrap_or_default(),
                )
                .await,
        ),
        "admin.oauth.listClients" => {
            let mut params = ListOAuthClientsParams::new();
            if let Some(p) = a0.get("page").map(Oj::u64).transpose()? {
                params = params.page(u32::try_from(p).map_err(|e| e.to_string())?);
            }
            if let Some(p) = a0.get("perPage").map(Oj::u64).transpose()? {
                params = params.per_page(u32::try_from(p).map_err(|e| e.to_string())?);
            }
            sent(admin.list_oauth_clients(params).await)
        }
        "admin.oauth.createClient" => {
            let mut p = CreateOAuthClientParams::new(
                s(a0, "client_name").unwrap_or_default(),
                strings(a0, "redirect_uris")?.unwrap_or_default(),
            );
            if let Some(x) = s(a0, "client_uri") {
                p = p.client_uri(x);
            }
            if let Some(x) = strings(a0, "grant_types")? {
                p = p.grant_types(x);
            }
            if let Some(x) = strings(a0, "response_types")? {
                p = p.response_types(x);
            }
            if let Some(x) = s(a0, "scope") {
                p = p.scope(x);
            }
            if let Some(x) = auth_method(a0)? {
                p = p.token_endpoint_auth_method(x);
            }
            sent(admin.create_oauth_client(p).await)
        }
        "admin.oauth.getClient" => sent(admin.get_oauth_client(id()).await),
        "admin.oauth.updateClient" => {
            let mut p = UpdateOAuthClientParams::new();
            if let Some(x) = s(a1, "client_name") {
                p = p.client_name(x);
            }
            if let Some(x) = s(a1, "client_uri") {
                p = p.client_uri(x);
            }
            if let Some(x) = s(a1, "logo_uri") {
                p = p.logo_uri(x);
            }
            if let Some(x) = strings(a1, "redirect_uris")? {
                p = p.redirect_uris(x);
            }
            if let Some(x) = strings(a1, "grant_types")? {
                p = p.grant_types(x);
            }
            if let Some(x) = auth_method(a1)? {
                p = p.token_endpoint_auth_method(x);
            }
            sent(admin.update_oauth_client(id(), p).await)
        }
        "admin.oauth.deleteClient" => sent(admin.delete_oauth_client(id()).await),
        "admin.oauth.regenerateClientSecret" => {
            sent(admin.regenerate_oauth_client_secret(id()).await)
        }
        "admin.customProviders.listProviders" => {
            let kind = match s(a0, "type") {
                None => None,
                Some("oidc") => Some(CustomProviderType::Oidc),
                Some("oauth2") => Some(CustomProviderType::OAuth2),
                Some(other) => return Err(format!("unknown provider type {other}")),
            };
            sent(admin.list_custom_providers(kind).await)
        }
        "admin.customProviders.createProvider" => {
            let args = (
                s(a0, "identifier").unwrap_or_default(),
                s(a0, "name").unwrap_or_default(),
                s(a0, "client_id").unwrap_or_default(),
                s(a0, "client_secret").unwrap_or_default(),
            );
            let base = match s(a0, "provider_type") {
                Some("oidc") => CustomProviderParams::oidc(args.0, args.1, args.2, args.3),
                Some("oauth2") => CustomProviderParams::oauth2(args.0, args.1, args.2, args.3),
                other => return Err(format!("unknown provider type {other:?}")),
            };
            sent(
                admin
                    .create_custom_provider(custom_provider(a0, base)?)
                    .await,
            )
        }
        "admin.customProviders.getProvider" => sent(admin.get_custom_provider(id()).await),
        "admin.customProviders.updateProvider" => {
            let mut p = custom_provider(a1, CustomProviderParams::update())?;
            if let Some(x) = s(a1, "client_id") {
                p = p.client_id(x);
            }
            if let Some(x) = s(a1, "client_secret") {
                p = p.client_secret(x);
            }
            sent(admin.update_custom_provider(id(), p).await)
        }
        "admin.customProviders.deleteProvider" => sent(admin.delete_custom_provider(id()).await),
        "admin.passkey.listPasskeys" => sent(
            admin
                .list_passkeys(s(a0, "userId").unwrap_or_default())
                .await,
        ),
        "admin.passkey.deletePasskey" => sent(
            admin
                .delete_passkey(
                    s(a0, "userId").unwrap_or_default(),
                    s(a0, "passkeyId").unwrap_or_default(),
                )
                .await,
        ),
        other => return Err(format!("unknown op auth.{other}")),
    })
}

fn admin_attrs(v: &Oj) -> AdminUserAttributes {
    let mut a = AdminUserAttributes::new();
    if let Some(x) = s(v, "email") {
        a = a.email(x);
    }
    if let Some(x) = s(v, "phone") {
        a = a.phone(x);
    }
    if let Some(x) = s(v, "password") {
        a = a.password(x);
    }
    if let Some(x) = v.bool_at("email_confirm") {
        a = a.email_confirm(x);
    }
    if let Some(x) = v.bool_at("phone_confirm") {
        a = a.phone_confirm(x);
    }
    if let Some(x) = s(v, "ban_duration") {
        a = a.ban_duration(x);
    }
    if let Some(x) = s(v, "role") {
        a = a.role(x);
    }
    if let Some(x) = data(v, "user_metadata") {
        a = a.user_metadata(x);
    }
    if let Some(x) = data(v, "app_metadata") {
        a = a.app_metadata(x);
    }
    a
}

async fn run_admin(admin: &AdminClient, op: &str, a0: &Oj, a1: &Oj) -> R<StatementOutcome> {
    let null = Oj::Null;
    let o = a0.get("options").unwrap_or(&null);
    Ok(match op {
        "admin.createUser" => sent(admin.create_user(admin_attrs(a0)).await),
        "admin.updateUserById" => sent(
            admin
                .update_user_by_id(a0.str().unwrap_or_default(), admin_attrs(a1))
                .await,
        ),
        "admin.getUserById" => sent(admin.get_user_by_id(a0.str().unwrap_or_default()).await),
        "admin.listUsers" => {
            let mut params = ListUsersParams::new();
            if let Some(p) = a0.get("page").map(Oj::u64).transpose()? {
                params = params.page(u32::try_from(p).map_err(|e| e.to_string())?);
            }
            if let Some(p) = a0.get("perPage").map(Oj::u64).transpose()? {
                params = params.per_page(u32::try_from(p).map_err(|e| e.to_string())?);
            }
            sent(admin.list_users(params).await)
        }
        "admin.deleteUser" => sent(
            admin
                .delete_user(a0.str().unwrap_or_default(), a1 == &Oj::Bool(true))
                .await,
        ),
        "admin.inviteUserByEmail" => sent(
            admin
                .invite_user_by_email(
                    a0.str().unwrap_or_default(),
                    data(a1, "data"),
                    s(a1, "redirectTo"),
                )
                .await,
        ),
        "admin.generateLink" => {
            let email = s(a0, "email").unwrap_or_default();
            let mut params = match s(a0, "type").unwrap_or_default() {
                "signup" => {
                    GenerateLinkParams::signup(email, s(a0, "password").unwrap_or_default())
                }
                "invite" => GenerateLinkParams::invite(email),
                "magiclink" => GenerateLinkParams::magiclink(email),
                "recovery" => GenerateLinkParams::recovery(email),
                "email_change_current" => GenerateLinkParams::email_change_current(
                    email,
                    s(a0, "newEmail").unwrap_or_default(),
                ),
                "email_change_new" => GenerateLinkParams::email_change_new(
                    email,
                    s(a0, "newEmail").unwrap_or_default(),
                ),
                other => return Err(format!("unknown generateLink type {other}")),
            };
            if let Some(d) = data(o, "data") {
                params = params.data(d);
            }
            if let Some(r) = s(o, "redirectTo") {
                params = params.redirect_to(r);
            }
            sent(admin.generate_link(params).await)
        }
        "admin.signOut" => sent(
            admin
                .sign_out(a0.str().unwrap_or_default(), scope(a1)?)
                .await,
        ),
        other => return Box::pin(run_admin_more(admin, other, a0, a1)).await,
    })
}

/// Runs one gotrue-js 1.x method (supabase-js 1.35), mapped onto the same Rust API.
pub async fn run_v1(
    auth: &AuthClient,
    admin: Admin<'_>,
    name: &str,
    args: &[Oj],
) -> R<StatementOutcome> {
    let null = Oj::Null;
    let a0 = args.first().unwrap_or(&null);
    let a1 = args.get(1).unwrap_or(&null);
    Ok(match name {
        // signUp({email|phone, password}, {redirectTo, data, captchaToken})
        "signUp" => sent(auth.sign_up(sign_up(a0, a1, "redirectTo")?).await),
        // signIn({email, password} | {phone, password} | {email} | {phone} | {refreshToken}
        //        | {provider} | {oidc}, {redirectTo, scopes, captchaToken, queryParams,
        //        shouldCreateUser})
        "signIn" => {
            if let Some(token) = s(a0, "refreshToken") {
                sent(auth.refresh_session_with(token).await)
            } else if let Some(provider) = s(a0, "provider") {
                let r = auth.sign_in_with_oauth(provider, oauth_options(a1)).await;
                StatementOutcome {
                    ok: None,
                    url: r.as_ref().ok().map(|r| r.url.to_string()),
                    error: r.err().map(|e| e.to_string()),
                    error_name: None,
                }
            } else if a0.get("oidc").is_some() {
                return Err("signIn({oidc}) is not interpreted: the v1 OIDC body has no Rust equivalent (use sign_in_with_id_token)".into());
            } else if s(a0, "password").is_some() {
                sent(auth.sign_in_with_password(password_creds(a0, a1)?).await)
            } else {
                sent(
                    auth.sign_in_with_otp(otp_creds(a0, a1, "redirectTo")?)
                        .await,
                )
            }
        }
        // Synchronous in v1: the in-memory session / user; nothing is sent.
        "session" | "user" => sent(auth.get_session().await),
        "getSessionFromUrl" => {
            return Err(
                "auth.getSessionFromUrl is not interpreted: there is no browser URL".into(),
            );
        }
        "update" => sent(auth.update_user(user_attributes(a0)).await),
        "signOut" => sent(auth.sign_out(SignOutScope::Global).await),
        "refreshSession" => sent(auth.refresh_session().await),
        // verifyOTP({email|phone, token, type}, {redirectTo})
        "verifyOTP" => {
            let kind = s(a0, "type").unwrap_or("sms");
            let token = s(a0, "token").unwrap_or_default();
            let mut params = match (s(a0, "email"), s(a0, "phone")) {
                (Some(email), _) => VerifyOtpParams::email(email, token, email_type(kind)?),
                (None, Some(phone)) => {
                    let kind = match kind {
                        "phone_change" => MobileOtpType::PhoneChange,
                        _ => MobileOtpType::Sms,
                    };
                    VerifyOtpParams::phone(phone, token, kind)
                }
                (None, None) => return Err("verifyOTP without email or phone".into()),
            };
            if let Some(r) = s(a1, "redirectTo") {
                params = params.redirect_to(r);
            }
            sent(auth.verify_otp(params).await)
        }
        "onAuthStateChange" => sent(auth.on_auth_state_change().await),
        "api.resetPasswordForEmail" => sent(
            auth.reset_password_for_email(a0.str().unwrap_or_default(), request_options(a1))
                .await,
        ),
        "api.getUser" => sent(auth.get_user_with_jwt(a0.str().unwrap_or_default()).await),
        "api.signInWithEmail" => sent(
            auth.sign_in_with_password(password_creds(
                &Oj::Obj(vec![
                    ("email".into(), a0.clone()),
                    ("password".into(), a1.clone()),
                ]),
                args.get(2).unwrap_or(&null),
            )?)
            .await,
        ),
        "api.sendMagicLinkEmail" => {
            let creds = otp_creds(
                &Oj::Obj(vec![("email".into(), a0.clone())]),
                a1,
                "redirectTo",
            )?;
            sent(auth.sign_in_with_otp(creds).await)
        }
        "api.sendMobileOTP" => {
            let creds = otp_creds(
                &Oj::Obj(vec![("phone".into(), a0.clone())]),
                a1,
                "redirectTo",
            )?;
            sent(auth.sign_in_with_otp(creds).await)
        }
        "api.signOut" => sent(
            admin?
                .sign_out(a0.str().unwrap_or_default(), SignOutScope::Global)
                .await,
        ),
        "api.createUser" => run_admin(admin?, "admin.createUser", a0, a1).await?,
        "api.listUsers" => run_admin(admin?, "admin.listUsers", a0, a1).await?,
        "api.deleteUser" => run_admin(admin?, "admin.deleteUser", a0, a1).await?,
        "api.updateUserById" => run_admin(admin?, "admin.updateUserById", a0, a1).await?,
        "api.getUserById" => run_admin(admin?, "admin.getUserById", a0, a1).await?,
        other => return Err(format!("unknown op auth.{other} (supabase-js v1)")),
    })
}
